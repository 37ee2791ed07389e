/**
 * Rate-limit headers, both ways:
 * - read: what an upstream says about its limit. Cloudflare answers every API call with `Ratelimit`
 *   and `Ratelimit-Policy` (the IETF draft's structured fields, draft-ietf-httpapi-ratelimit-headers:
 *   `"default";r=<remaining>;t=<seconds to reset>`) and a 429 with `Retry-After`
 *   (https://developers.cloudflare.com/fundamentals/api/reference/limits/). Either one says when the
 *   upstream will take calls again;
 * - write: the same draft's `RateLimit-Policy` / `RateLimit` on certgate's own 429, so a client can
 *   see its quota, what is left and when it resets.
 */
import { parseRetryAfter } from "./backoff";

/**
 * When a 429 says no Retry-After and no `Ratelimit`: Cloudflare refuses every call for 5 minutes once
 * over its limit, the longest lockout known.
 */
export const DEFAULT_BLOCK_SECONDS = 300;

export interface UpstreamBlock {
  /** No call to this upstream before this time (epoch ms). */
  untilMs: number;
  /** What said so, for the log and GET /v1/usage (never a value that could be secret). */
  source: string;
}

/** The items of a structured-field list with their `r` and `t` parameters (RFC 9651 §3.1). */
function limitItems(value: string): Array<{ r: number | null; t: number | null }> {
  return value.split(",").map((item) => {
    const params = new Map<string, string>();
    for (const part of item.split(";").slice(1)) {
      const [name, raw] = part.split("=");
      if (name !== undefined && raw !== undefined) params.set(name.trim().toLowerCase(), raw.trim());
    }
    const num = (name: string) => {
      const v = params.get(name);
      return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
    };
    return { r: num("r"), t: num("t") };
  });
}

/**
 * Whether this answer blocks further calls, and until when: a 429 (its Retry-After, else the reset of
 * its `Ratelimit`, else DEFAULT_BLOCK_SECONDS), or any answer whose `Ratelimit` says nothing remains
 * (`r=0`, until its `t`). Null when the upstream may be called again at once.
 */
export function upstreamBlockOf(status: number, headers: Headers, now: number): UpstreamBlock | null {
  const limit = headers.get("ratelimit");
  const exhausted = limit === null ? [] : limitItems(limit).filter((i) => i.r === 0 && i.t !== null);
  const resetMs = exhausted.length > 0 ? Math.max(...exhausted.map((i) => (i.t ?? 0) * 1000)) : null;
  if (status === 429) {
    const retryAfter = parseRetryAfter(headers.get("retry-after"), now);
    if (retryAfter !== null) return { untilMs: now + retryAfter, source: "429 Retry-After" };
    if (resetMs !== null) return { untilMs: now + resetMs, source: "429 Ratelimit" };
    return { untilMs: now + DEFAULT_BLOCK_SECONDS * 1000, source: "429 without Retry-After" };
  }
  if (resetMs !== null && resetMs > 0) return { untilMs: now + resetMs, source: "Ratelimit r=0" };
  return null;
}

/** certgate's own quota as the draft's headers: policy name, quota, window, what is left, reset. */
export function rateLimitHeaders(policy: {
  name: string;
  quota: number;
  windowSeconds: number;
  remaining: number;
  resetSeconds: number;
}): Record<"RateLimit-Policy" | "RateLimit", string> {
  const name = `"${policy.name}"`;
  return {
    "RateLimit-Policy": `${name};q=${policy.quota};w=${policy.windowSeconds}`,
    RateLimit: `${name};r=${Math.max(0, policy.remaining)};t=${Math.max(0, policy.resetSeconds)}`,
  };
}
