/**
 * The list cache's API types (the behaviour is documented in list-cache.ts and docs/caching.md).
 */
import type { Deps } from "../deps";
import type { Logger } from "../logger";
import type { ListNotes } from "../model/list-notes";
import type { CacheKey } from "./key";
import type { Timer } from "./kv-guard";

export type CacheOutcome = "HIT" | "MISS" | "STALE" | "BYPASS";

/** `config.cacheWindows`. */
export interface CacheWindows {
  freshSeconds: number;
  staleSeconds: number;
  /**
   * The least time between two upstream loads of a scope that `no-cache` may force (0 or absent: none):
   * a no-cache read within it gets the load that just happened (freshness.ts).
   */
  minRefreshSeconds?: number;
}

/** What every cache call needs from its request (or monitor run). */
export interface CacheContext {
  /** The `CACHE` namespace (`config.cache`). */
  kv: KVNamespace;
  deps: Pick<Deps, "now" | "log">;
  windows: CacheWindows;
  /** The invocation's `ctx.waitUntil` (background refresh and KV writes run after the response). */
  waitUntil: (promise: Promise<unknown>) => void;
  /**
   * KV's `cacheTtl` for reads, in seconds (`KV_CACHE_TTL_SECONDS`; 0 or absent: not passed, KV's own
   * default applies). docs/caching.md weighs it against freshness.
   */
  kvCacheTtl?: number;
  /** A request-scoped logger (request id); defaults to one made from `deps`. */
  logger?: Logger;
}

/** A load's answer: the items, or the items with what the load found besides them (stored with them). */
export type Loaded<T> = T[] | { items: T[]; notes: ListNotes };

export interface ReadRequest<T> {
  key: CacheKey;
  /**
   * The whole scope from upstream. Throws (an AppError) on any failure: errors are never cached.
   * `previous` is the last list this isolate loaded or decoded for the key (kept across invalidations,
   * which are about freshness, not about what the items were), or null: a hint a provider may use to
   * skip re-fetching what has not changed, never something to serve.
   */
  load: (previous: readonly T[] | null) => Promise<Loaded<T>>;
  /** Validates one stored item (the provider's `parseRaw`); null rejects the whole entry. */
  parse: (value: unknown) => T | null;
  /** The caller sent `Cache-Control: no-cache` (see `wantsBypass`). */
  bypass?: boolean;
}

export interface ListRead<T> {
  items: T[];
  /** What the load that produced `items` left out and what the upstream said: kept across hits. */
  notes: ListNotes;
  outcome: CacheOutcome;
  /** Whole seconds since `fetchedAt`, never negative: the `Age` header. */
  ageSeconds: number;
  /** Served from KV past its fresh window or instead of a failed load: exactly when outcome is STALE. */
  stale: boolean;
  /** Epoch ms when the load that produced `items` started. */
  fetchedAt: number;
  /**
   * What identifies the entry `items` came from in this isolate: a new load, a changed KV text or a new
   * store is a new version, so an answer made from the same version is the same bytes (http/answers.ts).
   * Null when the items come from no cache entry (a deployment view read straight from the upstream).
   */
  version: string | null;
  /** stale-if-error: the upstream load failed and a stale copy was served instead. */
  refreshFailed: boolean;
  /**
   * The upstream error when `refreshFailed`, for the caller to report (e.g. per scope). On a STALE
   * read without a bypass it is the last failed background refresh of this scope in this isolate.
   */
  error?: unknown;
}

/** What `peek` found: the items, when their load started, and where they came from. */
export interface PeekedList<T> {
  items: readonly T[];
  notes: ListNotes;
  /** Epoch ms when the load that produced `items` started. */
  fetchedAt: number;
  /** `kv`: the shared entry; `memory`: this isolate's last list (KV had none, or was not asked). */
  source: "kv" | "memory";
}

export interface StoreRequest<T> {
  key: CacheKey;
  items: T[];
  /** Stored with the items (default: none). */
  notes?: ListNotes;
  parse: (value: unknown) => T | null;
  /** When the upstream load started (epoch ms). Data fetched before an invalidation is not stored. */
  fetchedAt: number;
}

export type StoreResult =
  | "stored"
  | "skipped_invalid"
  | "skipped_too_large"
  | "skipped_invalidated"
  | "failed";

export interface ListCacheOptions {
  /** Bound on every KV call (default 1,000 ms). */
  kvTimeoutMs?: number;
  /** Timer for that bound (default: the platform's setTimeout). */
  timer?: Timer;
  /** Largest value written (default 20 MiB; KV's own limit is 25 MiB). */
  maxEntryBytes?: number;
  /** Bound of the lists this isolate remembers, in charged bytes (default 32 MiB; list-cache.ts "Memory"). */
  maxMemoryBytes?: number;
}

export interface ListCache {
  /**
   * One scope's full list: HIT, STALE (+ background refresh), MISS or BYPASS. Throws only the error
   * of `load()` (when no copy within the stale window exists), or an AppError for an invalid key.
   */
  read<T>(ctx: CacheContext, request: ReadRequest<T>): Promise<ListRead<T>>;
  /**
   * The scope's entry when a read would serve it as a HIT (fresh, not invalidated here; with `bypass`,
   * within the minimum refresh interval), else null. Never loads, never refreshes: for answers made
   * from a cached list without asking the upstream (a single item of a fresh list).
   */
  lookup<T>(
    ctx: CacheContext,
    key: CacheKey,
    parse: (value: unknown) => T | null,
    bypass?: boolean,
  ): Promise<ListRead<T> | null>;
  /**
   * Writes a list fetched elsewhere (the monitor), validated with `parse`. Awaits the KV write;
   * never throws. Skipped when this isolate invalidated the scope after `fetchedAt`.
   */
  store<T>(ctx: CacheContext, request: StoreRequest<T>): Promise<StoreResult>;
  /**
   * The last list known for a scope, as a hint for a load elsewhere (the monitor): this isolate's memory,
   * else the KV entry whatever its age. Null when there is none or KV fails; never throws, never served.
   */
  previous<T>(
    ctx: Pick<CacheContext, "kv" | "deps" | "logger">,
    key: CacheKey,
    parse: (value: unknown) => T | null,
  ): Promise<readonly T[] | null>;
  /**
   * A scope's list for a reader that must never call the upstream (/metrics, /status): the KV entry
   * whatever its age (decoded only when its text changed), else the last list this isolate loaded or saw
   * for the key, else null. Never loads, never refreshes, never throws (a KV failure reads as the memory).
   * `memoryOnly`: skip the KV read (a reader that checked KV a moment ago).
   */
  peek<T>(
    ctx: Pick<CacheContext, "kv" | "deps" | "logger">,
    key: CacheKey,
    parse: (value: unknown) => T | null,
    options?: { memoryOnly?: boolean },
  ): Promise<PeekedList<T> | null>;
  /**
   * Forgets a scope after a successful write through certgate: deletes the KV entry, drops the
   * in-flight load. Resolves false (logged) when KV failed; never throws.
   */
  invalidate(ctx: Pick<CacheContext, "kv" | "deps" | "logger">, key: CacheKey): Promise<boolean>;
  /** What the remembered lists are charged now (never above `maxMemoryBytes`). */
  memoryBytes(): number;
}
