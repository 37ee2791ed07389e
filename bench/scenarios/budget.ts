/// <reference types="node" />
/**
 * Figure 7: the shared upstream budget under a noisy key (docs/budget.md).
 *
 * 7: against a scaled-down budget (CLOUDFLARE_BUDGET_PER_5MIN = BUDGET, and Cloudflare's simulated limit
 *    1.25x that: certgate's default 80 %), one read key sends uncached reads (no-cache lists, quotas,
 *    single packs, /v1) at 10x its allowance (KEY_UPSTREAM_PER_MINUTE) for 60 s (BENCH_QUICK: 20 s),
 *    while three other keys read at their own pace, then a manual monitor run. Counted at the simulator:
 *    upstream calls vs the budget (goal: never over), Cloudflare's 429s (goal: none), and the other keys'
 *    and the monitor's success rate (goal: 100 %).
 * 7b: the governor's cost on a miss: p50 of uncached single-pack reads (each one upstream call, never
 *    coalesced) through a worker with the UPSTREAM_BUDGET binding vs the same bundle without it, on the
 *    same upstreams, one connection, measured in alternation (goal: <= 1 ms added).
 */
import { cloudflareRateLimit } from "../../sandbox/index";
import type { BenchContext } from "../lib/context";
import { type Figure, ms } from "../lib/figures";
import { apiKeysJson, type BenchKey, benchKey } from "../lib/keys";
import { type LoadResult, load } from "../lib/load";
import { round, spread } from "../lib/stats";
import { startUpstreams, type Upstreams, workerBindings } from "../lib/upstreams";
import { startWorker } from "../lib/worker";

const ZONES = 8;
/** Calls per 5 minutes certgate may make: scaled down from 960 so a minute's run can reach it. */
const BUDGET = 120;
const KEY_PER_MINUTE = 20;
/** The noisy key's pace: 10x its allowance. */
const NOISY_INTERVAL_MS = 60_000 / (KEY_PER_MINUTE * 10);
const POLITE_KEYS = 3;
const POLITE_INTERVAL_MS = 2_000;

interface Tally {
  sent: number;
  ok: number;
  refused: number;
  other: number;
  retryAfterMissing: number;
}

const tally = (): Tally => ({ sent: 0, ok: 0, refused: 0, other: 0, retryAfterMissing: 0 });

async function read(url: string, key: BenchKey, noCache: boolean, into: Tally): Promise<void> {
  into.sent += 1;
  try {
    const res = await fetch(url, {
      headers: { ...key.headers, ...(noCache ? { "cache-control": "no-cache" } : {}) },
    });
    await res.arrayBuffer();
    if (res.status === 200) into.ok += 1;
    else if (res.status === 429) {
      into.refused += 1;
      if (!res.headers.get("retry-after")) into.retryAfterMissing += 1;
    } else into.other += 1;
  } catch {
    into.other += 1;
  }
}

