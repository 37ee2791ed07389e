/**
 * The part of autocannon 9's API the benchmarks use (the package ships no types and there is no
 * @types package for 9.x; adding one would be a dependency for four fields).
 */
declare module "autocannon" {
  interface AutocannonOptions {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    /** Each connection cycles through these (path and query; method and headers from above). */
    requests?: Array<{ path: string; method?: string }>;
  }
  interface AutocannonResult {
    /** Seconds the run measured. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    requests: { total: number; average: number };
  }
  interface AutocannonInstance extends PromiseLike<AutocannonResult> {
    on(
      event: "response",
      listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
    ): void;
    stop(): void;
  }
  function autocannon(options: AutocannonOptions): AutocannonInstance;
  export default autocannon;
}
