/**
 * Where one upstream scope's full list lives in the `CACHE` KV namespace.
 *
 *   certgate:v1:list:cloudflare:{zone_id}      every pack of the zone (status=all, all pages)
 *   certgate:v1:list:gjirafa:{project_uuid}    every certificate of the project (all pages)
 *   certgate:v1:quota:cloudflare:{zone_id}     the zone's advanced quota (a one-item list)
 *
 * `v1` is the key-format version: changing what a key means, or an entry's format in a way an older
 * worker version cannot skip, bumps it, and the old keys age out through their `expirationTtl`.
 * The scope is lowercased (zone ids are lowercase hex, uuids compare case-insensitively) so one
 * scope never has two keys.
 */
import { AppError, type ProviderName } from "../errors";

export const LIST_KEY_PREFIX = "certgate:v1:list:";
export const QUOTA_KEY_PREFIX = "certgate:v1:quota:";

/** One cached unit: a provider and one of its scopes (Cloudflare zone id or Gjirafa project uuid). */
export interface ListKey {
  provider: ProviderName;
  scope: string;
  /** What is cached for the scope: its certificate list (default) or its quota. */
  kind?: "list" | "quota";
}

// Zone ids (32 hex) and uuids both fit; the bound keeps the key far below KV's 512-byte limit.
const SCOPE = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** The KV key of a scope's list. A scope that is not an id is a bug in the caller, not bad input. */
export function listCacheKey(key: ListKey): string {
  const scope = key.scope.toLowerCase();
  if (!SCOPE.test(scope) || (key.provider !== "cloudflare" && key.provider !== "gjirafa")) {
    throw new AppError("internal_error", "Invalid list cache scope");
  }
  return key.kind === "quota"
    ? `${QUOTA_KEY_PREFIX}${key.provider}:${scope}`
    : `${LIST_KEY_PREFIX}${key.provider}:${scope}`;
}
