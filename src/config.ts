/**
 * Configuration: vars, secrets and bindings, validated with zod once per isolate (per env object).
 * A bad or missing setting is reported by name, never with its value (values may be secrets).
 * Every setting is documented in README.md ("Configuration").
 */
import * as z from "zod";

const ZONE_ID = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SCOPES = ["certificates:read", "certificates:write", "reports:read", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** Zone/project allowlist: `["*"]` means every configured one. */
const allowlist = (item: RegExp, what: string) =>
  z
    .array(z.string())
    .default([])
    .refine((list) => list.every((v) => v === "*" || item.test(v)), `each entry must be "*" or a ${what}`);

export const ApiKeyEntrySchema = z.object({
  name: z.string().min(1).max(100),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, "must be the hex SHA-256 digest of the key")
    .transform((s) => s.toLowerCase()),
  scopes: z.array(z.enum(SCOPES)).min(1),
  zones: allowlist(ZONE_ID, "32-hex zone id"),
  projects: allowlist(UUID, "project uuid"),
});
export type ApiKeyEntry = z.infer<typeof ApiKeyEntrySchema>;

/** Cloudflare Access: identity (email, group or service-token common name) -> grants. */
export const AccessRuleSchema = z
  .object({
    email: z.string().min(1).optional(),
    group: z.string().min(1).optional(),
    common_name: z.string().min(1).optional(),
    scopes: z.array(z.enum(SCOPES)).min(1),
    zones: allowlist(ZONE_ID, "32-hex zone id"),
    projects: allowlist(UUID, "project uuid"),
  })
  .refine((r) => r.email || r.group || r.common_name, "a rule needs email, group or common_name");
export type AccessRule = z.infer<typeof AccessRuleSchema>;

const csv = (item: RegExp, what: string) =>
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

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", ""])
    .default(def ? "true" : "false")
    .transform((v) => v === "true" || v === "1");

const jsonOf = <T extends z.ZodType>(schema: T) =>
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

const kv = z.custom<KVNamespace>(
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

function httpOnlyOnLoopback(value: string): boolean {
  try {
    const parsed = new URL(value);
    return parsed.protocol !== "http:" || isLoopbackHost(parsed.hostname);
  } catch {
    return true; // not a URL: the URL rule reports it
  }
}

const HTTP_LOOPBACK_ONLY = "plain http only for loopback hosts (127.0.0.0/8, localhost, [::1]); use https";

const url = z
  .url({ protocol: /^https?$/ })
  .refine(httpOnlyOnLoopback, HTTP_LOOPBACK_ONLY)
  .transform((s) => s.replace(/\/+$/, ""));

/** API_KEYS: a digest or a name used twice is a mistake (first-match-wins would hide the second entry). */
const apiKeyList = z.array(ApiKeyEntrySchema).superRefine((entries, ctx) => {
  const digests = new Map<string, number>();
  const names = new Map<string, number>();
  entries.forEach((entry, index) => {
    const sameDigest = digests.get(entry.sha256);
    if (sameDigest !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [index, "sha256"],
        message: `same digest as entry ${sameDigest}`,
      });
    } else digests.set(entry.sha256, index);
    const sameName = names.get(entry.name);
    if (sameName !== undefined) {
      ctx.addIssue({ code: "custom", path: [index, "name"], message: `same name as entry ${sameName}` });
    } else names.set(entry.name, index);
  });
});
const optionalSecret = z
  .string()
  .optional()
  .transform((s) => (s ? s : undefined));

