/**
 * Field parsers every configuration slice shares, the providers' slices included: settings arrive as
 * strings (wrangler.toml vars, secrets) and leave as typed values. A bad setting is reported by name,
 * never with its value (values may be secrets).
 */
import * as z from "zod";

/** A comma-separated list of ids matching `item`, trimmed, lowercased and deduplicated. */
export const csv = (item: RegExp, what: string) =>
  z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((v) => item.test(v)), `must be a comma-separated list of ${what}s`)
    .transform((list) => [...new Set(list.map((v) => v.toLowerCase()))]);

export const int = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

/**
 * An upstream budget per 5 minutes (docs/budget.md): a whole number of calls, or `none` for no cap;
 * unset means `def` (a provider's default, null when it publishes no limit).
 */
export const budgetPer5Min = (def: number | null) =>
  z
    .union([z.literal("none"), z.coerce.number().int().min(0).max(1_000_000)], {
      error: 'must be a whole number of calls (0..1000000) or "none"',
    })
    .optional()
    .transform((v): number | null => (v === undefined ? def : v === "none" ? null : v));

export const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", ""])
    .default(def ? "true" : "false")
    .transform((v) => v === "true" || v === "1");

/** A JSON setting, validated with `schema`; each issue names its path inside the value. */
export const jsonOf = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, ctx): z.infer<T> => {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "must be valid JSON" });
      return z.NEVER;
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: "custom", message: `${issue.path.join(".") || "(root)"}: ${issue.message}` });
      }
      return z.NEVER;
    }
    return parsed.data;
  });

export const kv = z.custom<KVNamespace>(
  (v) => typeof v === "object" && v !== null && "get" in v && "put" in v,
  "KV namespace binding missing",
);

/**
 * Plain http would send upstream tokens, Access keys and alert payloads in clear text: it is accepted only
 * for loopback hosts (127.0.0.0/8, localhost, [::1]; RFC 1122 §3.2.1.3, RFC 6761 §6.3, RFC 4291 §2.5.3),
 * which the sandbox and tests use. The WHATWG URL parser has already normalized the host
 * (`http://0x7f.1` is `127.0.0.1`), so the check sees the host a fetch would connect to.
 */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

export function httpOnlyOnLoopback(value: string): boolean {
  try {
    const parsed = new URL(value);
    return parsed.protocol !== "http:" || isLoopbackHost(parsed.hostname);
  } catch {
    return true; // not a URL: the URL rule reports it
  }
}

export const HTTP_LOOPBACK_ONLY =
  "plain http only for loopback hosts (127.0.0.0/8, localhost, [::1]); use https";

/** An https URL (http on loopback only), without trailing slashes. */
export const url = z
  .url({ protocol: /^https?$/ })
  .refine(httpOnlyOnLoopback, HTTP_LOOPBACK_ONLY)
  .transform((s) => s.replace(/\/+$/, ""));

/** A secret: absent and "" both mean not set. */
export const optionalSecret = z
  .string()
  .optional()
  .transform((s) => (s ? s : undefined));

/** Secrets long enough to be worth redacting (shorter ones would redact ordinary words). */
export function redactable(values: ReadonlyArray<string | null | undefined>): string[] {
  return values.filter((s): s is string => typeof s === "string" && s.length >= 8);
}
