/// <reference types="node" />
/**
 * Figure 6: coalescing under load. 200 concurrent requests for one scope whose KV entry is absent
 * (cold), at BENCH_LATENCY_MS upstream latency, through 200 autocannon connections (one request
 * each); upstream calls counted at the simulator. Goal: 1. Repeated with a fresh KV entry each time
 * (the entry is deleted from outside between trials), and once more with `Cache-Control: no-cache`
 * (bypasses share one load too, list-cache.ts).
 */
import type { BenchContext } from "../lib/context";
import type { Figure } from "../lib/figures";
import { apiKeysJson, benchKey } from "../lib/keys";
import { load } from "../lib/load";
import { startUpstreams, workerBindings } from "../lib/upstreams";
import { kvOf, startWorker } from "../lib/worker";

const CONCURRENT = 200;

export async function coalescing(ctx: BenchContext): Promise<Figure[]> {
  const { options } = ctx;
  const up = await startUpstreams({ zones: 1, latencyMs: Math.max(options.latencyMs, 50) });
  const reader = await benchKey("bench-reader", ["certificates:read"]);
  // The no-cache trial must load (not reuse the previous trial's list): no minimum refresh interval.
  const worker = await startWorker({
    bindings: workerBindings(up, up.zones, apiKeysJson(reader), { CACHE_MIN_REFRESH_SECONDS: "0" }),
  });
  try {
    const url = `${worker.url}/v1/certificates`;
    const cache = await kvOf(worker.mf, "CACHE");
    const trials = options.quick ? 2 : 3;
    const cold: number[] = [];
    const bypass: number[] = [];
    let errors = 0;
    for (let t = 0; t < trials + 1; t++) {
      const isBypass = t === trials;
      for (const k of (await cache.list()).keys) await cache.delete(k.name);
      const before = up.cloudflare.count();
      const r = await load({
        url,
        headers: isBypass ? { ...reader.headers, "cache-control": "no-cache" } : reader.headers,
        connections: CONCURRENT,
        amount: CONCURRENT,
        durationSeconds: 30,
      });
      const calls = up.cloudflare.count() - before;
      errors += r.errors + r.non2xx;
      (isBypass ? bypass : cold).push(calls);
      ctx.log(
        `  [6] ${isBypass ? "no-cache" : "cold"} trial: ${r.requests} answers, ${calls} upstream call(s), p50 ${r.p50.toFixed(1)} ms`,
      );
      // Let the shared load's KV write settle before the next trial deletes it.
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const worst = Math.max(...cold);
    return [
      {
        id: "6",
        name: `coalescing: ${CONCURRENT} concurrent cold requests`,
        value: `upstream calls per trial: ${cold.join(", ")} (no-cache: ${bypass.join(", ")})`,
        comparedTo: "1 call (one load shared by all)",
        goal: "1",
        met: errors === 0 ? worst === 1 : null,
        data: {
          concurrent: CONCURRENT,
          cold_calls: cold,
          no_cache_calls: bypass,
          errors,
          upstream_latency_ms: Math.max(options.latencyMs, 50),
        },
      },
    ];
  } finally {
    await worker.dispose();
    await up.close();
  }
}
