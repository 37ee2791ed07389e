/// <reference types="node" />
/**
 * Figure 8: what a Prometheus scrape (GET /metrics) costs, over N zones of five packs each after one
 * monitor run. A: the default (METRICS_REFRESH_SECONDS=60: reads younger than a minute are reused) vs
 * B: METRICS_REFRESH_SECONDS=0 (the report and every list read from KV on each scrape, each text compared
 * with what the isolate holds and parsed only when it changed), served side by side and measured in
 * alternation. Also: KV reads per scrape after a first one, counted through a wrapped binding
 * (kv-counter.ts; the default reads 1 + N keys once a minute, so a 15 s scrape averages (1 + N) / 4),
 * upstream calls during the measurement (must be 0), and the exposition's size.
 */
import type { BenchContext } from "../lib/context";
import { type Figure, ms, ratio } from "../lib/figures";
import { apiKeysJson, benchKey } from "../lib/keys";
import { type LoadResult, load } from "../lib/load";
import { median, round, spread } from "../lib/stats";
import { startUpstreams, workerBindings } from "../lib/upstreams";
import { startWorker, type WorkerHandle } from "../lib/worker";

const SCRAPES_COUNTED = 20;

async function runMonitor(worker: WorkerHandle, headers: Record<string, string>): Promise<void> {
  const res = await fetch(`${worker.url}/v1/report/run`, { method: "POST", headers });
  if (res.status !== 200) throw new Error(`monitor run: ${res.status} ${await res.text()}`);
}

export async function metricsScrape(ctx: BenchContext): Promise<Figure[]> {
  const { options } = ctx;
  const zones = options.quick ? 20 : 100;
  const up = await startUpstreams({ zones, latencyMs: 0 });
  const prometheus = await benchKey("prometheus", ["reports:read"]);
  const admin = await benchKey("admin", ["admin"]);
  const bindings = (refresh: string) =>
    workerBindings(up, up.zones, apiKeysJson(prometheus, admin), {
      MONITOR_SUBREQUEST_BUDGET: "10000",
      METRICS_REFRESH_SECONDS: refresh,
    });
  const workers: WorkerHandle[] = [];
  try {
    const a = await startWorker({ bindings: bindings("60") });
    workers.push(a);
    const b = await startWorker({ bindings: bindings("0") });
    workers.push(b);
    const countedA = await startWorker({ bindings: bindings("60"), countKv: true });
    workers.push(countedA);
    const countedB = await startWorker({ bindings: bindings("0"), countKv: true });
    workers.push(countedB);
    for (const w of workers) await runMonitor(w, admin.headers);

    const first = await fetch(`${a.url}/metrics`, { headers: prometheus.headers });
    const body = await first.text();
    if (first.status !== 200) throw new Error(`scrape: ${first.status} ${body.slice(0, 200)}`);
    const series = body.split("\n").filter((l) => l !== "" && !l.startsWith("#")).length;

    // KV reads per scrape: one scrape reads what it needs, then sequential scrapes within the minute.
    const kvReads = async (w: WorkerHandle): Promise<number> => {
      await (await fetch(`${w.url}/metrics`, { headers: prometheus.headers })).arrayBuffer();
      w.kv?.reset();
      for (let i = 0; i < SCRAPES_COUNTED; i++) {
        const res = await fetch(`${w.url}/metrics`, { headers: prometheus.headers });
        await res.arrayBuffer();
      }
      const counts = w.kv?.snapshot() ?? {};
      return Object.values(counts).reduce((n, c) => n + c.get, 0) / SCRAPES_COUNTED;
    };
    const readsA = await kvReads(countedA);
    const readsB = await kvReads(countedB);

    const callsBefore = up.cloudflare.count();
    const run = (w: WorkerHandle) =>
      load({
        url: `${w.url}/metrics`,
        headers: prometheus.headers,
        connections: options.connections,
        durationSeconds: options.durationSeconds,
      });
    await load({ url: `${a.url}/metrics`, headers: prometheus.headers, connections: 2, durationSeconds: 1 });
    await load({ url: `${b.url}/metrics`, headers: prometheus.headers, connections: 2, durationSeconds: 1 });
    const ra: LoadResult[] = [];
    const rb: LoadResult[] = [];
    for (let i = 0; i < options.pairs; i++) {
      const order = i % 2 === 0 ? ([a, b] as const) : ([b, a] as const);
      for (const w of order) {
        const result = await run(w);
        (w === a ? ra : rb).push(result);
        ctx.log(
          `  [8] pair ${i + 1} ${w === a ? "refresh 60 s" : "refresh 0   "} ${result.rps.toFixed(0)} req/s p50 ${result.p50.toFixed(2)} ms p99 ${result.p99.toFixed(2)} ms`,
        );
      }
    }
    const upstreamCalls = up.cloudflare.count() - callsBefore;
    const errors = [...ra, ...rb].reduce((n, r) => n + r.errors + r.non2xx, 0);
    const ratios = spread(ra.map((r, i) => r.rps / (rb[i]?.rps ?? Number.NaN)));
    const rpsA = median(ra.map((r) => r.rps));
    const rpsB = median(rb.map((r) => r.rps));
    const p50a = median(ra.map((r) => r.p50));
    const p50b = median(rb.map((r) => r.p50));
    return [
      {
        id: "8",
        name: `/metrics scrape, ${zones} zones (${series} series, ${Math.round(body.length / 1024)} KiB)`,
        value: `${rpsA.toFixed(0)} req/s, p50 ${ms(p50a)}; ${readsA.toFixed(2)} KV reads/scrape; ${upstreamCalls} upstream calls`,
        comparedTo: `refresh 0: ${rpsB.toFixed(0)} req/s, p50 ${ms(p50b)}, ${readsB.toFixed(2)} KV reads/scrape; ratio ${ratio(ratios.median, ratios.min, ratios.max)}`,
        goal: "0 upstream calls; no KV read within the refresh window",
        met: errors === 0 ? upstreamCalls === 0 && readsA === 0 : null,
        data: {
          zones,
          series,
          exposition_bytes: body.length,
          kv_reads_per_scrape: { refresh_60: readsA, refresh_0: readsB, scrapes_counted: SCRAPES_COUNTED },
          rps: { refresh_60: ra.map((r) => round(r.rps)), refresh_0: rb.map((r) => round(r.rps)) },
          p50_ms: { refresh_60: round(p50a, 3), refresh_0: round(p50b, 3) },
          ratio: { median: round(ratios.median, 3), min: round(ratios.min, 3), max: round(ratios.max, 3) },
          upstream_calls_during_measurement: upstreamCalls,
          errors,
        },
      },
    ];
  } finally {
    for (const w of workers) await w.dispose();
    await up.close();
  }
}