export const ConfigSchema = z
  .object({
    CACHE: kv,
    STATE: kv,
    CLOUDFLARE_API_BASE: url.default("https://api.cloudflare.com/client/v4"),
    CLOUDFLARE_ZONES: csv(ZONE_ID, "32-hex zone id"),
    GJIRAFA_API_BASE: url.optional(),
    GJIRAFA_API_VERSION: z
      .string()
      .regex(/^v\d+$/, 'must look like "v1"')
      .default("v1"),
    GJIRAFA_PROJECTS: csv(UUID, "project uuid"),
    GJIRAFA_AUTH_SCHEME: z.enum(["api-key", "bearer"]).default("api-key"),

    API_KEYS: jsonOf(apiKeyList).optional(),
    UPSTREAM_CLOUDFLARE_TOKEN: optionalSecret,
    UPSTREAM_CLOUDFLARE_EMAIL: optionalSecret,
    UPSTREAM_CLOUDFLARE_KEY: optionalSecret,
    UPSTREAM_GJIRAFA_KEY: optionalSecret,

    ACCESS_TEAM_DOMAIN: z
      .string()
      .regex(/^[a-z0-9-]+\.cloudflareaccess\.com$|^https?:\/\/[^/]+$/i, "must be <team>.cloudflareaccess.com")
      .refine(httpOnlyOnLoopback, HTTP_LOOPBACK_ONLY)
      .optional(),
    ACCESS_AUD: z.string().min(1).optional(),
    ACCESS_RULES: jsonOf(z.array(AccessRuleSchema)).optional(),

    UPSTREAM_TIMEOUT_MS: int(10_000, 100, 60_000),
    UPSTREAM_DEADLINE_MS: int(25_000, 100, 120_000),
    UPSTREAM_MAX_RETRIES: int(2, 0, 5),
    MAX_BODY_BYTES: int(262_144, 1_024, 10_485_760),

    CACHE_FRESH_SECONDS: int(60, 0, 86_400),
    CACHE_STALE_SECONDS: int(3_600, 0, 604_800),

    MONITOR_INTERVAL_MINUTES: int(15, 1, 1_440),
    MONITOR_QUOTA_WARN_PERCENT: int(80, 1, 100),
    MONITOR_STUCK_HOURS: int(24, 1, 720),
    MONITOR_EXPIRY_DAYS: z
      .string()
      .default("30,14,7,1")
      .transform((s) =>
        s
          .split(",")
          .map((v) => Number(v.trim()))
          .sort((a, b) => b - a),
      )
      .refine((l) => l.length > 0 && l.every((n) => Number.isInteger(n) && n > 0 && n <= 365), {
        message: "must be comma-separated whole days between 1 and 365",
      }),
    MONITOR_REMEDIATE: bool(false),
    MONITOR_REMEDIATE_MAX_PER_DAY: int(1, 0, 24),
    MONITOR_SUBREQUEST_BUDGET: int(50, 10, 10_000),
    ALERT_WEBHOOK_URL: url.optional(),
    ALERT_SLACK_WEBHOOK_URL: url.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.CLOUDFLARE_ZONES.length > 0 && !c.UPSTREAM_CLOUDFLARE_TOKEN) {
      if (!c.UPSTREAM_CLOUDFLARE_EMAIL || !c.UPSTREAM_CLOUDFLARE_KEY) {
        ctx.addIssue({
          code: "custom",
          path: ["UPSTREAM_CLOUDFLARE_TOKEN"],
          message:
            "required when CLOUDFLARE_ZONES is set (or set both UPSTREAM_CLOUDFLARE_EMAIL and UPSTREAM_CLOUDFLARE_KEY)",
        });
      }
    }
    if (c.GJIRAFA_PROJECTS.length > 0) {
      if (!c.GJIRAFA_API_BASE) {
        ctx.addIssue({
          code: "custom",
          path: ["GJIRAFA_API_BASE"],
          message: "required when GJIRAFA_PROJECTS is set",
        });
      }
      if (!c.UPSTREAM_GJIRAFA_KEY) {
        ctx.addIssue({
          code: "custom",
          path: ["UPSTREAM_GJIRAFA_KEY"],
          message: "required when GJIRAFA_PROJECTS is set",
        });
      }
    }
    if (Boolean(c.ACCESS_TEAM_DOMAIN) !== Boolean(c.ACCESS_AUD)) {
      ctx.addIssue({
        code: "custom",
        path: [c.ACCESS_TEAM_DOMAIN ? "ACCESS_AUD" : "ACCESS_TEAM_DOMAIN"],
        message: "Cloudflare Access needs both ACCESS_TEAM_DOMAIN and ACCESS_AUD",
      });
    }
    if (!c.API_KEYS?.length && !c.ACCESS_TEAM_DOMAIN) {
      ctx.addIssue({
        code: "custom",
        path: ["API_KEYS"],
        message: "no way to authenticate: set API_KEYS (npm run keygen) or Cloudflare Access",
      });
    }
    if (c.CACHE_STALE_SECONDS < c.CACHE_FRESH_SECONDS) {
      ctx.addIssue({
        code: "custom",
        path: ["CACHE_STALE_SECONDS"],
        message: "must be at least CACHE_FRESH_SECONDS",
      });
    }
  });

type Parsed = z.infer<typeof ConfigSchema>;

export interface Config {
  cache: KVNamespace;
  state: KVNamespace;
  cloudflare: {
    apiBase: string;
    zones: string[];
    auth: { kind: "token"; token: string } | { kind: "global-key"; email: string; key: string } | null;
  };
  gjirafa: {
    apiBase: string | null;
    apiVersion: string;
    projects: string[];
    auth: { scheme: "api-key" | "bearer"; key: string } | null;
  };
  apiKeys: ApiKeyEntry[];
  access: { teamDomain: string; audience: string; rules: AccessRule[] } | null;
  upstream: { timeoutMs: number; deadlineMs: number; maxRetries: number };
  maxBodyBytes: number;
  cacheWindows: { freshSeconds: number; staleSeconds: number };
  monitor: {
    intervalMinutes: number;
    quotaWarnPercent: number;
    stuckHours: number;
    expiryDays: number[];
    remediate: boolean;
    remediateMaxPerDay: number;
    subrequestBudget: number;
    webhookUrl: string | null;
    slackWebhookUrl: string | null;
  };
  /** Every secret value, for redaction of logs and outputs. */
  secrets: string[];
}

