/**
 * Who may do what: certgate API keys (API_KEYS) and Cloudflare Access identities (ACCESS_TEAM_DOMAIN,
 * ACCESS_AUD, ACCESS_RULES), each granting permissions on zones and projects. A grant's zone and project
 * ids must be ids of a registered provider of that kind (or "*": every configured one).
 */
import * as z from "zod";
import type { ScopeKind } from "../model/scope";
import { HTTP_LOOPBACK_ONLY, httpOnlyOnLoopback, jsonOf } from "./fields";

/**
 * What a key may do. `admin` implies every other permission and every zone and project. `reports:ack`
 * acknowledges (mutes) monitor problems of the key's zones and projects; it does not imply `reports:read`.
 */
export const PERMISSIONS = [
  "certificates:read",
  "certificates:write",
  "reports:read",
  "reports:ack",
  "admin",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Which zone and project ids a grant may name: the registered providers' scope id rules, by kind. */
export interface GrantRules {
  accepts(kind: ScopeKind, id: string): boolean;
  /** What an id of that kind looks like, for messages ("32-hex zone id"). */
  describe(kind: ScopeKind): string;
}

/** Zone/project allowlist: `["*"]` means every configured one. */
const allowlist = (rules: GrantRules, kind: ScopeKind) =>
  z
    .array(z.string())
    .default([])
    .refine(
      (list) => list.every((v) => v === "*" || rules.accepts(kind, v)),
      `each entry must be "*" or a ${rules.describe(kind)}`,
    );

export function apiKeyEntrySchema(rules: GrantRules) {
  return z.object({
    name: z.string().min(1).max(100),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, "must be the hex SHA-256 digest of the key")
      .transform((s) => s.toLowerCase()),
    scopes: z.array(z.enum(PERMISSIONS)).min(1),
    zones: allowlist(rules, "zone"),
    projects: allowlist(rules, "project"),
    /** Upstream calls this key may cause per minute, over KEY_UPSTREAM_PER_MINUTE (docs/budget.md). */
    upstream_per_minute: z.number().int().min(0).max(100_000).optional(),
  });
}
export type ApiKeyEntry = z.output<ReturnType<typeof apiKeyEntrySchema>>;

/** Cloudflare Access: identity (email, group or service-token common name) -> grants. */
export function accessRuleSchema(rules: GrantRules) {
  return z
    .object({
      email: z.string().min(1).optional(),
      group: z.string().min(1).optional(),
      common_name: z.string().min(1).optional(),
      scopes: z.array(z.enum(PERMISSIONS)).min(1),
      zones: allowlist(rules, "zone"),
      projects: allowlist(rules, "project"),
    })
    .refine((r) => r.email || r.group || r.common_name, "a rule needs email, group or common_name");
}
export type AccessRule = z.output<ReturnType<typeof accessRuleSchema>>;

/** API_KEYS: a digest or a name used twice is a mistake (first-match-wins would hide the second entry). */
function apiKeyList(rules: GrantRules) {
  return z.array(apiKeyEntrySchema(rules)).superRefine((entries, ctx) => {
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
}

/** The grants slice of the configuration. */
export function grantsSettings(rules: GrantRules) {
  return z
    .object({
      API_KEYS: jsonOf(apiKeyList(rules)).optional(),
      ACCESS_TEAM_DOMAIN: z
        .string()
        .regex(
          /^[a-z0-9-]+\.cloudflareaccess\.com$|^https?:\/\/[^/]+$/i,
          "must be <team>.cloudflareaccess.com",
        )
        .refine(httpOnlyOnLoopback, HTTP_LOOPBACK_ONLY)
        .optional(),
      ACCESS_AUD: z.string().min(1).optional(),
      ACCESS_RULES: jsonOf(z.array(accessRuleSchema(rules))).optional(),
    })
    .superRefine((c, ctx) => {
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
    })
    .transform((p) => ({
      apiKeys: p.API_KEYS ?? [],
      access:
        p.ACCESS_TEAM_DOMAIN && p.ACCESS_AUD
          ? {
              teamDomain: p.ACCESS_TEAM_DOMAIN.startsWith("http")
                ? p.ACCESS_TEAM_DOMAIN
                : `https://${p.ACCESS_TEAM_DOMAIN}`,
              audience: p.ACCESS_AUD,
              rules: p.ACCESS_RULES ?? [],
            }
          : null,
    }));
}
export type GrantsConfig = z.output<ReturnType<typeof grantsSettings>>;
