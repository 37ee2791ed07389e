/**
 * The Worker's handlers, made from injected dependencies so tests, `npm start` and production run
 * the same code.
 */
import { createApp } from "./app";
import { createListCache } from "./cache";
import { createConfigLoader } from "./config/load";
import type { Deps } from "./deps";
import { createLogger } from "./logger";
import { monitorScheduled } from "./monitor/scheduled";
import type { RegisteredProvider } from "./providers/module";
import { createRegistry, PROVIDERS } from "./providers/registry";
import { pruneAudit } from "./service/audit";

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
  const monitor = monitorScheduled(deps, { registry, listCache });
  const load = createConfigLoader(registry);
  return {
    app,
    /** Every route declaration, as mounted (the route-auth test walks them). */
    routes,
    registry,
    fetch: app.fetch,
    /**
     * The cron (wrangler.toml [triggers], every 15 minutes): the monitor (src/monitor/run.ts), and the
     * audit log's retention (AUDIT_RETENTION_DAYS) beside it, so neither waits for the other.
     */
    async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
      const loaded = load(env);
      if (loaded.ok) {
        ctx.waitUntil(
          pruneAudit(deps, loaded.config).catch((error: unknown) =>
            createLogger(deps, loaded.config.secrets).log("error", "audit_prune_failed", {
              error: error instanceof Error ? error.message : String(error),
            }),
          ),
        );
      }
      await monitor(controller, env, ctx);
    },
  };
}
