/**
 * One upstream load per key per isolate at a time, shared by misses, bypasses and the background
 * refresh, and invalidations that win over loads in flight.
 *
 * `invalidate()` bumps the key's generation and forgets the in-flight load, so a list that started before
 * a write can neither be shared with requests after the write nor stored over the invalidation (the
 * store asks `current()` again right before it writes). The key's invalidation time is kept too: entries
 * fetched before it are not served here as HIT or STALE (freshness.ts).
 *
 * The last failed load per key is kept until the next success or invalidation: a STALE read reports it,
 * and its Retry-After holds background refreshes off.
 *
 * Per-isolate state, one slot per key: bounded by the number of configured scopes (the service
 * authorizes a scope before any cache call).
 */

export interface Flight {
  generation: number;
  promise: Promise<unknown>;
  /** The upstream answered (the flight lingers until its KV write settles). */
  loaded: boolean;
}

export interface Failure {
  error: unknown;
  /** No background refresh before this time (epoch ms). */
  retryAt: number;
}

export function createCoalescer() {
  const generations = new Map<string, number>();
  const invalidatedAt = new Map<string, number>();
  const inflight = new Map<string, Flight>();
  const failures = new Map<string, Failure>();
  const generationOf = (k: string) => generations.get(k) ?? 0;

  return {
    generation: generationOf,
    invalidatedAt: (k: string) => invalidatedAt.get(k) ?? null,
    failure: (k: string) => failures.get(k),

    /**
     * The load in flight for `k` in its current generation, to join. A no-cache request must reach the
     * origin (RFC 9111 §5.2.1.4): it may join a load still waiting for the upstream, never one that
     * already answered before the request arrived.
     */
    joinable(k: string, bypass: boolean): Promise<unknown> | null {
      const current = inflight.get(k);
      const generation = generationOf(k);
      if (current && current.generation === generation && !(bypass && current.loaded)) {
        return current.promise;
      }
      return null;
    },

    /** Registers `promise` (the upstream load) as k's flight of `generation`, for later reads to join. */
    start(k: string, generation: number, promise: Promise<unknown>): Flight {
      const flight: Flight = { generation, promise, loaded: false };
      inflight.set(k, flight);
      promise.then(
        () => {
          flight.loaded = true;
        },
        () => undefined,
      );
      return flight;
    },

    /**
     * `settled` is the flight's load and its KV write; the returned promise ends when the flight is gone,
     * for the starting request's `waitUntil`.
     */
    finish(k: string, flight: Flight, settled: Promise<unknown>): Promise<unknown> {
      return settled.finally(() => {
        // Kept until the write settles: reads meanwhile join the finished load instead of loading again.
        if (inflight.get(k) === flight) inflight.delete(k);
      });
    },

    /**
     * Forgets `flight` at once (if it is still k's): its failure belongs to the caller that started it
     * (a key over its own allowance), so a waiter must load with its own allowance, not join it again.
     */
    abandon(k: string, flight: Flight): void {
      if (inflight.get(k) === flight) inflight.delete(k);
    },

    succeeded(k: string): void {
      failures.delete(k);
    },

    failed(k: string, failure: Failure): void {
      failures.set(k, failure);
    },

    invalidate(k: string, now: number): void {
      generations.set(k, generationOf(k) + 1);
      invalidatedAt.set(k, now);
      inflight.delete(k);
      failures.delete(k);
    },
  };
}

export type Coalescer = ReturnType<typeof createCoalescer>;
