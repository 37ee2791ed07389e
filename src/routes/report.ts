/**
 * The monitor's report: GET /v1/report (reports:read) and POST /v1/report/run (admin).
 * Thin: authorize, read or run, shape the envelope.
 */
import { type Context, Hono } from "hono";
import { currentPrincipal, requireScope } from "../auth/authorize";
import type { ListCache } from "../cache";
import type { AppEnv } from "../context";
import { successBody } from "../envelope";
import { AppError } from "../errors";
import { loadReport } from "../monitor/report";
import { viewFor } from "../monitor/report-view";
import { runMonitor } from "../monitor/run";
import type { MonitorProviders } from "../monitor/sources";

export interface ReportRoutesOptions {
  /** Default: the provider registry. */
  providers?: MonitorProviders;
  /** The app's list cache, so the run's list refreshes share its invalidations. */
  listCache?: ListCache;
}

export function reportRoutes(options: ReportRoutesOptions = {}) {
  return new Hono<AppEnv>()
    .get("/v1/report", requireScope("reports:read"), async (c) => {
      const config = c.get("config");
      const stored = await readReport(config.state);
      // Before the first run: an empty report marked stale (a monitor that never ran is a monitor that is down).
      const view = viewFor(stored, currentPrincipal(c), c.get("deps").now(), config.monitor.intervalMinutes);
      return c.json(successBody(view), 200, { "Cache-Control": "no-store" });
    })
    .post("/v1/report/run", requireScope("admin"), async (c) => {
      const config = c.get("config");
      const deps = c.get("deps");
      await runMonitor(deps, config, {
        trigger: "manual",
        providers: options.providers,
        listCache: options.listCache,
        waitUntil: waitUntilOf(c),
      });
      const stored = await readReport(config.state);
      if (!stored) throw new AppError("internal_error", "The report was not stored");
      const view = viewFor(stored, currentPrincipal(c), deps.now(), config.monitor.intervalMinutes);
      return c.json(successBody(view), 200, { "Cache-Control": "no-store" });
    });
}

async function readReport(kv: KVNamespace) {
  try {
    return await loadReport(kv);
  } catch {
    throw new AppError("upstream_unavailable", "The report store (KV) is unavailable; try again");
  }
}

function waitUntilOf(c: Context<AppEnv>): ((p: Promise<unknown>) => void) | undefined {
  try {
    const exec = c.executionCtx;
    return (p) => exec.waitUntil(p);
  } catch {
    return undefined;
  }
}
