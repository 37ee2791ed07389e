/**
 * Time for the simulators. Every simulator takes `now: () => number` (epoch ms) so tests drive the
 * state machines (pack issuance, deletion retention, expiry) without waiting, and `sleep` so latency
 * faults cost no wall time in tests.
 */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type Now = () => number;

/** Waits `ms`; rejects with the signal's reason when it aborts first (as fetch does). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const systemNow: Now = () => Date.now();

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Resolves at once (still honouring an already-aborted signal): for tests that assert on faults, not on time. */
export const instantSleep: Sleep = async (_ms, signal) => {
  if (signal?.aborted) throw signal.reason;
};

export interface ManualClock {
  now: Now;
  /** Moves time forward by `ms` and returns the new time. */
  advance(ms: number): number;
  set(ms: number): void;
}

/** A clock that only moves when told to. Default start: 2026-01-15T12:00:00Z (a fixed, readable instant). */
export function createManualClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
      return current;
    },
    set(ms) {
      current = ms;
    },
  };
}

/** Cloudflare prints second-precision UTC timestamps ("2024-01-01T00:00:00Z", seed 003). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
