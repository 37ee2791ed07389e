/// <reference types="node" />
/**
 * Figure 2: latency certgate adds on a miss (auth + validation + upstream client + response validation +
 * normalization + cache write), forced with `Cache-Control: no-cache`, vs a pass-through floor worker in
 * the same runtime (bench/floor-passthrough.js: forwards the request certgate would send upstream,
 * unchanged, and returns the answer), at BENCH_LATENCY_MS upstream latency. Figure 2a keeps the older
 * comparison: the simulator called directly from Node with the same URL and credentials (no workerd hop).
 * One connection, cycling through ROTATE zones: consecutive requests name different scopes, because
 * a bypass that arrives while the previous load of the SAME scope is still writing KV joins that load
 * and returns without an upstream call (list-cache.ts keeps finished loads until the write settles),
 * which would measure a join, not a miss. Per pair: p50 and p99 differences.
 * Two more series run in the same alternation to locate the cost: a cache HIT (auth + KV read +
 * normalization, no upstream), /healthz (routing and logging only), and the same miss on a second
 * instance whose CACHE puts are acknowledged without writing (kv-counter.ts): the difference between
 * the two misses is what Miniflare's local KV write costs on workerd's thread during the request.
 */
import { DEMO_CLOUDFLARE_TOKEN } from "../../sandbox/index";
import type { BenchContext } from "../lib/context";
import { type Figure, ms } from "../lib/figures";
import { apiKeysJson, benchKey } from "../lib/keys";
import { type LoadResult, load } from "../lib/load";
import { round, spread } from "../lib/stats";
import { NO_REFUSALS, startUpstreams, workerBindings } from "../lib/upstreams";
import { startWorker } from "../lib/worker";

type Series = "miss" | "floor" | "direct" | "hit" | "health" | "nokv";
const ROTATE = 20;