export type ConfigResult =
  | { ok: true; config: Config }
  | { ok: false; settings: Array<{ name: string; message: string }> };

function toConfig(p: Parsed): Config {
  const cfAuth: Config["cloudflare"]["auth"] = p.UPSTREAM_CLOUDFLARE_TOKEN
    ? { kind: "token", token: p.UPSTREAM_CLOUDFLARE_TOKEN }
    : p.UPSTREAM_CLOUDFLARE_EMAIL && p.UPSTREAM_CLOUDFLARE_KEY
      ? { kind: "global-key", email: p.UPSTREAM_CLOUDFLARE_EMAIL, key: p.UPSTREAM_CLOUDFLARE_KEY }
      : null;
  const teamDomain = p.ACCESS_TEAM_DOMAIN;
  const secrets = [p.UPSTREAM_CLOUDFLARE_TOKEN, p.UPSTREAM_CLOUDFLARE_KEY, p.UPSTREAM_GJIRAFA_KEY]
    .concat([p.ALERT_WEBHOOK_URL, p.ALERT_SLACK_WEBHOOK_URL])
    .filter((s): s is string => typeof s === "string" && s.length >= 8);
  return {
    cache: p.CACHE,
    state: p.STATE,
    cloudflare: { apiBase: p.CLOUDFLARE_API_BASE, zones: p.CLOUDFLARE_ZONES, auth: cfAuth },
    gjirafa: {
      apiBase: p.GJIRAFA_API_BASE ?? null,
      apiVersion: p.GJIRAFA_API_VERSION,
      projects: p.GJIRAFA_PROJECTS,
      auth: p.UPSTREAM_GJIRAFA_KEY ? { scheme: p.GJIRAFA_AUTH_SCHEME, key: p.UPSTREAM_GJIRAFA_KEY } : null,
    },
    apiKeys: p.API_KEYS ?? [],
    access:
      teamDomain && p.ACCESS_AUD
        ? {
            teamDomain: teamDomain.startsWith("http") ? teamDomain : `https://${teamDomain}`,
            audience: p.ACCESS_AUD,
            rules: p.ACCESS_RULES ?? [],
          }
        : null,
    upstream: {
      timeoutMs: p.UPSTREAM_TIMEOUT_MS,
      deadlineMs: p.UPSTREAM_DEADLINE_MS,
      maxRetries: p.UPSTREAM_MAX_RETRIES,
    },
    maxBodyBytes: p.MAX_BODY_BYTES,
    cacheWindows: { freshSeconds: p.CACHE_FRESH_SECONDS, staleSeconds: p.CACHE_STALE_SECONDS },
    monitor: {
      intervalMinutes: p.MONITOR_INTERVAL_MINUTES,
      quotaWarnPercent: p.MONITOR_QUOTA_WARN_PERCENT,
      stuckHours: p.MONITOR_STUCK_HOURS,
      expiryDays: p.MONITOR_EXPIRY_DAYS,
      remediate: p.MONITOR_REMEDIATE,
      remediateMaxPerDay: p.MONITOR_REMEDIATE_MAX_PER_DAY,
      subrequestBudget: p.MONITOR_SUBREQUEST_BUDGET,
      webhookUrl: p.ALERT_WEBHOOK_URL ?? null,
      slackWebhookUrl: p.ALERT_SLACK_WEBHOOK_URL ?? null,
    },
    secrets,
  };
}

/** Parses env. Issue messages name the setting and the rule, never the value. */
export function parseConfig(env: Record<string, unknown>): ConfigResult {
  // Empty strings from wrangler.toml/.dev.vars mean "not set".
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) if (v !== "") input[k] = v;
  const parsed = ConfigSchema.safeParse(input);
  if (parsed.success) return { ok: true, config: toConfig(parsed.data) };
  const settings = parsed.error.issues.map((issue) => ({
    name: String(issue.path[0] ?? "(config)"),
    message: issue.message,
  }));
  return { ok: false, settings };
}

/** One parse per env object: the platform hands an isolate the same env on every request. */
export function createConfigLoader(): (env: object) => ConfigResult {
  const seen = new WeakMap<object, ConfigResult>();
  return (env) => {
    let result = seen.get(env);
    if (!result) {
      result = parseConfig(env as Record<string, unknown>);
      seen.set(env, result);
    }
    return result;
  };
}
