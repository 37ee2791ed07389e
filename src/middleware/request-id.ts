import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";

/** A sane inbound id is kept (so callers can correlate); anything else is replaced. */
const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const inbound = c.req.header("x-request-id");
    const id = inbound && SANE_ID.test(inbound) ? inbound : crypto.randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
    c.res.headers.set("X-Request-Id", id);
  };
}
