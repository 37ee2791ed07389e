/** The list cache (docs/caching.md). */
export { ENTRY_VERSION, type ListEntry, MAX_ENTRY_BYTES } from "./entry";
export { applyCacheHeaders, type CacheStatus, cacheHeaders, mergeCacheStatus, wantsBypass } from "./headers";
export { type CacheKey, cacheKey, LIST_KEY_PREFIX } from "./key";
export { platformTimer, type Timer } from "./kv-guard";
export { createListCache } from "./list-cache";
export type {
  CacheContext,
  CacheOutcome,
  CacheWindows,
  ListCache,
  ListCacheOptions,
  ListRead,
  Loaded,
  PeekedList,
  ReadRequest,
  StoreRequest,
  StoreResult,
} from "./types";
