/**
 * GET /metrics (reports:read): Prometheus' text exposition of what the key may see (docs/metrics.md).
 * Thin: read the inventory (never the upstreams), render, answer. A scrape reuses what this isolate read
 * from KV less than METRICS_REFRESH_SECONDS ago.
 */
import { currentPrincipal } from "../auth/authorize";
import { type Route, route } from "../http/route";
import type { InventoryReader } from "../inventory/inventory";
import { EXPOSITION_CONTENT_TYPE } from "../metrics/exposition";
import { createMetricsRenderer } from "../metrics/render";

export function metricsRoutes(inventory: InventoryReader): Route[] {
  const renderer = createMetricsRenderer();
  return [
    route({
      method: "GET",
      path: "/metrics",
      access: "reports:read",
      summary: "Prometheus metrics of the key's certificates, quotas and the monitor (text format 0.0.4)",
      async handler(_input, c) {
        const config = c.get("config");
        const deps = c.get("deps");
        const view = await inventory.read(
          { config, deps, principal: currentPrincipal(c) },
          { maxAgeMs: config.metrics.refreshSeconds * 1000 },
        );
        return c.body(renderer.render(view, deps.now()), 200, {
          "Content-Type": EXPOSITION_CONTENT_TYPE,
          "Cache-Control": "no-store",
        });
      },
    }),
  ];
}