/** Every `intervalMs` until `until`, the next path of `paths` (not waiting for the previous answer). */
async function pace(
  base: string,
  paths: readonly string[],
  key: BenchKey,
  noCache: boolean,
  intervalMs: number,
  until: number,
  into: Tally,
): Promise<void> {
  const inflight: Promise<void>[] = [];
  for (let i = 0; Date.now() < until; i++) {
    inflight.push(read(`${base}${paths[i % paths.length]}`, key, noCache, into));
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  await Promise.all(inflight);
}

function readPaths(up: Upstreams): string[] {
  const native = (z: string) => `/cloudflare/client/v4/zones/${z}/ssl/certificate_packs`;
  return up.zones.flatMap((z, i) => {
    const pack = up.cloudflare.packs(z)[i % 5]?.id ?? "";
    return [
      `${native(z)}?status=all`,
      `${native(z)}/quota`,
      `${native(z)}/${pack}`,
      `/v1/certificates?zone=${z}`,
    ];
  });
}

async function noisyKey(ctx: BenchContext): Promise<Figure> {
  const seconds = ctx.options.quick ? 20 : 60;
  const up = await startUpstreams({
    zones: ZONES,
    latencyMs: ctx.options.latencyMs,
    cloudflareRateLimit: cloudflareRateLimit((BUDGET * 1.25) / 1200),
  });
  const noisy = await benchKey("noisy", ["certificates:read"]);
  const polite = await Promise.all(
    Array.from({ length: POLITE_KEYS }, (_, i) => benchKey(`polite-${i}`, ["certificates:read"])),
  );
  const admin = await benchKey("bench-admin", ["admin"]);
  const worker = await startWorker({
    budget: true,
    bindings: workerBindings(up, up.zones, apiKeysJson(noisy, admin, ...polite), {
      CLOUDFLARE_BUDGET_PER_5MIN: String(BUDGET),
      KEY_UPSTREAM_PER_MINUTE: String(KEY_PER_MINUTE),
    }),
  });
  try {
    const paths = readPaths(up);
    const until = Date.now() + seconds * 1000;
    const noisyTally = tally();
    const politeTally = tally();
    await Promise.all([
      pace(worker.url, paths, noisy, true, NOISY_INTERVAL_MS, until, noisyTally),
      ...polite.map((key, i) =>
        pace(
          worker.url,
          [...paths.slice(i * 4), ...paths.slice(0, i * 4)],
          key,
          false,
          POLITE_INTERVAL_MS,
          until,
          politeTally,
        ),
      ),
    ]);
    const keyCalls = up.cloudflare.count();
    const run = await fetch(`${worker.url}/v1/report/run`, { method: "POST", headers: admin.headers });
    const report = (await run.json()) as {
      result?: { scopes?: Array<{ provider: string; outcome: string }> };
    };
    const checked = (report.result?.scopes ?? []).filter(
      (s) => s.provider === "cloudflare" && s.outcome === "checked",
    );
    const calls = up.cloudflare.count();
    const cloudflare429 = up.cloudflareStatuses.get(429) ?? 0;
    const politeRate = politeTally.sent === 0 ? 0 : politeTally.ok / politeTally.sent;
    const monitorOk = run.status === 200 && checked.length === ZONES;
    ctx.log(
      `  [7] ${seconds} s: noisy sent ${noisyTally.sent} (ok ${noisyTally.ok}, 429 ${noisyTally.refused}, other ${noisyTally.other}); polite ${politeTally.ok}/${politeTally.sent}; upstream calls ${keyCalls} by keys + ${calls - keyCalls} by the monitor (budget ${BUDGET}); Cloudflare 429s ${cloudflare429}; monitor ${run.status}, ${checked.length}/${ZONES} zones`,
    );
    return {
      id: "7",
      name: `noisy key at 10x its allowance for ${seconds} s (budget ${BUDGET}/5 min, key ${KEY_PER_MINUTE}/min)`,
      value: `${calls} upstream calls (keys ${keyCalls}, monitor ${calls - keyCalls}); Cloudflare 429s ${cloudflare429}; other keys ${round(politeRate * 100, 1)} % ok; monitor ${monitorOk ? "ok" : "FAILED"}; noisy refused ${noisyTally.refused}/${noisyTally.sent}`,
      comparedTo: `budget ${BUDGET} per 5 minutes (keys ${BUDGET - Math.ceil(BUDGET * 0.2)}), Cloudflare's simulated limit ${Math.round(BUDGET * 1.25)}`,
      goal: "calls <= budget, 0 upstream 429s, other keys 100 %",
      met:
        calls <= BUDGET &&
        cloudflare429 === 0 &&
        politeRate === 1 &&
        monitorOk &&
        noisyTally.retryAfterMissing === 0 &&
        noisyTally.other === 0,
      data: {
        seconds,
        budget_per_5min: BUDGET,
        key_upstream_per_minute: KEY_PER_MINUTE,
        upstream_calls: calls,
        upstream_calls_by_keys: keyCalls,
        cloudflare_429: cloudflare429,
        noisy: noisyTally,
        polite: politeTally,
        monitor: { status: run.status, zones_checked: checked.length, zones: ZONES },
      },
    };
  } finally {
    await worker.dispose();
    await up.close();
  }
}

async function governorCost(ctx: BenchContext): Promise<Figure> {
  const { options } = ctx;
  const up = await startUpstreams({ zones: 20, latencyMs: options.latencyMs });
  const reader = await benchKey("bench-reader", ["certificates:read"]);
  // Nothing may refuse here: the cost of asking is measured, not refusals.
  const bindings = workerBindings(up, up.zones, apiKeysJson(reader), {
    CACHE_MIN_REFRESH_SECONDS: "0",
    CLOUDFLARE_BUDGET_PER_5MIN: "none",
    KEY_UPSTREAM_PER_MINUTE: "100000",
  });
  const governed = await startWorker({ bindings, budget: true });
  const plain = await startWorker({ bindings, budget: false });
  try {
    const paths = up.zones.flatMap((z) =>
      up.cloudflare.packs(z).map((p) => `/cloudflare/client/v4/zones/${z}/ssl/certificate_packs/${p.id}`),
    );
    const headers = { ...reader.headers, "cache-control": "no-cache" };
    const results: Record<"governed" | "plain", LoadResult[]> = { governed: [], plain: [] };
    const seconds = Math.max(1, options.durationSeconds - 1);
    for (let i = 0; i < options.pairs; i++) {
      const order = i % 2 === 0 ? (["governed", "plain"] as const) : (["plain", "governed"] as const);
      for (const s of order) {
        const url = s === "governed" ? governed.url : plain.url;
        const before = up.cloudflare.count();
        const r = await load({ url: `${url}/`, paths, headers, connections: 1, durationSeconds: seconds });
        results[s].push(r);
        ctx.log(
          `  [7b] pair ${i + 1} ${s.padEnd(8)} n=${r.requests} (${up.cloudflare.count() - before} upstream) p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms`,
        );
      }
    }
    const d50 = spread(results.governed.map((r, i) => r.p50 - (results.plain[i]?.p50 ?? Number.NaN)));
    const med = (s: "governed" | "plain") => spread(results[s].map((r) => r.p50)).median;
    const errors = [...results.governed, ...results.plain].reduce((n, r) => n + r.errors + r.non2xx, 0);
    return {
      id: "7b",
      name: `governor: added latency on a miss (upstream ${options.latencyMs} ms)`,
      value: `p50 +${ms(d50.median)} (${d50.min.toFixed(2)}..${d50.max.toFixed(2)})`,
      comparedTo: `the same miss without the binding: p50 ${ms(med("plain"))} (governed ${ms(med("governed"))})`,
      goal: "p50 <= 1 ms",
      met: errors === 0 ? d50.median <= 1 : null,
      data: {
        pairs: options.pairs,
        p50_added_ms: { median: round(d50.median, 3), min: round(d50.min, 3), max: round(d50.max, 3) },
        governed_p50: round(med("governed"), 3),
        plain_p50: round(med("plain"), 3),
        samples: {
          governed: results.governed.reduce((n, r) => n + r.requests, 0),
          plain: results.plain.reduce((n, r) => n + r.requests, 0),
        },
        errors,
      },
    };
  } finally {
    await governed.dispose();
    await plain.dispose();
    await up.close();
  }
}

export async function budget(ctx: BenchContext): Promise<Figure[]> {
  return [await noisyKey(ctx), await governorCost(ctx)];
}
