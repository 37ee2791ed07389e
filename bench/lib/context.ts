/** What every scenario gets: the run's options (env), and where to print progress. */

export interface BenchOptions {
  /** BENCH_QUICK=1: fewer pairs, shorter runs, smaller sizes (a smoke run). */
  quick: boolean;
  /** A/B pairs per comparison (BENCH_PAIRS, default 5; quick 2). */
  pairs: number;
  /** Seconds per autocannon throughput run (BENCH_DURATION, default 4; quick 1). */
  durationSeconds: number;
  /** Upstream latency for the miss, aggregate, monitor and coalescing figures (BENCH_LATENCY_MS, 50). */
  latencyMs: number;
  /** Connections for throughput runs (BENCH_CONNECTIONS, default 10). */
  connections: number;
  /** Scenarios to run (BENCH_ONLY=cache,miss,...; default all). */
  only: Set<string> | null;
}

export interface BenchContext {
  options: BenchOptions;
  log(line: string): void;
}

const int = (value: string | undefined, def: number, min: number, max: number): number => {
  const n = value === undefined || value === "" ? def : Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`expected an integer in ${min}..${max}, got ${value}`);
  return n;
};

export function optionsFromEnv(env: NodeJS.ProcessEnv): BenchOptions {
  const quick = env.BENCH_QUICK === "1" || env.BENCH_QUICK === "true";
  const only = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(",").map((s) => s.trim())) : null;
  return {
    quick,
    pairs: int(env.BENCH_PAIRS, quick ? 2 : 5, 1, 21),
    durationSeconds: int(env.BENCH_DURATION, quick ? 1 : 4, 1, 30),
    latencyMs: int(env.BENCH_LATENCY_MS, 50, 0, 2_000),
    connections: int(env.BENCH_CONNECTIONS, 10, 1, 200),
    only,
  };
}
