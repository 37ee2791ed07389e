/**
 * The list cache's windows (docs/caching.md): fresh, then stale-while-revalidate up to the stale window,
 * and the least time between two upstream loads of a scope that `no-cache` may force; and KV's edge cache
 * for reads (`cacheTtl`).
 */
import * as z from "zod";
import { int } from "./fields";

export const cacheSettings = z
  .object({
    CACHE_FRESH_SECONDS: int(60, 0, 86_400),
    CACHE_STALE_SECONDS: int(3_600, 0, 604_800),
    CACHE_MIN_REFRESH_SECONDS: int(5, 0, 3_600),
    // KV's `cacheTtl` for list reads: 0 (not passed) or at least KV's minimum, 60 s
    // (https://developers.cloudflare.com/kv/api/read-key-value-pairs/#cachettl-parameter).
    KV_CACHE_TTL_SECONDS: int(60, 0, 86_400).refine(
      (s) => s === 0 || s >= 60,
      "must be 0 (off) or at least 60",
    ),
  })
  .superRefine((c, ctx) => {
    if (c.CACHE_STALE_SECONDS < c.CACHE_FRESH_SECONDS) {
      ctx.addIssue({
        code: "custom",
        path: ["CACHE_STALE_SECONDS"],
        message: "must be at least CACHE_FRESH_SECONDS",
      });
    }
  })
  .transform((p) => ({
    kvCacheTtlSeconds: p.KV_CACHE_TTL_SECONDS,
    cacheWindows: {
      freshSeconds: p.CACHE_FRESH_SECONDS,
      staleSeconds: p.CACHE_STALE_SECONDS,
      minRefreshSeconds: p.CACHE_MIN_REFRESH_SECONDS,
    },
  }));
export type CacheConfig = z.output<typeof cacheSettings>;
