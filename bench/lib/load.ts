/// <reference types="node" />
/**
 * autocannon (a real HTTP load generator over real sockets) with every response's latency recorded
 * from its `response` event, so percentiles are exact (autocannon's own histogram has 1 ms steps).
 * Every run is bounded: by `durationSeconds`, and by `amount` when given.
 */
import autocannon from "autocannon";
import { percentile } from "./stats";

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  method?: "GET" | "POST";
  connections: number;
  durationSeconds: number;
  /** Stop after this many requests (the duration still bounds the run). */
  amount?: number;
  /** Paths (with query) each connection cycles through, instead of `url`'s own path. */
  paths?: string[];
  /** Which statuses count as answered (default 2xx); e.g. 200 and 304 for revalidation. */
  ok?: (status: number) => boolean;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  /** Answers not accepted by `ok` (the name predates `ok`: by default, the non-2xx ones). */
  non2xx: number;
  errors: number;
  latencies: number[];
  /** Answers by status, accepted or not. */
  statuses: Record<number, number>;
  /** Raw bytes read from the socket for accepted answers (status line, headers and body). */
  okBytes: number;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  let okBytes = 0;
  const statuses: Record<number, number> = {};
  const accepted = options.ok ?? ((status: number) => status >= 200 && status < 300);
  const instance = autocannon({
    url: options.url,
    method: options.method ?? "GET",
    headers: options.headers ?? {},
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.amount !== undefined ? { amount: options.amount } : {}),
    ...(options.paths !== undefined ? { requests: options.paths.map((path) => ({ path })) } : {}),
    timeout: 30,
  });
  instance.on("response", (_client: unknown, statusCode: number, bytes: number, responseTime: number) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (accepted(statusCode)) {
      latencies.push(responseTime);
      okBytes += bytes;
    } else non2xx += 1;
  });
  const result = await instance;
  const ok = latencies.length;
  return {
    requests: ok,
    // Successful answers per second over autocannon's measured window.
    rps: ok / Math.max(result.duration, 1e-3),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    mean: ok === 0 ? Number.NaN : latencies.reduce((a, b) => a + b, 0) / ok,
    non2xx,
    errors: result.errors + result.timeouts,
    latencies,
    statuses,
    okBytes,
  };
}
