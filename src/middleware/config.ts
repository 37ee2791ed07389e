import type { MiddlewareHandler } from "hono";
import type { ConfigResult } from "../config";
import type { AppEnv } from "../context";
import { AppError } from "../errors";

/** Validated configuration on the context; every route but the public health check needs it. */
export function loadConfig(load: (env: object) => ConfigResult): MiddlewareHandler<AppEnv> {
  return async function configMiddleware(c, next) {
    const result: ConfigResult = load(c.env);
    if (!result.ok) {
      throw new AppError(
        "config_invalid",
        `certgate is misconfigured: ${result.settings.map((s) => s.name).join(", ")}`,
        { settings: result.settings },
      );
    }
    c.set("config", result.config);
    await next();
  };
}
