/**
 * Mounting route declarations on the app, in declaration order (a path declared ahead of a parameter
 * route wins over it). A guarded route is registered with its permission check in front of its handler.
 */
import type { Hono } from "hono";
import { requirePermission } from "../auth/authorize";
import type { AppEnv } from "../context";
import type { Route } from "./route";

export function mountRoutes(app: Hono<AppEnv>, routes: readonly Route[]): void {
  for (const r of routes) {
    const handle = (c: Parameters<Route["handle"]>[0]) => r.handle(c);
    if (r.method === "ALL") app.all(r.path, handle);
    else if (r.access === "public" || r.access === "authenticated") app.on(r.method, r.path, handle);
    else app.on(r.method, r.path, requirePermission(r.access), handle);
  }
}

/** Paths any caller may reach without credentials (and without a valid configuration). */
export function publicPaths(routes: readonly Route[]): ReadonlySet<string> {
  return new Set(routes.filter((r) => r.access === "public").map((r) => r.path));
}
