/**
 * The HTTP face of the list cache: the headers every list response carries, and the request
 * directive that skips the cache.
 */
import type { CacheOutcome } from "./types";

export interface CacheStatus {
  outcome: CacheOutcome;
  ageSeconds: number;
}

/**
 * `X-Cache: HIT|MISS|STALE|BYPASS` and `Age` (RFC 9111 §5.1: a non-negative integer of seconds).
 * Pass the result of `read()` or of `mergeCacheStatus()`.
 */
export function cacheHeaders(status: CacheStatus): Record<"X-Cache" | "Age", string> {
  const age = Number.isFinite(status.ageSeconds) ? Math.max(0, Math.floor(status.ageSeconds)) : 0;
  return { "X-Cache": status.outcome, Age: String(age) };
}

/** Sets both headers on `headers` (a Response's, or Hono's `c.res.headers`). */
export function applyCacheHeaders(headers: Headers, status: CacheStatus): void {
  for (const [name, value] of Object.entries(cacheHeaders(status))) headers.set(name, value);
}

/**
 * One status for an answer built from several scopes (a unified list over many zones/projects):
 * the least fresh outcome wins (STALE > MISS > BYPASS > HIT; BYPASS only when every scope was bypassed)
 * and `Age` is the oldest scope's age. No scopes means nothing came from the cache: MISS, age 0.
 */
export function mergeCacheStatus(statuses: readonly CacheStatus[]): CacheStatus {
  if (statuses.length === 0) return { outcome: "MISS", ageSeconds: 0 };
  const rank: Record<CacheOutcome, number> = { HIT: 0, BYPASS: 1, MISS: 2, STALE: 3 };
  let outcome: CacheOutcome = "HIT";
  let ageSeconds = 0;
  for (const s of statuses) {
    if (rank[s.outcome] > rank[outcome]) outcome = s.outcome;
    ageSeconds = Math.max(ageSeconds, s.ageSeconds);
  }
  return { outcome, ageSeconds };
}

/**
 * Whether the caller asked to skip the cache: `Cache-Control: no-cache` (RFC 9111 §5.2.1.4: a
 * cache must not use a stored response without validating it with the origin). `Pragma: no-cache`
 * is honoured only when the request has no Cache-Control, as RFC 9111 §5.4 (and RFC 7234 §5.4) says.
 * Directive names are case-insensitive; quoted arguments are skipped, so `foo="a, no-cache"` is not
 * a no-cache.
 *
 * A conditional request (`If-None-Match`) is a revalidation, never a bypass: the Fetch standard makes
 * every `fetch()` that sets If-None-Match itself also send `Cache-Control: no-cache` and `Pragma:
 * no-cache` (https://fetch.spec.whatwg.org/#http-network-or-cache-fetch, cache mode "no-store"), so
 * honouring them would turn each poll of a Node or browser client into an upstream call. certgate's own
 * entry is what the ETag names; a caller that wants the upstream re-read sends no-cache alone.
 */
export function wantsBypass(headers: Headers): boolean {
  if (headers.has("if-none-match")) return false;
  const cacheControl = headers.get("cache-control");
  if (cacheControl !== null) return directives(cacheControl).has("no-cache");
  const pragma = headers.get("pragma");
  return pragma !== null && directives(pragma).has("no-cache");
}

/** Directive names of a Cache-Control/Pragma value (RFC 9110 §5.6.1 lists, §5.6.4 quoted strings). */
function directives(value: string): Set<string> {
  const names = new Set<string>();
  let i = 0;
  while (i < value.length) {
    let name = "";
    while (i < value.length && value[i] !== "," && value[i] !== "=") name += value[i++];
    if (value[i] === "=") {
      i++;
      if (value[i] === '"') {
        i++;
        while (i < value.length && value[i] !== '"') i += value[i] === "\\" ? 2 : 1;
        i++;
      }
      while (i < value.length && value[i] !== ",") i++;
    }
    i++;
    const trimmed = name.trim().toLowerCase();
    if (trimmed) names.add(trimmed);
  }
  return names;
}