export async function missLatency(ctx: BenchContext): Promise<Figure[]> {
  const { options } = ctx;
  const up = await startUpstreams({ zones: ROTATE, latencyMs: options.latencyMs });
  const reader = await benchKey("bench-reader", ["certificates:read"]);
  const certgate = await startWorker({
    bindings: workerBindings(up, up.zones, apiKeysJson(reader), {
      CACHE_FRESH_SECONDS: "3600",
      CACHE_STALE_SECONDS: "7200",
      // Every no-cache request must be a miss: no minimum interval between loads of a scope.
      CACHE_MIN_REFRESH_SECONDS: "0",
      ...NO_REFUSALS,
    }),
  });
  const noKv = await startWorker({
    countKv: true,
    discardPuts: true,
    bindings: workerBindings(up, up.zones, apiKeysJson(reader), {
      CACHE_FRESH_SECONDS: "3600",
      CACHE_STALE_SECONDS: "7200",
      // Every no-cache request must be a miss: no minimum interval between loads of a scope.
      CACHE_MIN_REFRESH_SECONDS: "0",
      ...NO_REFUSALS,
    }),
  });
  const passThrough = await startWorker({
    scriptPath: "bench/floor-passthrough.js",
    bindings: { FLOOR_UPSTREAM: new URL(up.cloudflareUrl).origin },
    kvNamespaces: [],
  });
  try {
    const zone = up.zones[0] ?? "";
    const listUrl = `${certgate.url}/v1/certificates`;
    const listPaths = up.zones.map((z) => `/v1/certificates?zone=${z}`);
    // What certgate's Cloudflare client sends for a zone (checked below against the call log).
    const directPath = (z: string) =>
      `${new URL(up.cloudflareUrl).pathname}/zones/${z}/ssl/certificate_packs?page=1&per_page=50&status=all`;
    const directUrl = `${new URL(up.cloudflareUrl).origin}${directPath(zone)}`;
    const warm = await fetch(`${listUrl}?zone=${zone}`, {
      headers: { ...reader.headers, "cache-control": "no-cache" },
    });
    await warm.arrayBuffer();
    const sent = up.cloudflare.calls().at(-1);
    if (warm.status !== 200 || sent === undefined) {
      throw new Error(`warm-up failed: ${warm.status}`);
    }
    const sentQuery = new URLSearchParams(sent.query).toString();
    if (`${sent.path}?${sentQuery}` !== new URL(directUrl).pathname + new URL(directUrl).search) {
      ctx.log(`  [2] note: certgate called ${sent.path}?${sentQuery}, direct calls ${directUrl}`);
    }

    const seconds = Math.max(1, options.durationSeconds - 1);
    // Every zone cached once, so the HIT series is all hits.
    for (const path of listPaths)
      await (await fetch(`${certgate.url}${path}`, { headers: reader.headers })).arrayBuffer();
    const spec: Record<
      Series,
      { url: string; paths?: string[]; headers: Record<string, string>; seconds: number }
    > = {
      miss: {
        url: listUrl,
        paths: listPaths,
        headers: { ...reader.headers, "cache-control": "no-cache" },
        seconds,
      },
      floor: {
        url: `${passThrough.url}${directPath(zone)}`,
        paths: up.zones.map(directPath),
        headers: { authorization: `Bearer ${DEMO_CLOUDFLARE_TOKEN}` },
        seconds,
      },
      direct: {
        url: directUrl,
        paths: up.zones.map(directPath),
        headers: { authorization: `Bearer ${DEMO_CLOUDFLARE_TOKEN}` },
        seconds,
      },
      nokv: {
        url: `${noKv.url}/v1/certificates`,
        paths: listPaths,
        headers: { ...reader.headers, "cache-control": "no-cache" },
        seconds,
      },
      hit: { url: listUrl, paths: listPaths, headers: reader.headers, seconds: Math.max(1, seconds - 1) },
      health: { url: `${certgate.url}/healthz`, headers: {}, seconds: Math.max(1, seconds - 1) },
    };
    const results: Record<Series, LoadResult[]> = {
      miss: [],
      floor: [],
      direct: [],
      hit: [],
      health: [],
      nokv: [],
    };
    const order: Series[] = ["miss", "floor", "direct", "nokv", "hit", "health"];
    // Upstream calls made by certgate during the miss series, vs its answers: 1 each if none joined.
    let missCalls = 0;
    for (let i = 0; i < options.pairs; i++) {
      const series = i % 2 === 0 ? order : [...order].reverse();
      for (const s of series) {
        const { url, paths, headers } = spec[s];
        const before = up.cloudflare.count();
        const r = await load({
          url,
          headers,
          connections: 1,
          durationSeconds: spec[s].seconds,
          ...(paths ? { paths } : {}),
        });
        results[s].push(r);
        if (s === "miss") missCalls += up.cloudflare.count() - before;
        ctx.log(
          `  [2] pair ${i + 1} ${s.padEnd(6)} n=${r.requests} p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms`,
        );
      }
    }
    const diff = (p: "p50" | "p99", base: Series) =>
      spread(results.miss.map((r, i) => r[p] - (results[base][i]?.[p] ?? Number.NaN)));
    const f50 = diff("p50", "floor");
    const f99 = diff("p99", "floor");
    const d50 = diff("p50", "direct");
    const d99 = diff("p99", "direct");
    const med = (s: Series, p: "p50" | "p99") => spread(results[s].map((r) => r[p])).median;
    const errors = Object.values(results)
      .flat()
      .reduce((n, r) => n + r.errors + r.non2xx, 0);
    const samples = (s: Series) => results[s].reduce((n, r) => n + r.requests, 0);
    const range = (s: { min: number; max: number }) => `${s.min.toFixed(2)}..${s.max.toFixed(2)}`;
    return [
      {
        id: "2",
        name: `miss: added latency over a pass-through worker (upstream ${options.latencyMs} ms)`,
        value: `p50 +${ms(f50.median)} (${range(f50)}); p99 +${ms(f99.median)} (${range(f99)})`,
        comparedTo: `pass-through floor in workerd p50 ${ms(med("floor", "p50"))}, p99 ${ms(med("floor", "p99"))}`,
        goal: "p50 <= 1 ms",
        met: errors === 0 ? f50.median <= 1 : null,
        data: {
          upstream_latency_ms: options.latencyMs,
          connections: 1,
          pairs: options.pairs,
          p50_added_ms: { median: round(f50.median, 3), min: round(f50.min, 3), max: round(f50.max, 3) },
          p99_added_ms: { median: round(f99.median, 3), min: round(f99.min, 3), max: round(f99.max, 3) },
          floor: {
            p50: round(med("floor", "p50"), 3),
            p99: round(med("floor", "p99"), 3),
            samples: samples("floor"),
          },
          errors,
        },
      },
      {
        id: "2a",
        name: "miss: added latency over Node calling the simulator",
        value: `p50 +${ms(d50.median)} (${range(d50)}); p99 +${ms(d99.median)} (${range(d99)})`,
        comparedTo: `simulator direct p50 ${ms(med("direct", "p50"))}, p99 ${ms(med("direct", "p99"))}`,
        goal: null,
        met: null,
        data: {
          upstream_latency_ms: options.latencyMs,
          connections: 1,
          pairs: options.pairs,
          p50_added_ms: { median: round(d50.median, 3), min: round(d50.min, 3), max: round(d50.max, 3) },
          p99_added_ms: { median: round(d99.median, 3), min: round(d99.min, 3), max: round(d99.max, 3) },
          certgate_miss: {
            p50: round(med("miss", "p50"), 3),
            p99: round(med("miss", "p99"), 3),
            samples: samples("miss"),
            upstream_calls: missCalls,
          },
          direct: {
            p50: round(med("direct", "p50"), 3),
            p99: round(med("direct", "p99"), 3),
            samples: samples("direct"),
          },
          errors,
        },
      },
      {
        id: "2b",
        name: "where the time goes (1 connection)",
        value: `miss, KV put not written p50 ${ms(med("nokv", "p50"))}; HIT ${ms(med("hit", "p50"))}; /healthz ${ms(med("health", "p50"))}`,
        comparedTo: `miss p50 ${ms(med("miss", "p50"))}`,
        goal: null,
        met: null,
        data: {
          miss_kv_put_discarded: {
            p50: round(med("nokv", "p50"), 3),
            p99: round(med("nokv", "p99"), 3),
            samples: samples("nokv"),
          },
          hit: {
            p50: round(med("hit", "p50"), 3),
            p99: round(med("hit", "p99"), 3),
            samples: samples("hit"),
          },
          healthz: {
            p50: round(med("health", "p50"), 3),
            p99: round(med("health", "p99"), 3),
            samples: samples("health"),
          },
        },
      },
    ];
  } finally {
    await passThrough.dispose();
    await noKv.dispose();
    await certgate.dispose();
    await up.close();
  }
}
