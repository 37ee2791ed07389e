/**
 * What certgate takes from the outside world. Production passes the platform's own; tests pass the
 * sandbox simulators as `fetch`, a controllable clock as `now`, and a capturing `log`.
 * Nothing in src/ reads `globalThis.fetch`, `Date.now()` or `console` directly except index.ts.
 */
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

export interface Deps {
  /** Outbound HTTP: upstream APIs, Access JWKS and alert webhooks. */
  fetch: FetchLike;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Uniform in [0, 1): backoff jitter. */
  random: () => number;
  /** Waits `ms` (backoff between retries). Tests make it instant. */
  sleep: (ms: number) => Promise<void>;
  /** One structured log record; the caller has already redacted it. */
  log: (record: Record<string, unknown>) => void;
}

export function productionDeps(): Deps {
  return {
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    random: () => Math.random(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (record) => console.log(JSON.stringify(record)),
  };
}
