/**
 * The list cache's freshness policy, as pure functions: what a read does with the entry it found, and
 * whether a copy may stand in for a failed load. Ages count from when the upstream load started
 * (`staleSeconds` counts from that same origin, not from the end of freshness as RFC 5861's
 * stale-while-revalidate does).
 *
 *   bypass, age < min refresh the load that just happened, served: no-cache cannot make   HIT
 *                             a scope load more often than CACHE_MIN_REFRESH_SECONDS
 *   bypass (no-cache)         load now even if KV is fresh (RFC 9111 §5.2.1.4)            BYPASS
 *   no entry, or one fetched before this isolate invalidated the key                      MISS
 *   age < fresh               served from KV                                             HIT
 *   fresh <= age < stale      served at once, refreshed in the background unless the      STALE
 *                             last failed load's Retry-After holds refreshes off (RFC 5861 §3)
 *   age >= stale              load now                                                   MISS
 * When a load fails, a copy younger than the stale window is served instead (stale-if-error, RFC 5861
 * §4), for MISS and BYPASS alike.
 */
import type { CacheWindows } from "./types";

export type ReadDecision =
  | { action: "hit" }
  | { action: "stale"; refresh: boolean }
  | { action: "load"; outcome: "MISS" | "BYPASS" };

export interface FreshnessInput {
  /** When the entry's load started (epoch ms); null when there is no usable entry. */
  fetchedAt: number | null;
  now: number;
  windows: CacheWindows;
  /** The caller sent `Cache-Control: no-cache`. */
  bypass: boolean;
  /** When this isolate last invalidated the key (epoch ms), if it did. */
  invalidatedAt: number | null;
  /** No background refresh before this time (epoch ms): the last failed load's Retry-After. */
  refreshNotBefore: number | null;
}

/** An entry loaded before this isolate's last invalidation of its key is not served as fresh or stale. */
export function isInvalidated(fetchedAt: number, invalidatedAt: number | null): boolean {
  return invalidatedAt !== null && fetchedAt < invalidatedAt;
}

export function decideRead(input: FreshnessInput): ReadDecision {
  const usable = input.fetchedAt !== null && !isInvalidated(input.fetchedAt, input.invalidatedAt);
  if (input.bypass) {
    const minRefreshMs = (input.windows.minRefreshSeconds ?? 0) * 1000;
    // Only a load that started after this isolate's last write counts: one in the same millisecond
    // may have started before it.
    const afterWrite =
      input.fetchedAt !== null && (input.invalidatedAt === null || input.fetchedAt > input.invalidatedAt);
    if (afterWrite && input.fetchedAt !== null && input.now - input.fetchedAt < minRefreshMs) {
      return { action: "hit" };
    }
    return { action: "load", outcome: "BYPASS" };
  }
  if (!usable || input.fetchedAt === null) return { action: "load", outcome: "MISS" };
  const age = input.now - input.fetchedAt;
  if (age < input.windows.freshSeconds * 1000) return { action: "hit" };
  if (age < input.windows.staleSeconds * 1000) {
    const refresh = input.refreshNotBefore === null || input.now >= input.refreshNotBefore;
    return { action: "stale", refresh };
  }
  return { action: "load", outcome: "MISS" };
}

/** stale-if-error (RFC 5861 §4): whether a copy fetched at `fetchedAt` may stand in for a failed load. */
export function servableOnError(fetchedAt: number, now: number, windows: CacheWindows): boolean {
  return now - fetchedAt < windows.staleSeconds * 1000;
}
