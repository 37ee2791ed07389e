/**
 * The cron entry: `scheduled` for createWorker (wrangler.toml: every 15 minutes). It parses
 * the configuration like the app does (by name, never by value), runs the monitor, and lets list
 * cache refreshes finish through `waitUntil`. A run that cannot start (bad config, STATE unreadable)
 * is logged and rethrown so the platform's Cron Events show the failure; GET /v1/report turns stale.
 * When another run holds the lease (a manual run, or a slow previous one), the cron skips this interval
 * and logs it: overlapping runs would overwrite each other's state.
 */
import type { ListCache } from "../cache";
import { createConfigLoader } from "../config/load";
import type { Deps } from "../deps";
import { isAppError } from "../errors";
import { createLogger } from "../logger";
import type { Registry } from "../providers/types";
import { runMonitor } from "./run";

/** `registry`: the app's registered providers; `listCache`: the isolate's, shared with the API. */
export function monitorScheduled(deps: Deps, options: { registry: Registry; listCache?: ListCache }) {
  const load = createConfigLoader(options.registry);
  return async function scheduled(
    _controller: ScheduledController,
    env: Env,
    ctx: ExecutionContext,
  ): Promise<void> {
    const result = load(env);
    if (!result.ok) {
      createLogger(deps).log("error", "monitor_config_invalid", {
        settings: result.settings.map((s) => s.name),
      });
      return;
    }
    try {
      await runMonitor(deps, result.config, {
        trigger: "cron",
        listCache: options.listCache,
        waitUntil: (p) => ctx.waitUntil(p),
      });
    } catch (error) {
      if (isAppError(error) && error.code === "monitor_busy") {
        createLogger(deps, result.config.secrets).log("warn", "monitor_run_skipped", {
          reason: error.message,
          running_run_id: error.details.run_id ?? null,
        });
        return;
      }
      createLogger(deps, result.config.secrets).log("error", "monitor_run_failed", {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      throw error;
    }
  };
}
