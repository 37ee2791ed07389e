/**
 * The Worker's handlers, made from injected dependencies so tests, `npm start` and production run
 * the same code.
 */
import { createApp } from "./app";
import { createListCache } from "./cache";
import type { Deps } from "./deps";
import { monitorScheduled } from "./monitor/scheduled";
import type { RegisteredProvider } from "./providers/module";
import { createRegistry, PROVIDERS } from "./providers/registry";

export interface WorkerOptions {
  /** The providers to register (default: PROVIDERS, providers/registry.ts); tests add fakes. */
  providers?: readonly RegisteredProvider[];
}

export function createWorker(deps: Deps, options: WorkerOptions = {}) {
  const registry = createRegistry(options.providers ?? PROVIDERS);
  // One list cache per isolate, shared by requests and the monitor, so a write's invalidation also
  // stops an in-flight monitor refresh from storing pre-write data (src/cache/).
  const listCache = createListCache();
  const { app, routes } = createApp(deps, { registry, listCache });
  return {
    app,
    /** Every route declaration, as mounted (the route-auth test walks them). */
    routes,
    registry,
    fetch: app.fetch,
    /** The monitor (src/monitor/run.ts), every 15 minutes (wrangler.toml [triggers]). */
    scheduled: monitorScheduled(deps, { registry, listCache }),
  };
}
