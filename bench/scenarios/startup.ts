/// <reference types="node" />
/**
 * Figure 5: bundle size (gzip, as wrangler reports it) vs the platform's script limits (domain.md:
 * 3 MB Free / 10 MB Paid, gzip), and start-up: time from `new Miniflare(...)` to the first /healthz
 * 200, certgate vs the floor worker (same Miniflare and workerd start, a trivial script), in
 * alternation; the difference is what certgate's bundle costs to load and evaluate.
 */
import type { BundleInfo } from "../lib/build";
import type { BenchContext } from "../lib/context";
import { type Figure, ms } from "../lib/figures";
import { apiKeysJson, benchKey } from "../lib/keys";
import { median, round, spread } from "../lib/stats";
import { startUpstreams, workerBindings } from "../lib/upstreams";
import { type StartWorkerOptions, startWorker } from "../lib/worker";

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
      scriptPath: "bench/floor-worker.js",
      bindings: { FLOOR_KEY: "x" },
      kvNamespaces: ["CACHE"],
    };
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < options.pairs; i++) {
      // certgate: /healthz 200. The floor has no health route: its first answer of any status counts.
      const order = i % 2 === 0 ? ["a", "b"] : ["b", "a"];
      for (const which of order) {
        if (which === "a") a.push(await timeToReady(certgate, "/healthz", (s) => s === 200));
        else b.push(await timeToReady(floor, "/", (s) => s > 0));
      }
      ctx.log(`  [5] pair ${i + 1}: certgate ${a.at(-1)?.toFixed(0)} ms, floor ${b.at(-1)?.toFixed(0)} ms`);
    }
    const diffs = spread(a.map((x, i) => x - (b[i] ?? Number.NaN)));
    return [
      {
        id: "5",
        name: "bundle size (gzip)",
        value: `${bundle.gzip_kib.toFixed(1)} KiB gzip (${bundle.upload_kib.toFixed(1)} KiB raw)`,
        comparedTo: "Workers script limit 3 MB Free / 10 MB Paid (gzip)",
        goal: "< 3 MB",
        met: bundle.gzip_kib < 3 * 1024,
        data: { ...bundle },
      },
      {
        id: "5b",
        name: "start-up to first /healthz 200",
        value: `${ms(median(a))} (certgate - floor: ${ms(diffs.median)}, ${diffs.min.toFixed(0)}..${diffs.max.toFixed(0)})`,
        comparedTo: `floor worker ${ms(median(b))} (same Miniflare start)`,
        goal: null,
        met: null,
        data: {
          certgate_ms: a.map((x) => round(x, 1)),
          floor_ms: b.map((x) => round(x, 1)),
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
