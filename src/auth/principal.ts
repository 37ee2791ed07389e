/**
 * Building a `Principal` (src/context.ts) from grants: an API key entry, or the union of the Access
 * rules that match an identity. `admin` implies every scope and every zone and project, so a caller
 * that reads `principal.zones === "*"` directly agrees with `allowsZone`.
 */
import type { Scope } from "../config";
import type { Principal } from "../context";

/** What a key entry or an Access rule grants. `"*"` in a list means every configured zone/project. */
export interface Grants {
  scopes: readonly Scope[];
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
  const scopes = new Set<Scope>(grants.flatMap((g) => g.scopes));
  const admin = scopes.has("admin");
  return {
    name,
    via,
    scopes,
    zones: admin ? "*" : allowlist(grants.map((g) => g.zones)),
    projects: admin ? "*" : allowlist(grants.map((g) => g.projects)),
  };
}
