/**
 * Mounting route declarations on the app, in declaration order (a path declared ahead of a parameter
 * route wins over it). A guarded route is registered with its permission check in front of its handler;
 * an audited route with the audit hook in front of that (so a refused call is recorded too), and a write
 * that takes an Idempotency-Key with its validation and then the idempotency hook between the check and
 * the handler (so neither a caller without the permission nor an invalid request consumes a key).
 */
import type { Hono, MiddlewareHandler } from "hono";
import { requirePermission } from "../auth/authorize";
import type { AppEnv } from "../context";
import { auditHook } from "./audit";
import { idempotencyHook } from "./idempotency";
import type { Route } from "./route";

export function mountRoutes(app: Hono<AppEnv>, routes: readonly Route[]): void {
  for (const r of routes) {
    const handle: MiddlewareHandler<AppEnv> = (c) => r.handle(c);
    if (r.method === "ALL") {
      app.all(r.path, handle);
      continue;
    }
    const chain: [MiddlewareHandler<AppEnv>, ...MiddlewareHandler<AppEnv>[]] = [handle];
    if (r.idempotency !== undefined) {
      chain.unshift(idempotencyHook(r.idempotency));
      // Validation first: an invalid request never consumes a key, and the hook's refusals name the scope.
      chain.unshift(async (c, next) => {
        await r.prepare(c);
        await next();
      });
    }
    if (r.access !== "public" && r.access !== "authenticated") chain.unshift(requirePermission(r.access));
    if (r.audit !== undefined) chain.unshift(auditHook(r.audit));
    app.on(r.method, r.path, ...chain);
  }
}

/** Paths any caller may reach without credentials (and without a valid configuration). */
export function publicPaths(routes: readonly Route[]): ReadonlySet<string> {
  return new Set(routes.filter((r) => r.access === "public").map((r) => r.path));
}
