/**
 * Fixtures for the list cache tests: a request-like context over a KV namespace with a collecting
 * `waitUntil`, counting loaders, a KV wrapper that fails on demand, and a timer the test fires.
 */
import { env } from "cloudflare:test";
import * as z from "zod";
import type { CacheContext, CacheKey, ReadRequest } from "../../src/cache";
import type { Timer } from "../../src/cache/kv-guard";
import { createLogger } from "../../src/logger";
import { type TestDeps, testDeps } from "../helpers/deps";

export const WINDOWS = { freshSeconds: 60, staleSeconds: 3_600 };

const ItemSchema = z.object({ id: z.string(), name: z.string() });
export type Item = z.infer<typeof ItemSchema>;
export const parseItem = (value: unknown): Item | null => {
  const parsed = ItemSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
};
export const items = (...names: string[]): Item[] => names.map((name, i) => ({ id: String(i + 1), name }));

/** A fresh scope per test: tests of one file share the KV namespace and must not see each other. */
export function uniqueKey(provider = "cloudflare"): CacheKey {
  return { scope: { provider, id: crypto.randomUUID() } };
}

export interface Harness {
  ctx: CacheContext;
  deps: TestDeps;
  /** Awaits every promise handed to `waitUntil`, including ones added while waiting. */
  flush: () => Promise<void>;
  warnings: () => Array<Record<string, unknown>>;
}

export function harness(kv: KVNamespace = env.CACHE, deps: TestDeps = testDeps()): Harness {
  const pending: Promise<unknown>[] = [];
  const ctx: CacheContext = {
    kv,
    deps,
    windows: WINDOWS,
    waitUntil: (p) => {
      pending.push(p);
    },
    logger: createLogger(deps),
  };
  return {
    ctx,
    deps,
    flush: async () => {
      while (pending.length > 0) await Promise.allSettled(pending.splice(0));
    },
    warnings: () => deps.logs.filter((r) => r.level === "warn"),
  };
}

/** A loader that answers the current `answer` (or throws it) and counts its calls. */
export function loader<T>(initial: T[] | Error) {
  const state = { calls: 0, answer: initial };
  const load = async (): Promise<T[]> => {
    state.calls++;
    if (state.answer instanceof Error) throw state.answer;
    return state.answer;
  };
  return Object.assign(state, { load });
}

/** A loader whose calls stay pending until the test settles them, in order. */
export function deferredLoader<T>() {
  const calls: Array<{ resolve: (items: T[]) => void; reject: (e: unknown) => void }> = [];
  const load = () =>
    new Promise<T[]>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { load, calls };
}

export function request(key: CacheKey, load: () => Promise<Item[]>, bypass = false): ReadRequest<Item> {
  return { key, load, parse: parseItem, bypass };
}

/** Seeds KV with an entry fetched at `fetchedAt` (what another isolate or an earlier request stored). */
export async function seed(key: string, list: unknown[], fetchedAt: number, kv: KVNamespace = env.CACHE) {
  await kv.put(key, JSON.stringify({ v: 1, fetched_at: fetchedAt, items: list }));
}

export type Fault = "throw" | "hang" | "rate_limit";

/** The real KV, except for the operations given a fault. Records puts' options and counts finished gets. */
export function faultyKv(
  faults: Partial<Record<"get" | "put" | "delete", Fault>>,
  base: KVNamespace = env.CACHE,
) {
  const puts: Array<{ key: string; options: KVNamespacePutOptions | undefined }> = [];
  const gets = { done: 0 };
  const fail = (fault: Fault): Promise<never> => {
    if (fault === "hang") return new Promise<never>(() => {});
    if (fault === "rate_limit") return Promise.reject(new Error("KV PUT failed: 429 Too Many Requests"));
    return Promise.reject(new Error("KV GET failed: 500 Internal Server Error"));
  };
  const kv = {
    get: async (key: string) => {
      try {
        return await (faults.get ? fail(faults.get) : base.get(key, "text"));
      } finally {
        gets.done++;
      }
    },
    put: (key: string, value: string, options?: KVNamespacePutOptions) => {
      puts.push({ key, options });
      return faults.put ? fail(faults.put) : base.put(key, value, options);
    },
    delete: (key: string) => (faults.delete ? fail(faults.delete) : base.delete(key)),
  };
  // Only get(key, "text"), put and delete are used by the cache; the rest of the interface is absent.
  return { kv: kv as unknown as KVNamespace, puts, gets };
}

/** A timer that fires only when the test says so; records the bounds asked for. */
export function manualTimer() {
  const armed: Array<{ ms: number; fire: () => void; cancelled: boolean }> = [];
  const timer: Timer = (ms) => {
    let fire = () => {};
    const fired = new Promise<void>((resolve) => {
      fire = resolve;
    });
    const t = { ms, fire, cancelled: false };
    armed.push(t);
    return { fired, cancel: () => (t.cancelled = true) };
  };
  return {
    timer,
    armed,
    fireAll: () => {
      for (const t of armed) if (!t.cancelled) t.fire();
    },
  };
}

/** Lets pending microtasks and KV calls run without advancing the test clock. */
export const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Yields until `done()` holds (KV calls of the test runtime finish in a few event-loop turns). */
export async function until(done: () => boolean) {
  for (let i = 0; i < 1_000 && !done(); i++) await tick();
  if (!done()) throw new Error("condition not reached");
}
