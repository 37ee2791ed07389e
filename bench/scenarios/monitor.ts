/// <reference types="node" />
/**
 * Figure 4: monitor runs (POST /v1/report/run, admin key) over 10, 100 and 500 zones of five packs
 * each, at BENCH_LATENCY_MS upstream latency. Per size and budget (Free 50, Paid 10,000 subrequests):
 * wall time of a run, upstream calls counted at the simulator vs the minimum the APIs allow
 * (per zone: ceil(packs / 50) list pages + 1 quota call = 2), KV operations counted through a
 * wrapped binding (kv-counter.ts), and runs until every zone has been checked once (rotation).
 */
import type { BenchContext } from "../lib/context";
import { type Figure, ms } from "../lib/figures";
import { apiKeysJson, benchKey } from "../lib/keys";
import { median, round } from "../lib/stats";
import { startUpstreams, workerBindings } from "../lib/upstreams";
import { startWorker } from "../lib/worker";

const PACKS_PER_ZONE = 5;
const MIN_CALLS_PER_ZONE = Math.ceil(PACKS_PER_ZONE / 50) + 1;
const BUDGETS = [
  { plan: "Free", budget: 50 },
  { plan: "Paid", budget: 10_000 },
] as const;

interface RunView {
  run?: { duration_ms?: number; subrequests?: { used?: number; upstream?: number } };
  totals?: { checked?: number; scopes?: number };
  scopes?: Array<{ last_checked_at?: string | null }>;
}

export async function monitorRuns(ctx: BenchContext): Promise<Figure[]> {
  const { options } = ctx;
  const sizes = options.quick ? [10, 100] : [10, 100, 500];
  const up = await startUpstreams({ zones: Math.max(...sizes), latencyMs: options.latencyMs });
  const admin = await benchKey("bench-admin", ["admin"]);
  const figures: Figure[] = [];
  try {
    for (const n of sizes) {
      for (const { plan, budget } of BUDGETS) {
        const worker = await startWorker({
          countKv: true,
          bindings: workerBindings(up, up.zones.slice(0, n), apiKeysJson(admin), {
            MONITOR_SUBREQUEST_BUDGET: String(budget),
          }),
        });
        try {
          const kv = worker.kv;
          const wall: number[] = [];
          const calls: number[] = [];
          const checked: number[] = [];
          const cacheWrites: number[] = [];
          const stateWrites: number[] = [];
          let covered = 0;
          let runs = 0;
          // Rotation needs ceil(2n / budget) runs; bounded so a regression cannot loop for long.
          const maxRuns = Math.ceil((MIN_CALLS_PER_ZONE * n) / Math.min(budget, 300)) + 5;
          while (covered < n && runs < maxRuns) {
            kv?.reset();
            const before = up.cloudflare.count();
            const t0 = performance.now();
            const res = await fetch(`${worker.url}/v1/report/run`, {
              method: "POST",
              headers: admin.headers,
            });
            const body = (await res.json()) as { result?: RunView };
            // Cache refreshes finish through waitUntil after the answer; let them land before counting.
            await new Promise((r) => setTimeout(r, 200));
            wall.push(performance.now() - t0 - 200);
            if (res.status !== 200)
              throw new Error(`report run answered ${res.status}: ${worker.logTail().slice(-500)}`);
            runs += 1;
            calls.push(up.cloudflare.count() - before);
            checked.push(body.result?.totals?.checked ?? 0);
            const counts = kv?.snapshot() ?? {};
            cacheWrites.push(counts.CACHE?.put ?? 0);
            stateWrites.push(counts.STATE?.put ?? 0);
            covered = (body.result?.scopes ?? []).filter((s) => typeof s.last_checked_at === "string").length;
          }
          const totalCalls = calls.reduce((a, b) => a + b, 0);
          const totalChecked = checked.reduce((a, b) => a + b, 0);
          const minimum = MIN_CALLS_PER_ZONE * totalChecked;
          ctx.log(
            `  [4] ${n} zones, ${plan} budget ${budget}: ${runs} run(s) to cover ${covered}/${n}; first run ${wall[0]?.toFixed(0)} ms, ${calls[0]} calls, ${checked[0]} zones checked; KV puts CACHE ${cacheWrites[0]} STATE ${stateWrites[0]}`,
          );
          figures.push({
            id: `4.${n}.${plan.toLowerCase()}`,
            name: `monitor, ${n} zones, ${plan} (budget ${budget})`,
            value: `run ${ms(median(wall))}; ${calls[0]} calls for ${checked[0]} zones; KV puts/run ${cacheWrites[0]} CACHE + ${stateWrites[0]} STATE; full coverage in ${covered === n ? runs : `>${runs}`} run(s)`,
            comparedTo: `minimum ${MIN_CALLS_PER_ZONE}/zone: ${MIN_CALLS_PER_ZONE * (checked[0] ?? 0)} calls; all runs ${totalCalls} vs ${minimum}`,
            goal: `calls <= budget ${budget}`,
            met: calls.every((c) => c <= budget) && covered === n,
            data: {
              zones: n,
              plan,
              budget,
              upstream_latency_ms: options.latencyMs,
              runs_to_full_coverage: covered === n ? runs : null,
              wall_ms_per_run: wall.map((w) => round(w, 1)),
              upstream_calls_per_run: calls,
              zones_checked_per_run: checked,
              minimum_calls_for_checked: minimum,
              total_calls: totalCalls,
              kv_puts_per_run: { CACHE: cacheWrites, STATE: stateWrites },
            },
          });
        } finally {
          await worker.dispose();
        }
      }
    }
    return figures;
  } finally {
    await up.close();
  }
}
