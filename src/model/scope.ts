/**
 * A scope: one zone or project of one provider, the unit certgate lists, caches, authorizes and
 * monitors. Its kind says which grant list (API_KEYS `zones` / `projects`) authorizes it and which
 * `/v1` query key filters it.
 */
export const SCOPE_KINDS = ["zone", "project"] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export interface Scope {
  /** A registered provider's name. */
  provider: string;
  kind: ScopeKind;
  /** The provider's id of the zone or project (validated by its `scopeId` rule). */
  id: string;
}

/** `{provider}:{id}`: a scope's key in the monitor's state and report. */
export function scopeKey(scope: Pick<Scope, "provider" | "id">): string {
  return `${scope.provider}:${scope.id}`;
}
