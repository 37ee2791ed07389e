/**
 * The monitor lists every scope it checks anyway: it hands those lists to the list cache (src/cache)
 * so the API serves them fresh (architecture.md: "The monitor reuses the providers and the cache").
 * This is the ONE place the monitor writes to CACHE.
 */
import type { ListCache } from "../cache";
import type { Config } from "../config";
import type { Deps } from "../deps";
import type { Logger } from "../logger";
import type { CertificateProvider, ScopeList } from "../providers/types";

export interface CacheRefresh {
  cache: ListCache;
  config: Config;
  deps: Deps;
  logger: Logger;
  waitUntil: (promise: Promise<unknown>) => void;
}

export function refreshListCache<Raw>(
  r: CacheRefresh,
  provider: CertificateProvider<Raw>,
  scope: string,
  list: ScopeList<Raw>,
  fetchedAt: number,
): Promise<unknown> {
  return r.cache.store(
    {
      kv: r.config.cache,
      deps: r.deps,
      windows: r.config.cacheWindows,
      waitUntil: r.waitUntil,
      logger: r.logger,
    },
    {
      key: { provider: provider.name, scope },
      items: list.items,
      notes: list.notes,
      parse: (v) => provider.parseRaw(v),
      fetchedAt,
    },
  );
}
