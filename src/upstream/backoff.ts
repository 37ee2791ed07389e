/**
 * Waiting between attempts: AWS "full jitter" backoff and the `Retry-After` header (RFC 9110 §10.2.3).
 * Pure functions; the caller supplies `random` and `now` from Deps so tests are deterministic.
 */

/** First backoff ceiling and the cap (ms). The Cloudflare SDK uses 0.5-8 s; certgate's deadline is shorter. */
export const BACKOFF_BASE_MS = 200;
export const BACKOFF_CAP_MS = 5_000;

/**
 * Full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
 * sleep = random() * min(cap, base * 2^attempt), attempt counted from 0 for the first retry.
 */
export function fullJitterDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * `Retry-After` as milliseconds from `nowMs`: either delay-seconds or an HTTP-date. Null when absent or
 * unreadable; a date in the past reads as 0.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  // RFC 9110 HTTP-date (IMF-fixdate and the obsolete forms Date.parse also reads).
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/** Whole seconds for the caller's `retry_after` (rounded up so the caller never comes back too early). */
export function toRetryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1_000));
}
