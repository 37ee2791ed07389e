/**
 * Cloudflare's API rate limit (domain.md): 1,200 requests per 5 minutes per user or token; over it,
 * every call is refused with 429 for 5 minutes, with `Retry-After` in seconds; answers carry
 * `Ratelimit` / `Ratelimit-Policy` headers (IETF draft structured fields, as Cloudflare documents them).
 * Off unless the simulator is given `rateLimit`, so benchmarks on the real clock are not throttled by surprise.
 */
import { MINUTE, type Now } from "../clock";

export interface RateLimitOptions {
  /** Requests allowed per window (Cloudflare: 1200). */
  requests: number;
  /** Window length (Cloudflare: 5 minutes). */
  windowMs: number;
  /** How long a caller over the limit is refused (default: one window). */
  blockMs?: number;
}

/** Cloudflare's published limit: 1,200 requests per 5 minutes per token, then 5 minutes refused. */
export const CLOUDFLARE_REQUESTS_PER_5MIN = 1200;

/**
 * Cloudflare's limit scaled down (or up) for tests, `npm start` and the bench: `scale` multiplies the
 * requests (0.05 gives 60 per 5 minutes); the window and the 5-minute block stay Cloudflare's.
 */
export function cloudflareRateLimit(scale = 1): RateLimitOptions {
  if (!(scale > 0)) throw new Error(`rate limit scale must be > 0, got ${scale}`);
  return {
    requests: Math.max(1, Math.round(CLOUDFLARE_REQUESTS_PER_5MIN * scale)),
    windowMs: 5 * MINUTE,
    blockMs: 5 * MINUTE,
  };
}

export interface RateDecision {
  allowed: boolean;
  /** Headers to put on the answer, allowed or not. */
  headers: Record<string, string>;
}

export interface RateLimiter {
  check(caller: string): RateDecision;
}

export function createRateLimiter(options: RateLimitOptions, now: Now): RateLimiter {
  const callers = new Map<string, { windowStart: number; count: number; blockedUntil: number }>();
  const blockMs = options.blockMs ?? options.windowMs;
  const policy = `"default";q=${options.requests};w=${Math.round(options.windowMs / 1000)}`;
  const refuse = (retryAfter: number): RateDecision => ({
    allowed: false,
    headers: {
      "retry-after": String(retryAfter),
      ratelimit: `"default";r=0;t=${retryAfter}`,
      "ratelimit-policy": policy,
    },
  });
  return {
    check(caller): RateDecision {
      const at = now();
      let entry = callers.get(caller);
      if (entry === undefined || at >= entry.windowStart + options.windowMs) {
        entry = { windowStart: at, count: 0, blockedUntil: entry?.blockedUntil ?? 0 };
        callers.set(caller, entry);
      }
      if (at < entry.blockedUntil) return refuse(Math.max(1, Math.ceil((entry.blockedUntil - at) / 1000)));
      entry.count += 1;
      const reset = Math.max(1, Math.ceil((entry.windowStart + options.windowMs - at) / 1000));
      if (entry.count > options.requests) {
        entry.blockedUntil = at + blockMs;
        return refuse(Math.ceil(blockMs / 1000));
      }
      return {
        allowed: true,
        headers: {
          ratelimit: `"default";r=${options.requests - entry.count};t=${reset}`,
          "ratelimit-policy": policy,
        },
      };
    },
  };
}
