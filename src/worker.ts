/**
 * The Worker's handlers, made from injected dependencies so tests, `npm start` and production run
 * the same code.
 */
import { createApp } from "./app";
import { createListCache } from "./cache";
import type { Deps } from "./deps";
import { monitorScheduled } from "./monitor/scheduled";

export function createWorker(deps: Deps) {
  // One list cache per isolate, shared by requests and the monitor, so a write's invalidation also
  // stops an in-flight monitor refresh from storing pre-write data (cache/list-cache.ts).
  const listCache = createListCache();
  const app = createApp(deps, listCache);
  return {
    app,
    fetch: app.fetch,
    /** The monitor (src/monitor/run.ts), every 15 minutes (wrangler.toml [triggers]). */
    scheduled: monitorScheduled(deps, { listCache }),
  };
}
