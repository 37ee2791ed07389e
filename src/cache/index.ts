/** The list cache (README: "Caching"). */
export { ENTRY_VERSION, type ListEntry, MAX_ENTRY_BYTES } from "./entry";
export {
  applyCacheHeaders,
  type CacheStatus,
  cacheHeaders,
  mergeCacheStatus,
  wantsBypass,
} from "./headers";
export { LIST_KEY_PREFIX, type ListKey, listCacheKey } from "./key";
export { platformTimer, type Timer } from "./kv-guard";
export {
  type CacheContext,
  type CacheOutcome,
  type CacheWindows,
  createListCache,
  type ListCache,
  type ListCacheOptions,
  type ListRead,
  type ReadRequest,
  type StoreRequest,
  type StoreResult,
} from "./list-cache";
