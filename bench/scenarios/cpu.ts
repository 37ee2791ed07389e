/// <reference types="node" />
/**
 * Figure 9: workerd's CPU time per request (lib/cpu.ts: utime + stime of the workerd process of one
 * Miniflare instance, from /proc, over a run of N requests), for a cache hit, a miss, a 50-scope cold
 * aggregate and a monitor run, against the Workers Free plan's 10 ms of CPU per invocation.
 * Each run is followed by an idle window of the same wall time on the same process, whose CPU is
 * subtracted (timers, Miniflare's background work). The same is done for a floor worker in the same
 * runtime doing the least the scenario needs (KV read, pass-through, bare fan-out): its CPU per request
 * is what the runtime itself spends (HTTP on loopback, Miniflare's entry worker, simulated KV), which
 * the platform does not bill to the script, so the goals are judged on certgate minus the floor.
 * A/B in alternation per pair; medians with min-max over pairs. Upstream latency is 0 here: CPU time
 * does not depend on it, and runs stay short. The upstream simulators run in this Node process, not in
 * workerd, so their work is not counted.
 */
import { DEMO_CLOUDFLARE_TOKEN } from "../../sandbox/index";
import type { BenchContext } from "../lib/context";
import { CLOCK_TICKS, idleCpu, withCpu } from "../lib/cpu";
import { type Figure, ms } from "../lib/figures";
import { apiKeysJson, benchKey } from "../lib/keys";
import { load } from "../lib/load";
import { round, spread } from "../lib/stats";
import { NO_REFUSALS, startUpstreams, workerBindings } from "../lib/upstreams";
import { kvOf, startWorker, type WorkerHandle } from "../lib/worker";

const ZONES = 50;
const FREE_PLAN_CPU_MS = 10;
/** Between cold aggregates: the previous request's KV writes settle, so no load is joined. */
const COLD_GAP_MS = 150;
/** After a monitor run: its cache refreshes finish through waitUntil (as in monitor.ts). */
const MONITOR_SETTLE_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Drive {
  worker: WorkerHandle;
  /** Sends the run's requests; resolves to how many were answered and how many failed. */
  run(): Promise<{ answered: number; failed: number }>;
}

interface PerRequest {
  /** (CPU of the run - CPU of an idle window as long) / answered, ms. */
  cpuMs: number;
  answered: number;
  failed: number;
  rawCpuMs: number;
  idleCpuMs: number;
  wallMs: number;
}

async function measure(drive: Drive): Promise<PerRequest> {
  const pid = drive.worker.pid;
  if (pid === null) throw new Error("no workerd pid for this instance (CPU time needs Linux /proc)");
  const run = await withCpu(pid, () => drive.run());
  const idle = await idleCpu(pid, run.wallMs);
  const { answered, failed } = run.result;
  return {
    cpuMs: (run.cpuMs - idle) / Math.max(1, answered),
    answered,
    failed,
    rawCpuMs: run.cpuMs,
    idleCpuMs: idle,
    wallMs: run.wallMs,
  };
}

interface Case {
  id: string;
  name: string;
  /** Goal on certgate's CPU per request over the floor's, ms; null: the Free-plan limit only. */
  goalMs: number | null;
  certgate: Drive;
  floor: (Drive & { label: string }) | null;
}

/** Sequential requests, one at a time, with `gapMs` after each (inside the measured window). */
function sequential(
  count: number,
  gapMs: number,
  send: () => Promise<Response>,
): () => Promise<{ answered: number; failed: number }> {
  return async () => {
    let failed = 0;
    for (let i = 0; i < count; i++) {
      const res = await send();
      await res.arrayBuffer();
      if (res.status !== 200) failed += 1;
      if (gapMs > 0) await sleep(gapMs);
    }
    return { answered: count, failed };
  };
}

function autocannon(
  url: string,
  headers: Record<string, string>,
  amount: number,
  connections: number,
  paths?: string[],
): () => Promise<{ answered: number; failed: number }> {
  return async () => {
    const r = await load({
      url,
      headers,
      connections,
      durationSeconds: 60,
      amount,
      ...(paths ? { paths } : {}),
    });
    return { answered: r.requests + r.non2xx, failed: r.non2xx + r.errors };
  };
}

