/**
 * The monitor's report: GET /v1/report (reports:read) and POST /v1/report/run (admin; 409 `monitor_busy`
 * with the running run's id while another run holds the lease). Thin: read or run, filter to the
 * caller's scopes, show the acknowledgements as they are now, shape the envelope.
 */
import * as z from "zod";
import { currentPrincipal } from "../../auth/authorize";
import type { ListCache } from "../../cache";
import type { Config } from "../../config/load";
import { successBody } from "../../envelope";
import { AppError } from "../../errors";
import { type Route, route } from "../../http/route";
import { executionWaitUntil } from "../../http/service-context";
import { ackStore, type StoredAck } from "../../monitor/acks";
import { loadReport, ReportSchema } from "../../monitor/report";
import { type ReportView, viewFor, withLiveAcks } from "../../monitor/report-view";
import { runMonitor } from "../../monitor/run";

/** What GET /v1/report answers (monitor/report-view.ts): the stored report, filtered, plus staleness. */
const ReportViewSchema = ReportSchema.extend({
  run: ReportSchema.shape.run.nullable(),
  stale: z.boolean().meta({ description: "The last run finished more than two intervals ago" }),
  stale_after: z.string().nullable(),
  history: z.array(z.object({ id: z.string(), started_at: z.string(), finished_at: z.string() }).loose()),
}).meta({ id: "Report" });

async function readReport(kv: KVNamespace) {
  try {
    return await loadReport(kv);
  } catch {
    throw new AppError("upstream_unavailable", "The report store (KV) is unavailable; try again");
  }
}

/** The acknowledgements now; null when the store cannot be read (the report's own copies are shown). */
async function currentAcks(config: Config, now: number): Promise<StoredAck[] | null> {
  const store = ackStore(config.monitor);
  if (!store) return [];
  try {
    return await store.list(now);
  } catch {
    return null;
  }
}

async function answerView(view: ReportView, config: Config, now: number): Promise<ReportView> {
  return withLiveAcks(view, await currentAcks(config, now), now);
}

/** `listCache`: the app's, so the run's list refreshes share its invalidations. */
export function reportRoutes(listCache: ListCache): Route[] {
  return [
    route({
      method: "GET",
      path: "/v1/report",
      access: "reports:read",
      summary: "The monitor's latest report, filtered to what the key may see",
      result: ReportViewSchema,
      async handler(_input, c) {
        const config = c.get("config");
        const stored = await readReport(config.state);
        // Before the first run: an empty report marked stale (a monitor that never ran is a monitor that is down).
        const now = c.get("deps").now();
        const view = viewFor(stored, currentPrincipal(c), now, config.monitor.intervalMinutes);
        return c.json(successBody(await answerView(view, config, now)), 200, { "Cache-Control": "no-store" });
      },
    }),
    route({
      method: "POST",
      path: "/v1/report/run",
      access: "admin",
      summary: "Run the monitor now",
      audit: "monitor.run",
      result: ReportViewSchema,
      async handler(_input, c) {
        const config = c.get("config");
        const deps = c.get("deps");
        await runMonitor(deps, config, { trigger: "manual", listCache, waitUntil: executionWaitUntil(c) });
        const stored = await readReport(config.state);
        if (!stored) throw new AppError("internal_error", "The report was not stored");
        const now = deps.now();
        const view = viewFor(stored, currentPrincipal(c), now, config.monitor.intervalMinutes);
        return c.json(successBody(await answerView(view, config, now)), 200, { "Cache-Control": "no-store" });
      },
    }),
  ];
}
