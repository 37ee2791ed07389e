/**
 * Where one upstream scope's full list (or its quota) lives in the `CACHE` KV namespace.
 *
 *   certgate:v1:list:{provider}:{scope id}     every certificate of the scope (all pages, every status)
 *   certgate:v1:quota:{provider}:{scope id}    the scope's quota (a one-item list)
 *
 * `v1` is the key-format version: changing what a key means, or an entry's format in a way an older
 * worker version cannot skip, bumps it, and the old keys age out through their `expirationTtl`.
 * The scope is lowercased (ids compare case-insensitively) so one scope never has two keys. Any
 * registered provider's name fits; the registry checks names (providers/registry.ts).
 */
import { AppError } from "../errors";
import type { Scope } from "../model/scope";

export const LIST_KEY_PREFIX = "certgate:v1:list:";
export const QUOTA_KEY_PREFIX = "certgate:v1:quota:";

/** What is cached of a scope: its certificate list (default) or its quota. */
export interface CacheKey {
  scope: Pick<Scope, "provider" | "id">;
  kind?: "list" | "quota";
}

/** A provider name as the registry allows it. */
const PROVIDER = /^[a-z][a-z0-9-]{0,31}$/;
// Ids of every provider so far fit; the bound keeps the key far below KV's 512-byte limit.
const SCOPE = /^[a-z0-9][a-z0-9._~-]{0,99}$/;

/** The KV key of a scope's list or quota. A key that is not an id is a bug in the caller, not bad input. */
export function cacheKey(key: CacheKey): string {
  const scope = key.scope.id.toLowerCase();
  if (!SCOPE.test(scope) || !PROVIDER.test(key.scope.provider)) {
    throw new AppError("internal_error", "Invalid list cache scope");
  }
  const prefix = key.kind === "quota" ? QUOTA_KEY_PREFIX : LIST_KEY_PREFIX;
  return `${prefix}${key.scope.provider}:${scope}`;
}
