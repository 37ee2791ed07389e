import type { MiddlewareHandler } from "hono";
import type { ConfigResult } from "../config/load";
import type { AppEnv } from "../context";
import { AppError } from "../errors";
import { createLogger } from "../logger";

/**
 * Validated configuration on the context; every route but the public ones needs it.
 *
 * This runs BEFORE authentication, so a bad configuration answers every caller alike: 503
 * `config_invalid` with the request id and nothing else. Which settings are wrong (names and zod's
 * messages, never values) goes to the log, once per isolate, and stays visible to the operator in
 * /healthz; an anonymous caller learns only that the service is misconfigured.
 */
export function loadConfig(load: (env: object) => ConfigResult): MiddlewareHandler<AppEnv> {
  const reported = new WeakSet<object>();
  return async function configMiddleware(c, next) {
    const result: ConfigResult = load(c.env);
    if (!result.ok) {
      if (!reported.has(result)) {
        reported.add(result);
        createLogger(c.get("deps")).log("error", "config_invalid", {
          request_id: c.get("requestId"),
          settings: result.settings,
        });
      }
      throw new AppError(
        "config_invalid",
        "certgate is misconfigured; its operator can see why in /healthz and in the log",
      );
    }
    c.set("config", result.config);
    await next();
  };
}