export async function cpu(ctx: BenchContext): Promise<Figure[]> {
  const { options } = ctx;
  const q = options.quick;
  const counts = { hit: q ? 300 : 2000, miss: q ? 100 : 500, aggregate: q ? 3 : 20, monitor: q ? 2 : 6 };
  const up = await startUpstreams({ zones: ZONES, latencyMs: 0 });
  const reader = await benchKey("bench-reader", ["certificates:read"]);
  const admin = await benchKey("bench-admin", ["admin"]);
  const certgate = await startWorker({
    bindings: workerBindings(up, up.zones, apiKeysJson(reader, admin), {
      CACHE_FRESH_SECONDS: "3600",
      CACHE_STALE_SECONDS: "7200",
      // Every no-cache request must be a miss: no minimum interval between loads of a scope.
      CACHE_MIN_REFRESH_SECONDS: "0",
      ...NO_REFUSALS,
      // The Free plan's 50 subrequests per invocation: a monitor run checks 25 of the 50 zones.
      MONITOR_SUBREQUEST_BUDGET: "50",
    }),
  });
  const floors: WorkerHandle[] = [];
  try {
    const zone = up.zones[0] ?? "";
    const hitUrl = `${certgate.url}/v1/certificates?zone=${zone}`;
    for (const expect of ["MISS", "HIT"]) {
      const res = await fetch(hitUrl, { headers: reader.headers });
      await res.arrayBuffer();
      if (res.status !== 200 || res.headers.get("x-cache") !== expect)
        throw new Error(`warm-up: expected 200 ${expect}, got ${res.status} ${res.headers.get("x-cache")}`);
    }
    const cache = await kvOf(certgate.mf, "CACHE");
    const key = (await cache.list()).keys[0]?.name;
    const value = key === undefined ? null : await cache.get(key, "text");
    if (key === undefined || value === null) throw new Error("no cache entry after warm-up");

    const kvFloor = await startWorker({
      scriptPath: "bench/floor-worker.js",
      bindings: { FLOOR_KEY: key },
      kvNamespaces: ["CACHE"],
    });
    floors.push(kvFloor);
    await (await kvOf(kvFloor.mf, "CACHE")).put(key, value);
    const upstreamOrigin = new URL(up.cloudflareUrl).origin;
    const passThrough = await startWorker({
      scriptPath: "bench/floor-passthrough.js",
      bindings: { FLOOR_UPSTREAM: upstreamOrigin },
      kvNamespaces: [],
    });
    floors.push(passThrough);
    const fanOut = await startWorker({
      scriptPath: "bench/floor-fanout.js",
      bindings: {
        FLOOR_UPSTREAM: up.cloudflareUrl,
        FLOOR_ZONES: up.zones.join(","),
        FLOOR_TOKEN: DEMO_CLOUDFLARE_TOKEN,
        FLOOR_IN_FLIGHT: "6",
      },
      kvNamespaces: [],
    });
    floors.push(fanOut);

    const upstreamPath = new URL(up.cloudflareUrl).pathname;
    const missPaths = up.zones.map((z) => `/v1/certificates?zone=${z}`);
    const directPaths = up.zones.map(
      (z) => `${upstreamPath}/zones/${z}/ssl/certificate_packs?page=1&per_page=50&status=all`,
    );
    const upstreamAuth = { authorization: `Bearer ${DEMO_CLOUDFLARE_TOKEN}` };
    const noCache = { ...reader.headers, "cache-control": "no-cache" };
    const cases: Case[] = [
      {
        id: "9.hit",
        name: "CPU per cache hit",
        goalMs: 1,
        certgate: { worker: certgate, run: autocannon(hitUrl, reader.headers, counts.hit, 4) },
        floor: {
          label: "KV floor",
          worker: kvFloor,
          run: autocannon(`${kvFloor.url}/`, {}, counts.hit, 4),
        },
      },
      {
        id: "9.miss",
        name: "CPU per miss (1 scope, no-cache)",
        goalMs: 2,
        // One connection cycling through 50 scopes: no request joins the previous load of its scope.
        certgate: {
          worker: certgate,
          run: autocannon(`${certgate.url}/v1/certificates`, noCache, counts.miss, 1, missPaths),
        },
        floor: {
          label: "pass-through floor",
          worker: passThrough,
          run: autocannon(`${passThrough.url}/`, upstreamAuth, counts.miss, 1, directPaths),
        },
      },
      {
        id: "9.aggregate50",
        name: `CPU per cold aggregate, ${ZONES} scopes`,
        goalMs: 10,
        certgate: {
          worker: certgate,
          run: sequential(counts.aggregate, COLD_GAP_MS, () =>
            fetch(`${certgate.url}/v1/certificates`, { headers: noCache }),
          ),
        },
        floor: {
          label: "fan-out floor",
          worker: fanOut,
          run: sequential(counts.aggregate, COLD_GAP_MS, () => fetch(`${fanOut.url}/?n=${ZONES}`)),
        },
      },
      {
        id: "9.monitor",
        name: "CPU per monitor run (Free budget 50: 25 zones)",
        goalMs: null,
        certgate: {
          worker: certgate,
          run: sequential(counts.monitor, MONITOR_SETTLE_MS, () =>
            fetch(`${certgate.url}/v1/report/run`, { method: "POST", headers: admin.headers }),
          ),
        },
        floor: null,
      },
    ];

    // Warm every path once (JIT, connections) before measuring.
    for (const c of cases) {
      await c.certgate.run();
      await c.floor?.run();
    }

    const figures: Figure[] = [];
    for (const c of cases) {
      const a: PerRequest[] = [];
      const b: PerRequest[] = [];
      // Upstream calls made by certgate's runs (a hit makes none; a miss 1; an aggregate 50).
      let calls = 0;
      for (let i = 0; i < options.pairs; i++) {
        const order = i % 2 === 0 ? ["a", "b"] : ["b", "a"];
        for (const which of order) {
          if (which === "a") {
            const before = up.cloudflare.count();
            a.push(await measure(c.certgate));
            calls += up.cloudflare.count() - before;
          } else if (c.floor) b.push(await measure(c.floor));
        }
        ctx.log(
          `  [9] ${c.id} pair ${i + 1}: certgate ${a.at(-1)?.cpuMs.toFixed(3)} ms/req` +
            (c.floor ? `, ${c.floor.label} ${b.at(-1)?.cpuMs.toFixed(3)} ms/req` : ""),
        );
      }
      const certgateAnswers = a.reduce((n, r) => n + r.answered, 0);
      const failed = [...a, ...b].reduce((n, r) => n + r.failed, 0);
      const gross = spread(a.map((r) => r.cpuMs));
      const floorCpu = c.floor ? spread(b.map((r) => r.cpuMs)) : null;
      const over = c.floor ? spread(a.map((r, i) => r.cpuMs - (b[i]?.cpuMs ?? Number.NaN))) : null;
      const judged = over ?? gross;
      const resolution = 1000 / CLOCK_TICKS / Math.max(1, a[0]?.answered ?? 1);
      const range = (s: { min: number; max: number }) => `${s.min.toFixed(3)}..${s.max.toFixed(3)}`;
      figures.push({
        id: c.id,
        name: c.name,
        value: over
          ? `${ms(over.median)} over the floor (${range(over)}); certgate ${ms(gross.median)}/req`
          : `${ms(gross.median)}/req (${range(gross)})`,
        comparedTo:
          `Free plan ${FREE_PLAN_CPU_MS} ms: ${((gross.median / FREE_PLAN_CPU_MS) * 100).toFixed(0)}% (gross)` +
          (c.floor && floorCpu ? `; ${c.floor.label} ${ms(floorCpu.median)}/req` : ""),
        goal:
          c.goalMs === null ? `<= ${FREE_PLAN_CPU_MS} ms (Free plan)` : `<= ${c.goalMs} ms over the floor`,
        met: failed === 0 ? judged.median <= (c.goalMs ?? FREE_PLAN_CPU_MS) : null,
        data: {
          method: "workerd /proc/<pid>/stat utime+stime, minus an idle window of the same wall time",
          clock_ticks_per_second: CLOCK_TICKS,
          resolution_ms_per_request: round(resolution, 4),
          requests_per_run: a[0]?.answered ?? 0,
          pairs: options.pairs,
          certgate_ms_per_request: a.map((r) => round(r.cpuMs, 4)),
          floor_ms_per_request: b.map((r) => round(r.cpuMs, 4)),
          over_floor: over
            ? { median: round(over.median, 4), min: round(over.min, 4), max: round(over.max, 4) }
            : null,
          free_plan_ms: FREE_PLAN_CPU_MS,
          runs: {
            certgate: a.map((r) => ({
              cpu_ms: round(r.rawCpuMs, 1),
              idle_ms: round(r.idleCpuMs, 1),
              wall_ms: round(r.wallMs, 1),
            })),
            floor: b.map((r) => ({
              cpu_ms: round(r.rawCpuMs, 1),
              idle_ms: round(r.idleCpuMs, 1),
              wall_ms: round(r.wallMs, 1),
            })),
          },
          upstream_calls_per_certgate_request: round(calls / Math.max(1, certgateAnswers), 2),
          failed,
        },
      });
    }
    return figures;
  } finally {
    for (const f of floors) await f.dispose();
    await certgate.dispose();
    await up.close();
  }
}
