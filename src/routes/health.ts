import { Hono } from "hono";
import type { ConfigResult } from "../config";
import type { AppEnv } from "../context";
import { successBody } from "../envelope";

/** Public, no upstream call: the worker is up, and whether its configuration is valid. */
export function healthRoutes(loadConfig: (env: object) => ConfigResult) {
  return new Hono<AppEnv>().get("/healthz", (c) => {
    const result = loadConfig(c.env);
    const body = successBody({
      status: result.ok ? "ok" : "degraded",
      config_valid: result.ok,
      // Names only, never values: safe on a public route.
      config_errors: result.ok ? [] : result.settings.map((s) => s.name),
    });
    return c.json(body, 200, { "Cache-Control": "no-store" });
  });
}
