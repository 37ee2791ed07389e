/**
 * Redaction for everything that leaves certgate other than the caller's own data: log lines,
 * error messages, alert payloads. Secrets are removed by value (configured secrets, and the secrets a
 * request carries: `secretsInBody`), by shape (certgate keys, private keys, bearer tokens), and by field
 * name for structured records. Key material (a long base64 secret, such as a private key's content) is
 * also removed in fragments: any run of 16 or more of its characters, however an upstream re-wraps or
 * cuts it, and without its PEM armor.
 */
const PRIVATE_KEY_PEM = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;
const CERTGATE_KEY = /\bcg_[A-Za-z0-9_-]{16,}/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const BEARER_HINT = /bearer|basic/i;
const SENSITIVE_FIELD =
  /^(authorization|x-api-key|x-auth-key|x-auth-email|cookie|set-cookie|cf-access-jwt-assertion|cf-access-token|private_key|privatekey|certificateprivatekey|token|secret|password|api_key|apikey|key)$/i;

export const REDACTED = "[REDACTED]";

/** 16 base64 characters = 96 bits: a run that long of a key's content is never a coincidence. */
const FRAGMENT_CHARS = 16;
const BASE64_RUN = /[A-Za-z0-9+/]{16,}/g;
/** A secret treated as key material: 64+ characters of base64 (at least 48 bytes). */
const KEY_MATERIAL = /^[A-Za-z0-9+/]{64,}={0,2}$/;
/** Containers a request body's secrets are looked for in, at most this deep. */
const MAX_BODY_DEPTH = 4;

/** Every `FRAGMENT_CHARS`-long piece of `material`. */
function fragmentsOf(material: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + FRAGMENT_CHARS <= material.length; i++) out.add(material.slice(i, i + FRAGMENT_CHARS));
  return out;
}

/**
 * Replaces every stretch of `text` made of pieces of `material` (base64 runs only): linear in the text,
 * one set lookup per position of a run.
 */
function redactFragments(text: string, material: string): string {
  let fragments: Set<string> | null = null;
  return text.replace(BASE64_RUN, (run) => {
    fragments ??= fragmentsOf(material);
    let out = "";
    let copied = 0; // run[0, copied) is settled: copied to `out` or covered by its last [REDACTED]
    for (let i = 0; i + FRAGMENT_CHARS <= run.length; i++) {
      if (!fragments.has(run.slice(i, i + FRAGMENT_CHARS))) continue;
      // A new stretch (the first, or after a gap) gets one marker; an overlapping one extends the last.
      if (out === "" || i > copied) out += `${run.slice(copied, i)}${REDACTED}`;
      copied = i + FRAGMENT_CHARS;
    }
    return out === "" ? run : out + run.slice(copied);
  });
}

export function redactText(text: string, secrets: readonly string[] = []): string {
  // Every log line goes through here: a cheap substring test first, the regex only where it can match.
  let out = text;
  if (out.includes("PRIVATE KEY-----")) out = out.replace(PRIVATE_KEY_PEM, "[REDACTED PRIVATE KEY]");
  if (out.includes("cg_")) out = out.replace(CERTGATE_KEY, "cg_[REDACTED]");
  if (BEARER_HINT.test(out)) out = out.replace(BEARER, "$1 [REDACTED]");
  for (const secret of secrets) {
    if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const secret of secrets) {
    if (KEY_MATERIAL.test(secret)) out = redactFragments(out, secret.replace(/=+$/, ""));
  }
  return out;
}

/**
 * The values to redact for one secret a request carries: the value itself and, for PEM (a private
 * key), its base64 content without armor or line breaks, which `redactText` also hunts in fragments.
 */
export function secretValues(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.length < 8) return [];
  if (!trimmed.includes("-----BEGIN ")) return [trimmed];
  const content = trimmed
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("-----"))
    .join("")
    .replace(/\s+/g, "");
  return content.length >= 8 ? [trimmed, content] : [trimmed];
}

/**
 * The secrets a request body carries, to join that request's redaction set: every string under a
 * sensitive field name (private_key, certificatePrivateKey, token, password, ...) and any string holding
 * a PEM private key, wherever the caller put it.
 */
export function secretsInBody(body: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown, sensitive: boolean, depth: number) => {
    if (typeof value === "string") {
      if (sensitive || value.includes("PRIVATE KEY-----")) found.push(...secretValues(value));
      return;
    }
    if (depth >= MAX_BODY_DEPTH || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, sensitive, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(value)) visit(v, sensitive || SENSITIVE_FIELD.test(k), depth + 1);
  };
  visit(body, false, 0);
  return found;
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
