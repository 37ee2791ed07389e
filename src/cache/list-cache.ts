/**
 * The list cache: one upstream scope's FULL list (every certificate of a zone or project, all pages) in
 * the `CACHE` KV namespace, so lists do not spend the upstreams' rate limits (Cloudflare allows 1,200
 * requests per 5 minutes per token: https://developers.cloudflare.com/fundamentals/api/reference/limits/).
 * It stores whole scopes, never per-caller views: filtering, paging and authorization happen per request,
 * after authorization, in the certificate service. Reference: docs/caching.md.
 *
 * This module composes three jobs: the freshness policy (freshness.ts, pure), one load per key at a time
 * with invalidations that win (coalescer.ts), and storage in KV and in the isolate's memory (store.ts).
 * The shared load is kept alive with the starting request's `waitUntil`, so a waiter from another request
 * is not left hanging if the first caller goes away.
 *
 * Propagation: KV shows a delete or write at once in the location that made it, and up to ~60 s later
 * elsewhere (https://developers.cloudflare.com/kv/concepts/how-kv-works/). A writer's next list in the same
 * location is a MISS with its change; a reader in another location may get the pre-write list as a HIT for
 * up to ~60 s more, plus at most the fresh window if an isolate there stored pre-write data after the
 * delete (KV has no compare-and-set). `get` passes `cacheTtl` when configured (KV_CACHE_TTL_SECONDS,
 * default 60 s, KV's own default): a longer edge cache would stretch exactly this delay. The writer's
 * isolate is unaffected either way: it never serves an entry fetched before its own invalidation
 * (freshness.ts), and an older KV copy never replaces a newer list it loaded (store.ts).
 *
 * A STALE read whose scope's last load failed in this isolate reports that failure too (`refreshFailed`,
 * `error`): the background refresh cannot reach the response that started it.
 */
import { isAppError } from "../errors";
import { emptyNotes } from "../model/list-notes";
import { createCoalescer } from "./coalescer";
import { encodeEntry, type ListEntry } from "./entry";
import { decideRead, isInvalidated, servableOnError } from "./freshness";
import { type CacheKey, cacheKey } from "./key";
import { createEntryStore, loggerOf } from "./store";
import type {
  CacheContext,
  CacheOutcome,
  ListCache,
  ListCacheOptions,
  ListRead,
  Loaded,
  PeekedList,
  ReadRequest,
} from "./types";

export { MAX_MEMORY_BYTES, MEMORY_CHARGE_PER_CHAR } from "./store";

