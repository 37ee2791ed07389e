/**
 * Redaction for everything that leaves certgate other than the caller's own data: log lines,
 * error messages, alert payloads. Secrets are removed by value (configured secrets) and by shape
 * (certgate keys, private keys, bearer tokens), and by field name for structured records.
 */
const PRIVATE_KEY_PEM = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;
const CERTGATE_KEY = /\bcg_[A-Za-z0-9_-]{16,}/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const BEARER_HINT = /bearer|basic/i;
const SENSITIVE_FIELD =
  /^(authorization|x-api-key|x-auth-key|x-auth-email|cookie|set-cookie|cf-access-jwt-assertion|cf-access-token|private_key|privatekey|certificateprivatekey|token|secret|password|api_key|apikey|key)$/i;

export const REDACTED = "[REDACTED]";

export function redactText(text: string, secrets: readonly string[] = []): string {
  // Every log line goes through here: a cheap substring test first, the regex only where it can match.
  let out = text;
  if (out.includes("PRIVATE KEY-----")) out = out.replace(PRIVATE_KEY_PEM, "[REDACTED PRIVATE KEY]");
  if (out.includes("cg_")) out = out.replace(CERTGATE_KEY, "cg_[REDACTED]");
  if (BEARER_HINT.test(out)) out = out.replace(BEARER, "$1 [REDACTED]");
  for (const secret of secrets) {
    if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Deep copy with sensitive fields replaced and every string redacted. */
export function redactValue(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (depth > 8) return "[TRUNCATED]";
  if (typeof value === "string") return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SENSITIVE_FIELD.test(k) && v != null && v !== "" ? REDACTED : redactValue(v, secrets, depth + 1);
    }
    return out;
  }
  return value;
}
