/**
 * Access identity -> certgate grants, via ACCESS_RULES. A rule names one or more of `email`,
 * `group` and `common_name`; it matches when every field it names matches (so a rule with both an
 * email and a group is narrower, never wider). The grants of every matching rule are unioned.
 */
import type { AccessRule } from "../config/grants";
import { AppError } from "../errors";
import type { AccessClaims } from "./access-jwt";
import type { Principal } from "./principal";
import { principalFromGrants } from "./principal";

export interface AccessIdentity {
  email?: string;
  /** Group names, ids and emails from a `groups` claim, when the identity provider sends one. */
  groups: string[];
  /** Service tokens: the client id. */
  commonName?: string;
  /** The IdP's subject id: names the principal when neither email nor common name is present. */
  subject?: string;
}

export function identityOf(claims: AccessClaims): AccessIdentity {
  const groups = (claims.groups ?? []).flatMap((g) =>
    typeof g === "string" ? [g] : [g.name, g.id, g.email].filter((v): v is string => Boolean(v)),
  );
  const identity: AccessIdentity = { groups };
  if (claims.email) identity.email = claims.email;
  if (claims.common_name) identity.commonName = claims.common_name;
  if (claims.sub) identity.subject = claims.sub;
  return identity;
}

export function ruleMatches(rule: AccessRule, id: AccessIdentity): boolean {
  // Emails compare case-insensitively (RFC 5321 §2.4 in practice: IdPs differ in case).
  if (rule.email !== undefined && rule.email.toLowerCase() !== id.email?.toLowerCase()) return false;
  if (rule.group !== undefined && !id.groups.includes(rule.group)) return false;
  if (rule.common_name !== undefined && rule.common_name !== id.commonName) return false;
  return rule.email !== undefined || rule.group !== undefined || rule.common_name !== undefined;
}

/** The principal for an Access identity; 403 when no rule grants it anything. */
export function accessPrincipal(rules: readonly AccessRule[], id: AccessIdentity): Principal {
  const matching = rules.filter((rule) => ruleMatches(rule, id));
  const name = id.email
    ? `access:${id.email}`
    : id.commonName
      ? `access:service:${id.commonName}`
      : `access:sub:${id.subject ?? "unknown"}`;
  if (matching.length === 0) {
    throw new AppError(
      "forbidden",
      "Authenticated by Cloudflare Access, but no ACCESS_RULES entry grants access",
    );
  }
  return principalFromGrants(name, "access", matching);
}
