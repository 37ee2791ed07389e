/**
 * The key digest -> principal lookup, once per key per isolate instead of once per request: a hit
 * skips the comparison against every API_KEYS entry and the principal's construction (the presented
 * key is still hashed, so the memo holds digests, never keys).
 *
 * Keyed first by the API_KEYS list it was resolved against (config/load.ts parses the settings once per
 * env object; a changed API_KEYS is a new parse and a new list): a revoked key's principal is dropped with
 * the old list and never outlives the configuration that granted it. Bounded: at most `maxKeys` digests
 * per list, least recently used evicted first. Unknown keys are not remembered (a caller spraying
 * random keys cannot fill it; each pays the full comparison).
 */

import type { ByteLru } from "../cache/byte-lru";
import { createByteLru } from "../cache/byte-lru";
import type { ApiKeyEntry } from "../config/grants";
import { AppError } from "../errors";
import { findKeyEntry, sha256 } from "./api-keys";
import { toHex } from "./encoding";
import { type Principal, principalFromGrants } from "./principal";

/** Default bound: far above the API_KEYS lists certgate is configured with. */
export const MAX_REMEMBERED_KEYS = 1_024;

export interface KeyPrincipal {
  entry: ApiKeyEntry;
  principal: Principal;
}

/** A key's own upstream allowance per minute (API_KEYS `upstream_per_minute`), when it has one. */
export function withOwnAllowance(principal: Principal, entry: { upstream_per_minute?: number }): Principal {
  const own = entry.upstream_per_minute;
  return own === undefined ? principal : { ...principal, upstreamPerMinute: own };
}

export function createPrincipalMemo(maxKeys: number = MAX_REMEMBERED_KEYS) {
  const byList = new WeakMap<readonly ApiKeyEntry[], ByteLru<KeyPrincipal>>();

  return {
    /** The entry and principal of a presented key, or 401 for an unknown key. */
    async resolve(entries: readonly ApiKeyEntry[], key: string): Promise<KeyPrincipal> {
      const digest = await sha256(key);
      const hex = toHex(digest);
      let memo = byList.get(entries);
      if (!memo) {
        memo = createByteLru<KeyPrincipal>(maxKeys);
        byList.set(entries, memo);
      }
      const known = memo.get(hex);
      if (known) return known;
      const entry = findKeyEntry(entries, digest);
      if (!entry) throw new AppError("unauthorized", "Invalid API key");
      const resolved = {
        entry,
        principal: withOwnAllowance(principalFromGrants(entry.name, "api_key", [entry]), entry),
      };
      // Each digest is charged 1: the bound counts keys.
      memo.set(hex, resolved, 1);
      return resolved;
    },

    /** How many keys are remembered for `entries` (never more than `maxKeys`). */
    size: (entries: readonly ApiKeyEntry[]) => byList.get(entries)?.bytes() ?? 0,
  };
}

export type PrincipalMemo = ReturnType<typeof createPrincipalMemo>;
