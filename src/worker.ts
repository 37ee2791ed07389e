/**
 * The Worker's handlers, made from injected dependencies so tests, `npm start` and production run
 * the same code.
 */
import { createApp } from "./app";
import type { Deps } from "./deps";
import { monitorScheduled } from "./monitor/scheduled";

export function createWorker(deps: Deps) {
  const app = createApp(deps);
  return {
    app,
    fetch: app.fetch,
    /** The monitor (src/monitor/run.ts), every 15 minutes (wrangler.toml [triggers]). */
    scheduled: monitorScheduled(deps),
  };
}
