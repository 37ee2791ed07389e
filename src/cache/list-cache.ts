/**
 * The list cache: one upstream scope's FULL list (a Cloudflare zone with status=all, or a Gjirafa
 * project, all pages) in the `CACHE` KV namespace, so lists do not spend Cloudflare's 1,200 requests
 * per 5 minutes (domain.md). It stores whole scopes, never per-caller views: filtering, paging and
 * authorization happen per request, after authorization, in the certificate service.
 *
 * Reading (ages count from when the upstream load started; `staleSeconds` counts from that same
 * origin, not from the end of freshness as RFC 5861's stale-while-revalidate does):
 *   age < fresh            HIT     served from KV
 *   fresh <= age < stale   STALE   served at once, refreshed in the background through `waitUntil`
 *                                  (RFC 5861 §3, stale-while-revalidate)
 *   none / older / corrupt MISS    `load()` now; its error propagates
 *   bypass (no-cache)      BYPASS  `load()` now even if KV is fresh (RFC 9111 §5.2.1.4), KV updated
 * When that upstream load fails and KV holds a copy younger than the stale window, the copy is served
 * as STALE with `refreshFailed: true` and the error (RFC 5861 §4, stale-if-error), for MISS and BYPASS
 * alike: a no-cache request still gets an answer when the upstream is down, marked stale.
 *
 * Coalescing: one upstream load per key per isolate at a time, shared by misses, bypasses and the
 * background refresh. The load is kept alive with the starting request's `waitUntil`, so a waiter
 * from another request is not left hanging if the first caller goes away.
 *
 * Invalidation vs. in-flight loads: `invalidate()` bumps the key's generation and forgets the
 * in-flight load, so a list that started before a write can neither be shared with requests after
 * the write nor stored over the invalidation. Entries fetched before this isolate's last
 * invalidation of the key are also not served as HIT/STALE here (they remain a stale-if-error
 * fallback): this covers a failed KV delete and another isolate storing pre-write data.
 *
 * Propagation: KV shows a delete or write at once in the location that made it, and up to ~60 s
 * later elsewhere (domain.md). A writer's next list in the same location is a MISS with its change;
 * a reader in another location may get the pre-write list as a HIT for up to ~60 s more, plus at
 * most the fresh window if an isolate there stored pre-write data after the delete (KV has no
 * compare-and-set). `cacheTtl` is not passed to `get`: a longer edge cache would stretch exactly
 * this delay, and KV's default already applies.
 *
 * A STALE read whose scope's last load failed in this isolate reports that failure too
 * (`refreshFailed`, `error`): the background refresh cannot reach the response that started it.
 *
 * Memory: what this isolate remembers of each scope (the KV text it last saw and its decoded list, also
 * the `previous` hint of the next load) lives in one byte-bounded LRU (byte-lru.ts), `maxMemoryBytes`
 * (default 32 MiB of the isolate's 128 MB). Each scope is charged `MEMORY_CHARGE_PER_CHAR` bytes per
 * character of its JSON text: the text itself (up to 2 bytes a character) plus an estimate for its decoded
 * objects and the normalized certificates the service derives from them (its WeakMap lives only as long as
 * these objects). A scope charged more than the bound is not remembered: its hits decode KV every time.
 * The other per-key maps (generation, invalidation time, in-flight load, last failure) hold a few numbers
 * per key, and keys are configured scopes only (the service authorizes a scope before any cache call).
 *
 * Faults: KV get/put/delete are bounded by a timeout and never throw; a failing KV means the upstream
 * path, a warn log, never a 5xx of its own. A failed invalidation is logged and leaves the old entry:
 * other isolates may serve the pre-write list until it leaves the fresh window (then STALE with a
 * background refresh that replaces it); this isolate never serves it again. No tombstone is written:
 * when KV refuses a delete it would refuse that write too.
 */
import { isAppError } from "../errors";
import { createLogger } from "../logger";
import { emptyNotes } from "../model/list-notes";
import { createByteLru } from "./byte-lru";
import { decodeEntry, encodeEntry, exceedsBytes, type ListEntry, MAX_ENTRY_BYTES, parseAll } from "./entry";
import { type CacheKey, cacheKey } from "./key";
import { guardKv, platformTimer } from "./kv-guard";
import type {
  CacheContext,
  CacheOutcome,
  ListCache,
  ListCacheOptions,
  ListRead,
  Loaded,
  ReadRequest,
  StoreResult,
} from "./types";

