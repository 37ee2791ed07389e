/**
 * The list cache's storage: KV reads and writes that cannot take a request down (kv-guard.ts), entries
 * validated on the way in and out (entry.ts), and what this isolate remembers of each scope.
 *
 * Memory: what this isolate remembers of each scope (the KV text it last saw and its decoded list, also
 * the `previous` hint of the next load) lives in one byte-bounded LRU (byte-lru.ts), `maxMemoryBytes`
 * (default 32 MiB of the isolate's 128 MB). Each scope is charged `MEMORY_CHARGE_PER_CHAR` bytes per
 * character of its JSON text: the text itself (up to 2 bytes a character) plus an estimate for its decoded
 * objects and the normalized certificates the service derives from them (its WeakMap lives only as long as
 * these objects). A scope charged more than the bound is not remembered: its hits decode KV every time.
 * A hit reads the KV text every time (KV is the shared truth), but re-parses and re-validates it only when
 * it differs from what this isolate remembers for the key: the common hit costs one string compare.
 *
 * Faults: KV get/put/delete are bounded by a timeout and never throw; a failing KV means the upstream
 * path, a warn log, never a 5xx of its own.
 */
import { createLogger } from "../logger";
import { createByteLru } from "./byte-lru";
import { decodeEntry, encodeEntry, exceedsBytes, type ListEntry, MAX_ENTRY_BYTES, parseAll } from "./entry";
import { guardKv, platformTimer } from "./kv-guard";
import type { CacheContext, ListCacheOptions, StoreResult } from "./types";

/** Default bound of the isolate's remembered lists (see "Memory" above). */
export const MAX_MEMORY_BYTES = 32 * 1024 * 1024;
/** Bytes charged per character of a remembered scope's JSON text (see "Memory" above). */
export const MEMORY_CHARGE_PER_CHAR = 4;

/** KV's minimum `expirationTtl`. Entries live a minute past the stale window, then age out. */
const MIN_TTL_SECONDS = 60;
const TTL_MARGIN_SECONDS = 60;

/**
 * The last list this isolate decoded, loaded or wrote for a key. `text` is the exact KV text it came from
 * or was written as (null: not known to be in KV, e.g. after an invalidation), so a hit whose KV text is
 * unchanged is not decoded again; `entry.items` is the next load's `previous` hint either way.
 */
interface Remembered {
  text: string | null;
  entry: ListEntry<unknown>;
  /**
   * A KV text known to hold an OLDER list than `entry` (KV still shows the list before this isolate's
   * last load: its write is in flight or was refused, or the read came from KV's edge cache, `cacheTtl`):
   * not decoded again on every read.
   */
  older?: string;
  /** Characters of the entry's JSON text (its charge is this times MEMORY_CHARGE_PER_CHAR). */
  chars: number;
}

type Parse<T> = (value: unknown) => T | null;
type LogContext = Pick<CacheContext, "deps" | "logger">;

export function loggerOf(ctx: LogContext) {
  return ctx.logger ?? createLogger(ctx.deps);
}

export function createEntryStore(options: ListCacheOptions = {}) {
  const kvTimeoutMs = options.kvTimeoutMs ?? 1_000;
  const timer = options.timer ?? platformTimer;
  const maxEntryBytes = options.maxEntryBytes ?? MAX_ENTRY_BYTES;
  const memory = createByteLru<Remembered>(options.maxMemoryBytes ?? MAX_MEMORY_BYTES);
  const remember = (k: string, r: Remembered) => memory.set(k, r, r.chars * MEMORY_CHARGE_PER_CHAR);

  return {
    /** Keeps a list this isolate just loaded (not known to be in KV yet: its text is null). */
    rememberLoaded(k: string, entry: ListEntry<unknown>, chars: number): void {
      remember(k, { text: null, entry, chars });
    },

    /** The entry this isolate last loaded or decoded for `k` (its KV write may still be in flight). */
    remembered<T>(k: string): ListEntry<T> | null {
      // Sound: the key names the provider and the provider decides T (as for coalesced loads).
      return (memory.get(k)?.entry as ListEntry<T> | undefined) ?? null;
    },

    /** The last list known here for `k`, as the next load's hint. */
    previousItems<T>(k: string): readonly T[] | null {
      // Sound: the key names the provider and the provider decides T (as for coalesced loads).
      return (memory.get(k)?.entry.items as readonly T[] | undefined) ?? null;
    },

    /** The last list this isolate loaded, read or wrote for `k` (whatever KV holds now), or null. */
    rememberedEntry(k: string): ListEntry<unknown> | null {
      return memory.get(k)?.entry ?? null;
    },

    /** The KV entry of `k`, decoded and validated (null on a miss, a KV failure or a bad entry). */
    async read<T>(
      ctx: Pick<CacheContext, "kv" | "deps" | "logger" | "kvCacheTtl">,
      k: string,
      parse: Parse<T>,
    ) {
      const cacheTtl = ctx.kvCacheTtl ?? 0;
      const got = await guardKv(
        () => (cacheTtl > 0 ? ctx.kv.get(k, { type: "text", cacheTtl }) : ctx.kv.get(k, "text")),
        timer,
        kvTimeoutMs,
      );
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
      if (known && (known.text === got.value || known.older === got.value)) {
        return known.entry as ListEntry<T>;
      }
      const decoded = decodeEntry(got.value, parse);
      if (!decoded.ok) {
        // Treated as a miss; the load that follows replaces it.
        loggerOf(ctx).log("warn", "cache_entry_invalid", { cache_key: k, reason: decoded.reason });
        return null;
      }
      // An older KV copy (a write still in flight or refused, or KV's edge cache) does not replace a newer
      // list loaded here, and is not served over it: the newer list is what this isolate knows.
      if (known && decoded.entry.fetchedAt < known.entry.fetchedAt) {
        remember(k, { ...known, older: got.value });
        return known.entry as ListEntry<T>;
      }
      remember(k, { text: got.value, entry: decoded.entry, chars: got.value.length });
      return decoded.entry;
    },

    /**
     * Validates, encodes and writes one entry. `current()` is asked again right before `kv.put` is
     * called, so an invalidation that lands while the value is being encoded still wins.
     */
    async write<T>(
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
    },

    /**
     * Forgets `k` in KV. The KV text is no longer trusted here; the items stay the next load's `previous`
     * hint. A failed delete is logged and leaves the old entry (no tombstone: when KV refuses a delete it
     * would refuse that write too). Resolves whether KV deleted it.
     */
    async remove(ctx: Pick<CacheContext, "kv" | "deps" | "logger">, k: string): Promise<boolean> {
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

export type EntryStore = ReturnType<typeof createEntryStore>;
