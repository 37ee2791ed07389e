/**
 * Who is calling (`Principal`), resolved once per request by the auth layer, and how it is built from
 * grants: an API key entry, or the union of the Access rules that match an identity. `admin` implies
 * every permission and every zone and project, so a caller that reads `principal.zones === "*"`
 * directly agrees with `allowsScope`.
 */
import type { Permission } from "../config/grants";

export interface Principal {
  /** Key name or Access identity; logged, never secret. */
  name: string;
  /** `status_session`: the status page's session cookie (reads of /status only, auth/status-session.ts). */
  via: "api_key" | "access" | "status_session";
  permissions: ReadonlySet<Permission>;
  /** `"*"` or an explicit set of zone ids / project ids (lowercase). */
  zones: "*" | ReadonlySet<string>;
  projects: "*" | ReadonlySet<string>;
  /** Its own allowance of upstream calls per minute (`upstream_per_minute`), over the default. */
  upstreamPerMinute?: number;
}

/** What a key entry or an Access rule grants (config's field names). `"*"` means every configured one. */
export interface Grants {
  scopes: readonly Permission[];
  zones: readonly string[];
  projects: readonly string[];
}

function allowlist(lists: ReadonlyArray<readonly string[]>): "*" | ReadonlySet<string> {
  const all = new Set<string>();
  for (const list of lists) {
    for (const id of list) {
      if (id === "*") return "*";
      // Zone ids and uuids are case-insensitive hex; routes compare in lowercase.
      all.add(id.toLowerCase());
    }
  }
  return all;
}

/** One principal from one or more grants (their union). */
export function principalFromGrants(
  name: string,
  via: Principal["via"],
  grants: readonly Grants[],
): Principal {
  const permissions = new Set<Permission>(grants.flatMap((g) => g.scopes));
  const admin = permissions.has("admin");
  return {
    name,
    via,
    permissions,
    zones: admin ? "*" : allowlist(grants.map((g) => g.zones)),
    projects: admin ? "*" : allowlist(grants.map((g) => g.projects)),
  };
}

/**
 * The principal's grants as one canonical string (its permissions, zones and projects, sorted): two
 * callers with the same grants may see exactly the same answers, two with different grants never share
 * a remembered answer or an ETag (http/answers.ts).
 */
export function grantsKey(p: Principal): string {
  const list = (ids: "*" | ReadonlySet<string>) => (ids === "*" ? "*" : [...ids].sort().join(","));
  return `${[...p.permissions].sort().join(",")};z=${list(p.zones)};p=${list(p.projects)}`;
}
