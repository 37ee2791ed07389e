import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "../context";
import type { Deps } from "../deps";
import { createLogger } from "../logger";

/** One line per request: method, route, status, duration, key name, cache outcome. Redacted. */
export function requestLog(deps: Deps): MiddlewareHandler<AppEnv> {
  return async function requestLogMiddleware(c, next) {
    const started = deps.now();
    await next();
    const logger = createLogger(deps, c.get("config")?.secrets ?? []);
    logger.log(c.res.status >= 500 ? "error" : "info", "request", {
      request_id: c.get("requestId"),
      method: c.req.method,
      route: routePath(c),
      path: new URL(c.req.url).pathname,
      status: c.res.status,
      duration_ms: deps.now() - started,
      key_name: c.get("principal")?.name ?? null,
      cache: c.get("cacheOutcome") ?? null,
    });
  };
}
