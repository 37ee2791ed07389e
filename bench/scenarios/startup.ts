/// <reference types="node" />
/**
 * Figure 5: bundle size (gzip, as wrangler reports it: `minify = true` in wrangler.toml) against the
 * goal of 150 KiB (issue 16; the platform's limits are 3 MB Free / 10 MB Paid, gzip), and start-up:
 * time from `new Miniflare(...)` to the first /healthz 200, certgate vs a floor worker started with the
 * same Durable Object and Workflow bindings (bench/floor-objects.js: empty classes of the same names,
 * so Miniflare and workerd set up the same objects), in alternation; the difference is what certgate's
 * bundle costs to load and evaluate, goal <= 150 ms. The plain floor worker (no objects) is a third
 * series: the floor-with-objects minus it is what the bindings cost Miniflare, whatever the bundle.
 */
import type { BundleInfo } from "../lib/build";
import type { BenchContext } from "../lib/context";
import { type Figure, ms } from "../lib/figures";
import { apiKeysJson, benchKey } from "../lib/keys";
import { median, round, spread } from "../lib/stats";
import { startUpstreams, workerBindings } from "../lib/upstreams";
import { type StartWorkerOptions, startWorker } from "../lib/worker";

const BUNDLE_GOAL_KIB = 150;
const STARTUP_GOAL_MS = 150;

/** ms from `new Miniflare` to the first answer `ready` accepts. */
async function timeToReady(
  options: StartWorkerOptions,
  path: string,
  ready: (status: number) => boolean,
): Promise<number> {
  const t0 = performance.now();
  const worker = await startWorker(options);
  try {
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${worker.url}${path}`);
      await res.arrayBuffer();
      if (ready(res.status)) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`${path} never became ready`);
  } finally {
    await worker.dispose();
  }
}

export async function startup(ctx: BenchContext, bundle: BundleInfo): Promise<Figure[]> {
  const { options } = ctx;
  const up = await startUpstreams({ zones: 1, latencyMs: 0 });
  const key = await benchKey("bench-reader", ["certificates:read"]);
  try {
    const certgate: StartWorkerOptions = { bindings: workerBindings(up, up.zones, apiKeysJson(key)) };
    const floor: StartWorkerOptions = {
      scriptPath: "bench/floor-objects.js",
      bindings: { FLOOR_KEY: "x" },
      kvNamespaces: ["CACHE", "STATE"],
      objects: true,
    };
    const plainFloor: StartWorkerOptions = {
      scriptPath: "bench/floor-worker.js",
      bindings: { FLOOR_KEY: "x" },
      kvNamespaces: ["CACHE"],
    };
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    for (let i = 0; i < options.pairs; i++) {
      // certgate: /healthz 200. The floors have no health route: their first answer of any status counts.
      const order = i % 2 === 0 ? ["a", "b", "c"] : ["b", "a", "c"];
      for (const which of order) {
        if (which === "a") a.push(await timeToReady(certgate, "/healthz", (s) => s === 200));
        else if (which === "b") b.push(await timeToReady(floor, "/", (s) => s > 0));
        else c.push(await timeToReady(plainFloor, "/", (s) => s > 0));
      }
      ctx.log(
        `  [5] pair ${i + 1}: certgate ${a.at(-1)?.toFixed(0)} ms, floor with objects ${b.at(-1)?.toFixed(0)} ms, plain floor ${c.at(-1)?.toFixed(0)} ms`,
      );
    }
    const diffs = spread(a.map((x, i) => x - (b[i] ?? Number.NaN)));
    const objectsCost = spread(b.map((x, i) => x - (c[i] ?? Number.NaN)));
    return [
      {
        id: "5",
        name: "bundle size (gzip)",
        value: `${bundle.gzip_kib.toFixed(1)} KiB gzip (${bundle.upload_kib.toFixed(1)} KiB raw)`,
        comparedTo: "Workers script limit 3 MB Free / 10 MB Paid (gzip)",
        goal: `<= ${BUNDLE_GOAL_KIB} KiB gzip`,
        met: bundle.gzip_kib <= BUNDLE_GOAL_KIB,
        data: { ...bundle },
      },
      {
        id: "5b",
        name: "start-up to first /healthz 200",
        value: `${ms(median(a))} (certgate - floor: ${ms(diffs.median)}, ${diffs.min.toFixed(0)}..${diffs.max.toFixed(0)})`,
        comparedTo: `floor worker, same objects ${ms(median(b))}; plain floor ${ms(median(c))} (objects cost ${ms(objectsCost.median)})`,
        goal: `<= ${STARTUP_GOAL_MS} ms over the floor`,
        met: diffs.median <= STARTUP_GOAL_MS,
        data: {
          certgate_ms: a.map((x) => round(x, 1)),
          floor_with_objects_ms: b.map((x) => round(x, 1)),
          plain_floor_ms: c.map((x) => round(x, 1)),
          objects_cost_ms: round(objectsCost.median, 1),
          difference_ms: {
            median: round(diffs.median, 1),
            min: round(diffs.min, 1),
            max: round(diffs.max, 1),
          },
        },
      },
    ];
  } finally {
    await up.close();
  }
}
