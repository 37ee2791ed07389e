/// <reference types="node" />
/**
 * `npm run bench`: builds the bundle, serves it with Miniflare on loopback against the sandbox
 * simulators, drives it with autocannon and prints one table (plus bench/results/latest.json).
 * Every comparison is A vs B served side by side and measured in alternation; see README "Benchmarks".
 * Options (env): BENCH_QUICK=1, BENCH_PAIRS, BENCH_DURATION, BENCH_LATENCY_MS, BENCH_CONNECTIONS,
 * BENCH_ONLY=build,cache,poll,miss,aggregate,monitor,startup,coalescing,budget,metrics,cpu, BENCH_OUT (JSON path).
 * Scenario names may also be given as arguments: `npm run bench -- budget` runs only that one.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle } from "./lib/build";
import { type BenchContext, optionsFromEnv } from "./lib/context";
import { type Figure, formatTable } from "./lib/figures";
import { machineInfo } from "./lib/machine";
import { aggregate } from "./scenarios/aggregate";
import { budget } from "./scenarios/budget";
import { cacheHit } from "./scenarios/cache-hit";
import { coalescing } from "./scenarios/coalescing";
import { cpu } from "./scenarios/cpu";
import { metricsScrape } from "./scenarios/metrics-scrape";
import { missLatency } from "./scenarios/miss-latency";
import { monitorRuns } from "./scenarios/monitor";
import { poll } from "./scenarios/poll";
import { startup } from "./scenarios/startup";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

async function main(): Promise<number> {
  process.chdir(root);
  const named = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const options = optionsFromEnv(
    named.length > 0 ? { ...process.env, BENCH_ONLY: named.join(",") } : process.env,
  );
  const ctx: BenchContext = { options, log: (line) => console.error(line) };
  const wants = (name: string) => options.only === null || options.only.has(name);
  const started = Date.now();
  const figures: Figure[] = [];
  const failures: Array<{ scenario: string; error: string }> = [];

  ctx.log(`bench: building the bundle (wrangler deploy --dry-run --outdir dist) ...`);
  const bundle = await buildBundle(root);
  const scenarios: Array<[string, (c: BenchContext) => Promise<Figure[]>]> = [
    ["cache", cacheHit],
    ["poll", poll],
    ["miss", missLatency],
    ["aggregate", aggregate],
    ["monitor", monitorRuns],
    ["startup", (c) => startup(c, bundle)],
    ["coalescing", coalescing],
    ["budget", budget],
    ["metrics", metricsScrape],
    ["cpu", cpu],
  ];
  for (const [name, scenario] of scenarios) {
    if (!wants(name)) continue;
    const t0 = Date.now();
    ctx.log(`bench: ${name} ...`);
    try {
      figures.push(...(await scenario(ctx)));
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failures.push({ scenario: name, error: message });
      ctx.log(`bench: ${name} FAILED: ${message}`);
    }
    ctx.log(`bench: ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  const machine = machineInfo();
  const totalSeconds = (Date.now() - started) / 1000;
  console.log(
    `\ncertgate benchmarks (${options.quick ? "QUICK smoke run, " : ""}${options.pairs} pairs, ${options.durationSeconds} s runs, upstream latency ${options.latencyMs} ms)`,
  );
  console.log(
    `machine: ${machine.cpu_model} x${machine.cpu_count}, ${machine.os}, node ${machine.node}, ${machine.date}\n`,
  );
  console.log(formatTable(figures));
  for (const f of failures) console.log(`\nscenario ${f.scenario} failed: ${f.error.split("\n")[0]}`);
  console.log(`\ntotal ${totalSeconds.toFixed(0)} s`);

  const out = process.env.BENCH_OUT ?? join(root, "bench", "results", "latest.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        machine,
        options: { ...options, only: options.only ? [...options.only] : null },
        bundle,
        total_seconds: Math.round(totalSeconds),
        figures,
        failures,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`results: ${out}`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
