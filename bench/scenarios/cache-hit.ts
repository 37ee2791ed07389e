/// <reference types="node" />
/**
 * Figure 1: cache-hit list throughput and latency. certgate answering GET /v1/certificates from a warm
 * KV entry (one zone configured, so one KV read, as the floor does) vs bench/floor-worker.js reading
 * the SAME KV value (copied key and bytes) and returning it. Both served by Miniflare side by side,
 * measured in alternation (A,B then B,A), median of the pair ratios with their min-max.
 */
import type { BenchContext } from "../lib/context";
import { type Figure, ms, ratio } from "../lib/figures";
import { apiKeysJson, benchKey } from "../lib/keys";
import { type LoadResult, load } from "../lib/load";
import { median, round, spread } from "../lib/stats";
import { startUpstreams, workerBindings } from "../lib/upstreams";
import { kvOf, startWorker } from "../lib/worker";

export async function cacheHit(ctx: BenchContext): Promise<Figure[]> {
  const { options } = ctx;
  const up = await startUpstreams({ zones: 1, latencyMs: 0 });
  const reader = await benchKey("bench-reader", ["certificates:read"]);
  // A fresh window longer than the measurement: every request is a HIT, no background refresh.
  const certgate = await startWorker({
    bindings: workerBindings(up, up.zones, apiKeysJson(reader), {
      CACHE_FRESH_SECONDS: "3600",
      CACHE_STALE_SECONDS: "7200",
    }),
  });
  try {
    const listUrl = `${certgate.url}/v1/certificates`;
    let certgateBytes = 0;
    for (const expect of ["MISS", "HIT"]) {
      const res = await fetch(listUrl, { headers: reader.headers });
      certgateBytes = (await res.arrayBuffer()).byteLength;
      if (res.status !== 200 || res.headers.get("x-cache") !== expect) {
        throw new Error(`warm-up: expected 200 ${expect}, got ${res.status} ${res.headers.get("x-cache")}`);
      }
    }
    const cache = await kvOf(certgate.mf, "CACHE");
    const keys = (await cache.list()).keys.map((k) => k.name);
    const key = keys[0];
    const value = key === undefined ? null : await cache.get(key, "text");
    if (key === undefined || value === null || keys.length !== 1)
      throw new Error(`expected one cache entry, got ${keys.length}`);

    const floor = await startWorker({
      scriptPath: "bench/floor-worker.js",
      bindings: { FLOOR_KEY: key },
      kvNamespaces: ["CACHE"],
    });
    const floorLog = await startWorker({
      scriptPath: "bench/floor-worker.js",
      bindings: { FLOOR_KEY: key, FLOOR_LOG: "1" },
      kvNamespaces: ["CACHE"],
    });
    try {
      await (await kvOf(floor.mf, "CACHE")).put(key, value);
      await (await kvOf(floorLog.mf, "CACHE")).put(key, value);
      const floorLogUrl = `${floorLog.url}/`;
      const c: LoadResult[] = [];
      const floorUrl = `${floor.url}/`;
      const check = await fetch(floorUrl);
      if (check.status !== 200 || (await check.text()) !== value)
        throw new Error("floor worker does not serve the entry");

      const callsBefore = up.cloudflare.count();
      const a: LoadResult[] = [];
      const b: LoadResult[] = [];
      const run = (which: "a" | "b" | "c") =>
        load({
          url: which === "a" ? listUrl : which === "b" ? floorUrl : floorLogUrl,
          headers: which === "a" ? reader.headers : {},
          connections: options.connections,
          durationSeconds: options.durationSeconds,
        });
      // Warm both (JIT, connections) before measuring.
      await load({
        url: listUrl,
        headers: reader.headers,
        connections: options.connections,
        durationSeconds: 1,
      });
      await load({ url: floorUrl, connections: options.connections, durationSeconds: 1 });
      for (let i = 0; i < options.pairs; i++) {
        // A/B in alternation; the attribution series (c) runs after each pair.
        const order: Array<"a" | "b" | "c"> = i % 2 === 0 ? ["a", "b", "c"] : ["b", "a", "c"];
        for (const which of order) {
          const result = await run(which);
          (which === "a" ? a : which === "b" ? b : c).push(result);
          ctx.log(
            `  [1] pair ${i + 1} ${which === "a" ? "certgate" : which === "b" ? "floor   " : "floor+log"} ${result.rps.toFixed(0)} req/s p50 ${result.p50.toFixed(2)} ms p99 ${result.p99.toFixed(2)} ms`,
          );
        }
      }
      const upstreamCalls = up.cloudflare.count() - callsBefore;
      const errors = [...a, ...b].reduce((n, r) => n + r.errors + r.non2xx, 0);
      const ratios = spread(a.map((r, i) => r.rps / (b[i]?.rps ?? Number.NaN)));
      const p50a = median(a.map((r) => r.p50));
      const p99a = median(a.map((r) => r.p99));
      const p50b = median(b.map((r) => r.p50));
      const p99b = median(b.map((r) => r.p99));
      const rpsA = median(a.map((r) => r.rps));
      const rpsB = median(b.map((r) => r.rps));
      const rpsC = median(c.map((r) => r.rps));
      const logRatios = spread(c.map((r, i) => r.rps / (b[i]?.rps ?? Number.NaN)));
      const vsLogged = spread(a.map((r, i) => r.rps / (c[i]?.rps ?? Number.NaN)));
      return [
        {
          id: "1",
          name: "cache-hit list throughput",
          value: `${rpsA.toFixed(0)} req/s; ratio ${ratio(ratios.median, ratios.min, ratios.max)}`,
          comparedTo: `floor worker (same KV value) ${rpsB.toFixed(0)} req/s`,
          goal: "ratio >= 0.85",
          met: errors === 0 && upstreamCalls === 0 ? ratios.median >= 0.85 : null,
          data: {
            connections: options.connections,
            seconds_per_run: options.durationSeconds,
            pairs: options.pairs,
            certgate_rps: a.map((r) => round(r.rps)),
            floor_rps: b.map((r) => round(r.rps)),
            ratio: { median: round(ratios.median, 3), min: round(ratios.min, 3), max: round(ratios.max, 3) },
            response_bytes: { certgate: certgateBytes, floor: value.length },
            upstream_calls_during_measurement: upstreamCalls,
            errors,
          },
        },
        {
          id: "1b",
          name: "cache-hit list latency p50 / p99",
          value: `${ms(p50a)} / ${ms(p99a)}`,
          comparedTo: `floor ${ms(p50b)} / ${ms(p99b)}`,
          goal: null,
          met: null,
          data: {
            certgate: { p50: round(p50a, 3), p99: round(p99a, 3) },
            floor: { p50: round(p50b, 3), p99: round(p99b, 3) },
            connections: options.connections,
          },
        },
        {
          id: "1c",
          name: "attribution: one log line per request",
          value: `floor + log ${rpsC.toFixed(0)} req/s (${ratio(logRatios.median, logRatios.min, logRatios.max)} of floor); certgate/floor+log ${ratio(vsLogged.median, vsLogged.min, vsLogged.max)}`,
          comparedTo: "floor worker",
          goal: null,
          met: null,
          data: {
            floor_with_log_rps: c.map((r) => round(r.rps)),
            floor_with_log_over_floor: {
              median: round(logRatios.median, 3),
              min: round(logRatios.min, 3),
              max: round(logRatios.max, 3),
            },
            certgate_over_floor_with_log: {
              median: round(vsLogged.median, 3),
              min: round(vsLogged.min, 3),
              max: round(vsLogged.max, 3),
            },
          },
        },
      ];
    } finally {
      await floorLog.dispose();
      await floor.dispose();
    }
  } finally {
    await certgate.dispose();
    await up.close();
  }
}
