/**
 * The monitor lists every scope it checks anyway: it hands those lists to the list cache (src/cache)
 * so the API serves them fresh (the monitor reuses the providers and the cache; it has no HTTP code of
 * its own). This is the ONE place the monitor writes to CACHE.
 */
import type { ListCache } from "../cache";
import type { Config } from "../config/load";
import type { Deps } from "../deps";
import type { Logger } from "../logger";
import type { ScopeList } from "../providers/types";
import type { Source } from "./sources";

export interface CacheRefresh {
  cache: ListCache;
  config: Config;
  deps: Deps;
  logger: Logger;
  waitUntil: (promise: Promise<unknown>) => void;
}

export function refreshListCache(
  r: CacheRefresh,
  source: Source,
  list: ScopeList<unknown>,
  fetchedAt: number,
): Promise<unknown> {
  const { instance } = source.provider;
  return r.cache.store(
    {
      kv: r.config.cache,
      deps: r.deps,
      windows: r.config.cacheWindows,
      waitUntil: r.waitUntil,
      logger: r.logger,
    },
    {
      key: { scope: source.scope },
      items: list.items,
      notes: list.notes,
      parse: (v) => instance.parseRaw(v),
      fetchedAt,
    },
  );
}