export function createListCache(options: ListCacheOptions = {}): ListCache {
  const store = createEntryStore(options);
  const flights = createCoalescer();
  // Each entry object this isolate holds is one version (entries are never changed once made), so
  // an answer made from the same version is the same bytes: http/answers.ts memoizes by it.
  const versions = new WeakMap<ListEntry<unknown>, string>();
  let serial = 0;
  function versionOf(entry: ListEntry<unknown>): string {
    let version = versions.get(entry);
    if (version === undefined) {
      serial += 1;
      version = `${entry.fetchedAt.toString(36)}.${serial.toString(36)}`;
      versions.set(entry, version);
    }
    return version;
  }

  /** The one upstream load of `k` in this generation, started or joined. */
  function loadShared<T>(
    ctx: CacheContext,
    k: string,
    request: ReadRequest<T>,
  ): { promise: Promise<ListEntry<T>>; joined: boolean } {
    const joined = flights.joinable(k, request.bypass === true);
    // Sound: the key names the provider and the provider decides T, so every load of k yields T.
    if (joined) return { promise: joined as Promise<ListEntry<T>>, joined: true };
    const generation = flights.generation(k);
    const fetchedAt = ctx.deps.now();
    const previous = store.previousItems<T>(k);
    // The entry's text is made once, here: it sizes the memory charge and is what the store writes.
    let text = "";
    // `new Promise` turns a synchronous throw of `load` into a rejection like any other failure.
    const promise = new Promise<Loaded<T>>((resolve) => resolve(request.load(previous))).then(
      (loaded): ListEntry<T> => {
        const entry = Array.isArray(loaded)
          ? { fetchedAt, items: loaded, notes: emptyNotes() }
          : { fetchedAt, items: loaded.items, notes: loaded.notes };
        text = encodeEntry(entry);
        store.rememberLoaded(k, entry, text.length);
        return entry;
      },
    );
    const flight = flights.start(k, generation, promise);
    const sameGeneration = () => flights.generation(k) === generation;
    const settled = promise.then(
      (entry) => {
        flights.succeeded(k);
        // Stored only if no invalidation happened since the load started.
        return sameGeneration() ? store.write(ctx, k, entry, request.parse, sameGeneration, text) : undefined;
      },
      (error: unknown) => {
        // A refusal of the starter's own allowance says nothing about the scope: not remembered, and
        // nobody joins this load again (they load with their own allowance).
        if (isCallerRefusal(error)) flights.abandon(k, flight);
        else flights.failed(k, { error, retryAt: ctx.deps.now() + retryAfterMs(error) });
      },
    );
    // The starting request keeps the shared load (and its KV write) alive for every waiter.
    ctx.waitUntil(flights.finish(k, flight, settled));
    return { promise, joined: false };
  }

  function result<T>(
    ctx: CacheContext,
    entry: ListEntry<T>,
    outcome: CacheOutcome,
    error?: unknown,
  ): ListRead<T> {
    const out: ListRead<T> = {
      items: entry.items,
      notes: entry.notes,
      outcome,
      ageSeconds: Math.floor(Math.max(0, ctx.deps.now() - entry.fetchedAt) / 1000),
      stale: outcome === "STALE",
      fetchedAt: entry.fetchedAt,
      version: versionOf(entry),
      refreshFailed: error !== undefined,
    };
    if (error !== undefined) out.error = error;
    return out;
  }

  /** stale-if-error (RFC 5861 §4): a copy younger than the stale window, else the load's error. */
  function fallback<T>(
    ctx: CacheContext,
    k: string,
    entry: ListEntry<T> | null,
    error: unknown,
  ): ListRead<T> {
    if (entry && servableOnError(entry.fetchedAt, ctx.deps.now(), ctx.windows)) {
      loggerOf(ctx).log("warn", "cache_stale_if_error", { cache_key: k, error: describe(error) });
      return result(ctx, entry, "STALE", error ?? new Error("upstream load failed"));
    }
    throw error;
  }

  /** stale-while-revalidate (RFC 5861 §3): one background refresh. */
  function refreshInBackground<T>(ctx: CacheContext, k: string, request: ReadRequest<T>): void {
    const refresh = loadShared(ctx, k, request).promise.then(
      () => undefined,
      (error: unknown) =>
        loggerOf(ctx).log("warn", "cache_refresh_failed", { cache_key: k, error: describe(error) }),
    );
    ctx.waitUntil(refresh);
  }

  /**
   * What a read finds for `k` and what the policy makes of it. A bypass without a minimum refresh
   * interval reads KV only if its load fails (stale-if-error); with one, it reads the newest entry this
   * isolate or KV holds, to see whether a load just happened (its KV write may still be in flight).
   */
  async function inspect<T>(
    ctx: CacheContext,
    k: string,
    parse: (value: unknown) => T | null,
    bypass: boolean,
  ) {
    const minRefresh = (ctx.windows.minRefreshSeconds ?? 0) > 0;
    let entry: ListEntry<T> | null = null;
    if (!bypass) entry = await store.read(ctx, k, parse);
    else if (minRefresh) entry = newest(store.remembered<T>(k), await store.read(ctx, k, parse));
    const failure = flights.failure(k);
    const decision = decideRead({
      fetchedAt: entry?.fetchedAt ?? null,
      now: ctx.deps.now(),
      windows: ctx.windows,
      bypass,
      invalidatedAt: flights.invalidatedAt(k),
      refreshNotBefore: failure?.retryAt ?? null,
    });
    return { entry, decision, failure, readKvOnFailure: bypass && !minRefresh };
  }

  return {
    async read(ctx, request) {
      const k = cacheKey(request.key);
      const bypass = request.bypass === true;
      const { entry, decision, failure, readKvOnFailure } = await inspect(ctx, k, request.parse, bypass);
      if (entry && decision.action === "hit") return result(ctx, entry, "HIT");
      if (entry && decision.action === "stale") {
        if (decision.refresh) refreshInBackground(ctx, k, request);
        // The response cannot wait for the refresh; it reports the last one that failed, if any.
        return result(ctx, entry, "STALE", failure?.error);
      }
      const outcome = decision.action === "load" ? decision.outcome : "MISS";
      try {
        const load = loadShared(ctx, k, request);
        try {
          return result(ctx, await load.promise, outcome);
        } catch (error) {
          // Another caller's allowance refused the load this read joined: load with this one's own.
          if (!load.joined || !isCallerRefusal(error)) throw error;
          return result(ctx, await loadShared(ctx, k, request).promise, outcome);
        }
      } catch (error) {
        // A caller over its own allowance is told so (429): a stale copy would hide that it must slow down.
        if (isCallerRefusal(error)) throw error;
        return fallback(ctx, k, readKvOnFailure ? await store.read(ctx, k, request.parse) : entry, error);
      }
    },

    async lookup(ctx, key, parse, bypass = false) {
      const k = cacheKey(key);
      const { entry, decision } = await inspect(ctx, k, parse, bypass);
      return entry && decision.action === "hit" ? result(ctx, entry, "HIT") : null;
    },

    async previous(ctx, key, parse) {
      const k = cacheKey(key);
      return store.previousItems(k) ?? (await store.read(ctx, k, parse))?.items ?? null;
    },

    async peek<T>(
      ctx: Pick<CacheContext, "kv" | "deps" | "logger">,
      key: CacheKey,
      parse: (value: unknown) => T | null,
      options: { memoryOnly?: boolean } = {},
    ): Promise<PeekedList<T> | null> {
      const k = cacheKey(key);
      const stored = options.memoryOnly ? null : await store.read(ctx, k, parse);
      if (stored)
        return { items: stored.items, notes: stored.notes, fetchedAt: stored.fetchedAt, source: "kv" };
      // Sound: the key names the provider and the provider decides T (as for coalesced loads).
      const known = store.rememberedEntry(k) as ListEntry<T> | null;
      return known
        ? { items: known.items, notes: known.notes, fetchedAt: known.fetchedAt, source: "memory" }
        : null;
    },

    async store(ctx, request) {
      const k = cacheKey(request.key);
      const current = () => !isInvalidated(request.fetchedAt, flights.invalidatedAt(k));
      if (!current()) return "skipped_invalidated";
      const entry = {
        fetchedAt: request.fetchedAt,
        items: request.items,
        notes: request.notes ?? emptyNotes(),
      };
      return store.write(ctx, k, entry, request.parse, current);
    },

    async invalidate(ctx, key) {
      const k = cacheKey(key);
      flights.invalidate(k, ctx.deps.now());
      return store.remove(ctx, k);
    },

    memoryBytes: () => store.memoryBytes(),
  };
}

/** A refusal of the calling key's own allowance (upstream/governor.ts), not a failure of the scope. */
function isCallerRefusal(error: unknown): boolean {
  return isAppError(error) && error.code === "rate_limited";
}

/** The later of two entries of one key (null when neither exists). */
function newest<T>(a: ListEntry<T> | null, b: ListEntry<T> | null): ListEntry<T> | null {
  if (a === null) return b;
  if (b === null) return a;
  return b.fetchedAt > a.fetchedAt ? b : a;
}

/**
 * An upstream error's `retry_after` (seconds, AppError details): no background refresh of that scope
 * from this isolate before it passes. During Cloudflare's 5-minute lockout each refresh would only be
 * refused again. Without one, coalescing alone limits refreshes.
 */
function retryAfterMs(error: unknown): number {
  if (!isAppError(error)) return 0;
  const seconds = error.details.retry_after;
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/** An error for a log line: code and message only (the logger redacts; never items or bodies). */
function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = "code" in error ? error.code : undefined;
    return { name: error.name, code, message: error.message.slice(0, 300) };
  }
  return { message: String(error).slice(0, 300) };
}
