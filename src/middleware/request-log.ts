import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "../context";
import type { Deps } from "../deps";
import { createLogger, type Logger } from "../logger";

/**
 * One line per request: method, route, status, duration, key name, cache outcome. Redacted (a caller may
 * paste a secret into a path). Only what the line needs is computed: the path as routed (`c.req.path`, no
 * second URL parse), and one logger per configuration's secrets list, not one per request.
 */
export function requestLog(deps: Deps): MiddlewareHandler<AppEnv> {
  const plain = createLogger(deps);
  const bySecrets = new WeakMap<readonly string[], Logger>();
  function loggerFor(secrets: readonly string[] | undefined): Logger {
    if (secrets === undefined) return plain;
    let logger = bySecrets.get(secrets);
    if (!logger) {
      logger = createLogger(deps, secrets);
      bySecrets.set(secrets, logger);
    }
    return logger;
  }

  return async function requestLogMiddleware(c, next) {
    const started = deps.now();
    await next();
    const status = c.res.status;
    loggerFor(c.get("config")?.secrets).log(status >= 500 ? "error" : "info", "request", {
      request_id: c.get("requestId"),
      method: c.req.method,
      route: routePath(c),
      path: c.req.path,
      status,
      duration_ms: deps.now() - started,
      key_name: c.get("principal")?.name ?? null,
      cache: c.get("cacheOutcome") ?? null,
    });
  };
}
