/// <reference types="node" />
/**
 * Figure 3: the unified list across 1, 10 and 50 zones, cold (`Cache-Control: no-cache`: every zone
 * loaded from the upstream) and warm (every zone a KV hit). Cold is compared, in A/B pairs of single
 * requests (order alternating), to a bare fan-out worker in the same runtime (bench/floor-fanout.js:
 * the same n upstream lists, same URL and token, at most 6 in flight as certgate's
 * MAX_UPSTREAM_IN_FLIGHT, bodies concatenated): median of the pair ratios with their min-max, goal
 * <= 1.1 for 10 and 50 zones. Also shown: the ideal the platform allows, ceil(n / 6) x upstream
 * latency (6 simultaneous outbound connections). One connection, sequential requests, bounded in count.
 * One instance serves all three sizes: a key per size whose allowlist names exactly n zones.
 * Cold requests are spaced (COLD_GAP_MS): a bypass arriving while the previous request's loads are
 * still writing KV joins those loads (list-cache.ts) and would measure a join, not a cold read.
 * Attribution, same alternation: the same cold request on an instance whose CACHE puts are not
 * written (kv-counter.ts), and the n calls made straight from Node to the simulator, 6 at a time
 * (what this machine's loopback and simulator allow, against the theoretical ideal).
 */
import { DEMO_CLOUDFLARE_TOKEN } from "../../sandbox/index";
import type { BenchContext } from "../lib/context";
import { type Figure, ms, ratio } from "../lib/figures";
import { apiKeysJson, type BenchKey, benchKey } from "../lib/keys";
import { load } from "../lib/load";
import { percentile, round, spread } from "../lib/stats";
import { NO_REFUSALS, startUpstreams, workerBindings } from "../lib/upstreams";
import { startWorker } from "../lib/worker";

/** certgate's MAX_UPSTREAM_IN_FLIGHT (src/concurrency.ts), given to the fan-out floor too. */
const IN_FLIGHT = 6;
/** The fan-out goal applies from this many zones on (issue 16: 10 and 50). */
const FAN_OUT_GOAL_FROM = 10;
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
  const sizes = options.quick ? [10, 50] : [1, 10, 50];
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
  const fanOut = await startWorker({
    scriptPath: "bench/floor-fanout.js",
    bindings: {
      FLOOR_UPSTREAM: up.cloudflareUrl,
      FLOOR_ZONES: up.zones.join(","),
      FLOOR_TOKEN: DEMO_CLOUDFLARE_TOKEN,
      FLOOR_IN_FLIGHT: String(IN_FLIGHT),
    },
    kvNamespaces: [],
  });
  const figures: Figure[] = [];
  try {
    const url = `${worker.url}/v1/certificates`;
    const coldCount = options.quick ? 3 : 12;
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
      const floorLatencies: number[] = [];
      const pairRatios: number[] = [];
      const noKvLatencies: number[] = [];
      const direct: number[] = [];
      let coldErrors = 0;
      let coldCalls = 0;
      const floorUrl = `${fanOut.url}/?n=${n}`;
      for (const warmUrl of [`${noKv.url}/v1/certificates`, floorUrl]) {
        await load({ url: warmUrl, headers: coldHeaders, connections: 1, durationSeconds: 10, amount: 1 });
      }
      const certgateCold = async (): Promise<number> => {
        const before = up.cloudflare.count();
        const one = await load({ url, headers: coldHeaders, connections: 1, durationSeconds: 10, amount: 1 });
        coldCalls += up.cloudflare.count() - before;
        coldLatencies.push(...one.latencies);
        coldErrors += one.errors + one.non2xx;
        await sleep(COLD_GAP_MS);
        return one.latencies[0] ?? Number.NaN;
      };
      const floorCold = async (): Promise<number> => {
        const one = await load({ url: floorUrl, connections: 1, durationSeconds: 10, amount: 1 });
        floorLatencies.push(...one.latencies);
        coldErrors += one.errors + one.non2xx;
        await sleep(COLD_GAP_MS);
        return one.latencies[0] ?? Number.NaN;
      };
      for (let i = 0; i < coldCount; i++) {
        // A/B in alternation: certgate then the floor, then the floor then certgate.
        let a: number;
        let b: number;
        if (i % 2 === 0) {
          a = await certgateCold();
          b = await floorCold();
        } else {
          b = await floorCold();
          a = await certgateCold();
        }
        pairRatios.push(a / b);
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
      const vsFloor = spread(pairRatios);
      const floorP50 = percentile(floorLatencies, 50);
      ctx.log(
        `  [3] ${n} zones: cold p50 ${cold.p50.toFixed(1)} ms, fan-out floor p50 ${floorP50.toFixed(1)} ms (ratio ${vsFloor.median.toFixed(2)}), ideal ${ideal} ms, warm p50 ${warm.p50.toFixed(2)} ms, ${callsPerRequest.toFixed(1)} upstream calls/request`,
      );
      const errors = coldErrors + warm.errors + warm.non2xx;
      const noKvP50 = percentile(noKvLatencies, 50);
      const directP50 = percentile(direct, 50);
      figures.push({
        id: `3.${n}`,
        name: `aggregated list, ${n} zone${n === 1 ? "" : "s"}`,
        value: `cold ratio ${ratio(vsFloor.median, vsFloor.min, vsFloor.max)} of the fan-out floor; cold p50 ${ms(cold.p50)}, p99 ${ms(cold.p99)}; warm p50 ${ms(warm.p50)}, p99 ${ms(warm.p99)}`,
        comparedTo: `fan-out floor in workerd p50 ${ms(floorP50)}; ideal ceil(${n}/6) x ${options.latencyMs} = ${ideal} ms (cold/ideal ${r50.toFixed(2)}); Node fan-out ${ms(directP50)}; KV puts off ${ms(noKvP50)}`,
        goal: n >= FAN_OUT_GOAL_FROM ? "ratio <= 1.1" : null,
        met: n >= FAN_OUT_GOAL_FROM && errors === 0 ? vsFloor.median <= 1.1 : null,
        data: {
          zones: n,
          upstream_latency_ms: options.latencyMs,
          ideal_cold_ms: ideal,
          vs_fan_out_floor: {
            median: round(vsFloor.median, 3),
            min: round(vsFloor.min, 3),
            max: round(vsFloor.max, 3),
            pairs: pairRatios.length,
          },
          fan_out_floor: { p50: round(floorP50, 3), samples: floorLatencies.length },
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
    await fanOut.dispose();
    await noKv.dispose();
    await worker.dispose();
    await up.close();
  }
}