/** Default bound of the isolate's remembered lists (see "Memory" above). */
export const MAX_MEMORY_BYTES = 32 * 1024 * 1024;
/** Bytes charged per character of a remembered scope's JSON text (see "Memory" above). */
export const MEMORY_CHARGE_PER_CHAR = 4;

/** KV's minimum `expirationTtl`. Entries live a minute past the stale window, then age out. */
const MIN_TTL_SECONDS = 60;
const TTL_MARGIN_SECONDS = 60;

interface Flight {
  generation: number;
  promise: Promise<ListEntry<unknown>>;
  /** The upstream answered (the flight lingers until its KV write settles). */
  loaded: boolean;
}

/**
 * The last list this isolate decoded, loaded or wrote for a key. `text` is the exact KV text it came from
 * or was written as (null: not known to be in KV, e.g. after an invalidation), so a hit whose KV text is
 * unchanged is not decoded again; `entry.items` is the next load's `previous` hint either way.
 */
interface Remembered {
  text: string | null;
  entry: ListEntry<unknown>;
  /** Characters of the entry's JSON text (its charge is this times MEMORY_CHARGE_PER_CHAR). */
  chars: number;
}

type Parse<T> = (value: unknown) => T | null;

export function createListCache(options: ListCacheOptions = {}): ListCache {
  const kvTimeoutMs = options.kvTimeoutMs ?? 1_000;
  const timer = options.timer ?? platformTimer;
  const maxEntryBytes = options.maxEntryBytes ?? MAX_ENTRY_BYTES;
  // Per-isolate memory of whole-scope lists, bounded in bytes (see "Memory" above). A hit reads the KV text
  // every time (KV is the shared truth), but re-parses and re-validates it only when it differs from what
  // this isolate remembers for the key: the common hit costs one string compare.
  const memory = createByteLru<Remembered>(options.maxMemoryBytes ?? MAX_MEMORY_BYTES);
  const remember = (k: string, r: Remembered) => memory.set(k, r, r.chars * MEMORY_CHARGE_PER_CHAR);
  // Per-isolate state, one slot per scope: bounded by the number of configured scopes.
  const generations = new Map<string, number>();
  const invalidatedAt = new Map<string, number>();
  const inflight = new Map<string, Flight>();
  /** The last failed load per key: reported on STALE reads; its Retry-After holds off refreshes. */
  const failures = new Map<string, { error: unknown; retryAt: number }>();

  const generationOf = (k: string) => generations.get(k) ?? 0;
  const isInvalidated = (k: string, fetchedAt: number) => fetchedAt < (invalidatedAt.get(k) ?? -1);
  const loggerOf = (ctx: Pick<CacheContext, "deps" | "logger">) => ctx.logger ?? createLogger(ctx.deps);
  const ageMs = (ctx: CacheContext, entry: ListEntry<unknown>) => ctx.deps.now() - entry.fetchedAt;

  async function readEntry<T>(
    ctx: Pick<CacheContext, "kv" | "deps" | "logger">,
    k: string,
    parse: Parse<T>,
  ): Promise<ListEntry<T> | null> {
    const got = await guardKv(() => ctx.kv.get(k, "text"), timer, kvTimeoutMs);
    if (!got.ok) {
      loggerOf(ctx).log("warn", "cache_kv_failed", {
        op: "get",
        cache_key: k,
        reason: got.reason,
        message: got.message,
      });
      return null;
    }
    if (got.value === null) return null;
    const known = memory.get(k);
    // Sound: the key names the provider and the provider decides T (as for coalesced loads).
    if (known && known.text === got.value) return known.entry as ListEntry<T>;
    const decoded = decodeEntry(got.value, parse);
    if (!decoded.ok) {
      // Treated as a miss; the load that follows replaces it.
      loggerOf(ctx).log("warn", "cache_entry_invalid", { cache_key: k, reason: decoded.reason });
      return null;
    }
    // An older KV copy (a write still in flight, or refused) does not replace a newer list loaded here.
    if (!known || decoded.entry.fetchedAt >= known.entry.fetchedAt) {
      remember(k, { text: got.value, entry: decoded.entry, chars: got.value.length });
    }
    return decoded.entry;
  }

  /**
   * Validates, encodes and writes one entry. `current()` is asked again right before `kv.put` is
   * called, so an invalidation that lands while the value is being encoded still wins.
   */
  async function persist<T>(
    ctx: CacheContext,
    k: string,
    entry: ListEntry<T>,
    parse: Parse<T>,
    current: () => boolean,
    text: string = encodeEntry(entry),
  ): Promise<StoreResult> {
    const log = loggerOf(ctx);
    if (parseAll(entry.items, parse) === null) {
      log.log("warn", "cache_store_skipped", { cache_key: k, reason: "invalid_item" });
      return "skipped_invalid";
    }
    if (exceedsBytes(text, maxEntryBytes)) {
      log.log("warn", "cache_store_skipped", { cache_key: k, reason: "too_large", chars: text.length });
      return "skipped_too_large";
    }
    const expirationTtl = Math.max(MIN_TTL_SECONDS, ctx.windows.staleSeconds + TTL_MARGIN_SECONDS);
    let skipped = false;
    const put = await guardKv(
      async () => {
        if (!current()) {
          skipped = true;
          return;
        }
        await ctx.kv.put(k, text, { expirationTtl });
        remember(k, { text, entry, chars: text.length });
      },
      timer,
      kvTimeoutMs,
    );
    if (!put.ok) {
      log.log("warn", "cache_kv_failed", {
        op: "put",
        cache_key: k,
        reason: put.reason,
        message: put.message,
      });
      return "failed";
    }
    return skipped ? "skipped_invalidated" : "stored";
  }

  /** The one upstream load of `k` in this generation, started or joined. */
  function loadShared<T>(ctx: CacheContext, k: string, request: ReadRequest<T>): Promise<ListEntry<T>> {
    const generation = generationOf(k);
    const current = inflight.get(k);
    // A no-cache request must reach the origin (RFC 9111 §5.2.1.4): it may join a load still waiting
    // for the upstream, never one that already answered before the request arrived.
    if (current && current.generation === generation && !(request.bypass && current.loaded)) {
      // Sound: the key names the provider and the provider decides T, so every load of k yields T.
      return current.promise as Promise<ListEntry<T>>;
    }
    const fetchedAt = ctx.deps.now();
    // `new Promise` turns a synchronous throw of `load` into a rejection like any other failure.
    // Sound: the key names the provider and the provider decides T (as for coalesced loads).
    const previous = (memory.get(k)?.entry.items as readonly T[] | undefined) ?? null;
    // The entry's text is made once, here: it sizes the memory charge and is what `persist` writes.
    let text = "";
    const promise = new Promise<Loaded<T>>((resolve) => resolve(request.load(previous))).then(
      (loaded): ListEntry<T> => {
        const entry = Array.isArray(loaded)
          ? { fetchedAt, items: loaded, notes: emptyNotes() }
          : { fetchedAt, items: loaded.items, notes: loaded.notes };
        text = encodeEntry(entry);
        remember(k, { text: null, entry, chars: text.length });
        return entry;
      },
    );
    const flight: Flight = { generation, promise, loaded: false };
    inflight.set(k, flight);
    promise.then(
      () => {
        flight.loaded = true;
      },
      () => undefined,
    );
    const sameGeneration = () => generationOf(k) === generation;
    const settled = promise
      .then(
        (entry) => {
          failures.delete(k);
          // Stored only if no invalidation happened since the load started.
          return sameGeneration() ? persist(ctx, k, entry, request.parse, sameGeneration, text) : undefined;
        },
        (error: unknown) => {
          failures.set(k, { error, retryAt: ctx.deps.now() + retryAfterMs(error) });
        },
      )
      .finally(() => {
        // Kept until the write settles: reads meanwhile join the finished load instead of loading again.
        if (inflight.get(k) === flight) inflight.delete(k);
      });
    // The starting request keeps the shared load (and its KV write) alive for every waiter.
    ctx.waitUntil(settled);
    return promise;
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
      ageSeconds: Math.floor(Math.max(0, ageMs(ctx, entry)) / 1000),
      stale: outcome === "STALE",
      fetchedAt: entry.fetchedAt,
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
    if (entry && ageMs(ctx, entry) < ctx.windows.staleSeconds * 1000) {
      loggerOf(ctx).log("warn", "cache_stale_if_error", { cache_key: k, error: describe(error) });
      return result(ctx, entry, "STALE", error ?? new Error("upstream load failed"));
    }
    throw error;
  }

  /** stale-while-revalidate (RFC 5861 §3): one background refresh, unless a Retry-After holds it off. */
  function refreshInBackground<T>(ctx: CacheContext, k: string, request: ReadRequest<T>): unknown {
    const failure = failures.get(k);
    if (!failure || ctx.deps.now() >= failure.retryAt) {
      const refresh = loadShared(ctx, k, request).then(
        () => undefined,
        (error: unknown) =>
          loggerOf(ctx).log("warn", "cache_refresh_failed", { cache_key: k, error: describe(error) }),
      );
      ctx.waitUntil(refresh);
    }
    // The response cannot wait for this refresh; it reports the last one that failed, if any.
    return failure?.error;
  }

  return {
    async read(ctx, request) {
      const k = cacheKey(request.key);
      if (request.bypass) {
        try {
          return result(ctx, await loadShared(ctx, k, request), "BYPASS");
        } catch (error) {
          return fallback(ctx, k, await readEntry(ctx, k, request.parse), error);
        }
      }
      const entry = await readEntry(ctx, k, request.parse);
      if (entry && !isInvalidated(k, entry.fetchedAt)) {
        const age = ageMs(ctx, entry);
        if (age < ctx.windows.freshSeconds * 1000) return result(ctx, entry, "HIT");
        if (age < ctx.windows.staleSeconds * 1000) {
          return result(ctx, entry, "STALE", refreshInBackground(ctx, k, request));
        }
      }
      try {
        return result(ctx, await loadShared(ctx, k, request), "MISS");
      } catch (error) {
        return fallback(ctx, k, entry, error);
      }
    },

    async previous<T>(
      ctx: Pick<CacheContext, "kv" | "deps" | "logger">,
      key: CacheKey,
      parse: Parse<T>,
    ): Promise<readonly T[] | null> {
      const k = cacheKey(key);
      const known = memory.get(k)?.entry.items;
      // Sound: the key names the provider and the provider decides T (as for coalesced loads).
      if (known) return known as readonly T[];
      return (await readEntry(ctx, k, parse))?.items ?? null;
    },

    async store(ctx, request) {
      const k = cacheKey(request.key);
      const current = () => !isInvalidated(k, request.fetchedAt);
      if (!current()) return "skipped_invalidated";
      const entry = {
        fetchedAt: request.fetchedAt,
        items: request.items,
        notes: request.notes ?? emptyNotes(),
      };
      return persist(ctx, k, entry, request.parse, current);
    },

    async invalidate(ctx, key) {
      const k = cacheKey(key);
      generations.set(k, generationOf(k) + 1);
      invalidatedAt.set(k, ctx.deps.now());
      inflight.delete(k);
      failures.delete(k);
      // The KV text is no longer trusted; the items stay the next load's `previous` hint.
      const known = memory.get(k);
      if (known) remember(k, { ...known, text: null });
      const deleted = await guardKv(() => ctx.kv.delete(k), timer, kvTimeoutMs);
      if (!deleted.ok) {
        loggerOf(ctx).log("warn", "cache_invalidate_failed", {
          cache_key: k,
          reason: deleted.reason,
          message: deleted.message,
        });
      }
      return deleted.ok;
    },

    memoryBytes: () => memory.bytes(),
  };
}

/**
 * An upstream error's `retry_after` (seconds, AppError details): no background refresh of that scope
 * from this isolate before it passes. During Cloudflare's 5-minute lockout (domain.md) each refresh
 * would only be refused again. Without one, coalescing alone limits refreshes.
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
