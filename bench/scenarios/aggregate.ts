/// <reference types="node" />
/**
 * Figure 3: the unified list across 1, 10 and 50 zones, cold (`Cache-Control: no-cache`: every zone
 * loaded from the upstream) and warm (every zone a KV hit). Cold is compared to the ideal the
 * platform allows: ceil(n / 6) x upstream latency (6 simultaneous outbound connections, domain.md;
 * certgate's MAX_UPSTREAM_IN_FLIGHT). One connection, sequential requests, bounded in count.
 * One instance serves all three sizes: a key per size whose allowlist names exactly n zones.
 * Cold requests are spaced (COLD_GAP_MS): a bypass arriving while the previous request's loads are
 * still writing KV joins those loads (list-cache.ts) and would measure a join, not a cold read.
 * Attribution, same alternation: the same cold request on an instance whose CACHE puts are not
 * written (kv-counter.ts), and the n calls made straight from Node to the simulator, 6 at a time
 * (what this machine's loopback and simulator allow, against the theoretical ideal).
 */
import { DEMO_CLOUDFLARE_TOKEN } from "../../sandbox/index";
import type { BenchContext } from "../lib/context";
import { type Figure, ms } from "../lib/figures";
import { apiKeysJson, type BenchKey, benchKey } from "../lib/keys";
import { load } from "../lib/load";
import { percentile, round } from "../lib/stats";
import { NO_REFUSALS, startUpstreams, workerBindings } from "../lib/upstreams";
import { startWorker } from "../lib/worker";

const IN_FLIGHT = 6;
const COLD_GAP_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** n upstream list calls from Node, at most 6 at a time: wall time in ms. */
async function directFanOut(urls: readonly string[], token: string): Promise<number> {
  const started = performance.now();
  const queue = [...urls];
  const worker = async () => {
    for (let u = queue.shift(); u !== undefined; u = queue.shift()) {
      const res = await fetch(u, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, urls.length) }, worker));
  return performance.now() - started;
}

export async function aggregate(ctx: BenchContext): Promise<Figure[]> {
  const { options } = ctx;
  const sizes = options.quick ? [1, 10] : [1, 10, 50];
  const total = Math.max(...sizes);
  const up = await startUpstreams({ zones: total, latencyMs: options.latencyMs });
  const keys = new Map<number, BenchKey>();
  for (const n of sizes)
    keys.set(n, await benchKey(`bench-${n}`, ["certificates:read"], up.zones.slice(0, n)));
  const bindings = workerBindings(up, up.zones, apiKeysJson(...keys.values()), {
    CACHE_FRESH_SECONDS: "3600",
    CACHE_STALE_SECONDS: "7200",
    // Every no-cache request must be a miss: no minimum interval between loads of a scope.
    CACHE_MIN_REFRESH_SECONDS: "0",
    ...NO_REFUSALS,
  });
  const worker = await startWorker({ bindings });
  const noKv = await startWorker({ bindings, countKv: true, discardPuts: true });
  const figures: Figure[] = [];
  try {
    const url = `${worker.url}/v1/certificates`;
    const coldCount = options.quick ? 4 : 12;
    const warmCount = options.quick ? 20 : 100;
    for (const n of sizes) {
      const key = keys.get(n);
      if (!key) continue;
      // One untimed cold request first (connections, JIT), then the measured ones.
      await load({
        url,
        headers: { ...key.headers, "cache-control": "no-cache" },
        connections: 1,
        durationSeconds: 10,
        amount: 1,
      });
      const coldHeaders = { ...key.headers, "cache-control": "no-cache" };
      const directUrls = up.zones
        .slice(0, n)
        .map((z) => `${up.cloudflareUrl}/zones/${z}/ssl/certificate_packs?page=1&per_page=50&status=all`);
      const coldLatencies: number[] = [];
      const noKvLatencies: number[] = [];
      const direct: number[] = [];
      let coldErrors = 0;
      let coldCalls = 0;
      await load({
        url: `${noKv.url}/v1/certificates`,
        headers: coldHeaders,
        connections: 1,
        durationSeconds: 10,
        amount: 1,
      });
      for (let i = 0; i < coldCount; i++) {
        const before = up.cloudflare.count();
        const one = await load({ url, headers: coldHeaders, connections: 1, durationSeconds: 10, amount: 1 });
        coldCalls += up.cloudflare.count() - before;
        coldLatencies.push(...one.latencies);
        coldErrors += one.errors + one.non2xx;
        await sleep(COLD_GAP_MS);
        const other = await load({
          url: `${noKv.url}/v1/certificates`,
          headers: coldHeaders,
          connections: 1,
          durationSeconds: 10,
          amount: 1,
        });
        noKvLatencies.push(...other.latencies);
        coldErrors += other.errors + other.non2xx;
        await sleep(COLD_GAP_MS);
        direct.push(await directFanOut(directUrls, DEMO_CLOUDFLARE_TOKEN));
      }
      const cold = {
        p50: percentile(coldLatencies, 50),
        p99: percentile(coldLatencies, 99),
        requests: coldLatencies.length,
      };
      const callsPerRequest = coldCalls / Math.max(1, coldLatencies.length);
      const warm = await load({
        url,
        headers: key.headers,
        connections: 1,
        durationSeconds: 10,
        amount: warmCount,
      });
      const ideal = Math.ceil(n / IN_FLIGHT) * options.latencyMs;
      const r50 = cold.p50 / ideal;
      const r99 = cold.p99 / ideal;
      ctx.log(
        `  [3] ${n} zones: cold p50 ${cold.p50.toFixed(1)} ms (ideal ${ideal} ms), warm p50 ${warm.p50.toFixed(2)} ms, ${callsPerRequest.toFixed(1)} upstream calls/request`,
      );
      const errors = coldErrors + warm.errors + warm.non2xx;
      const noKvP50 = percentile(noKvLatencies, 50);
      const directP50 = percentile(direct, 50);
      figures.push({
        id: `3.${n}`,
        name: `aggregated list, ${n} zone${n === 1 ? "" : "s"}`,
        value: `cold p50 ${ms(cold.p50)} (ratio ${r50.toFixed(2)}), p99 ${ms(cold.p99)} (${r99.toFixed(2)}); warm p50 ${ms(warm.p50)}, p99 ${ms(warm.p99)}`,
        comparedTo: `ideal ceil(${n}/6) x ${options.latencyMs} = ${ideal} ms; direct fan-out ${ms(directP50)}; KV puts off ${ms(noKvP50)}`,
        goal: "cold p50 ratio <= 1.2",
        met: errors === 0 ? r50 <= 1.2 : null,
        data: {
          zones: n,
          upstream_latency_ms: options.latencyMs,
          ideal_cold_ms: ideal,
          cold: {
            p50: round(cold.p50, 3),
            p99: round(cold.p99, 3),
            samples: cold.requests,
            ratio_p50: round(r50, 3),
            ratio_p99: round(r99, 3),
          },
          warm: { p50: round(warm.p50, 3), p99: round(warm.p99, 3), samples: warm.requests },
          upstream_calls_per_cold_request: round(callsPerRequest, 2),
          cold_kv_puts_discarded: { p50: round(noKvP50, 3), samples: noKvLatencies.length },
          direct_fan_out_from_node: { p50: round(directP50, 3), samples: direct.length },
          errors,
        },
      });
    }
    return figures;
  } finally {
    await noKv.dispose();
    await worker.dispose();
    await up.close();
  }
}
