/** GET /healthz: public, no upstream call: the worker is up, and whether its configuration is valid. */
import type { ConfigResult } from "../config/load";
import { successBody } from "../envelope";
import { type Route, route } from "../http/route";

export function healthRoutes(loadConfig: (env: object) => ConfigResult): Route[] {
  return [
    route({
      method: "GET",
      path: "/healthz",
      access: "public",
      summary: "Liveness and configuration validity",
      handler(_input, c) {
        const result = loadConfig(c.env);
        const body = successBody({
          status: result.ok ? "ok" : "degraded",
          config_valid: result.ok,
          // Names only, never values: safe on a public route.
          config_errors: result.ok ? [] : result.settings.map((s) => s.name),
        });
        return c.json(body, 200, { "Cache-Control": "no-store" });
      },
    }),
  ];
}
