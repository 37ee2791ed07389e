/**
 * Authorization: what every route and the certificate service call after authentication. Pure helpers
 * plus `requirePermission`.
 *
 * A 403 never says whether the resource exists: `assertAllowed` answers the same message for a zone
 * or project that is configured but not granted and for one that does not exist at all, so callers
 * must call it before they look anything up.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Permission } from "../config/grants";
import type { AppEnv } from "../context";
import { AppError } from "../errors";
import type { Scope } from "../model/scope";
import type { Principal } from "./principal";

/** The one message of every resource 403 (see the module comment). */
export const FORBIDDEN_RESOURCE_MESSAGE = "Your credentials do not grant access to this resource";

export function hasPermission(p: Principal, permission: Permission): boolean {
  return p.permissions.has(permission) || p.permissions.has("admin");
}

export function allowsZone(p: Principal, zoneId: string): boolean {
  return p.zones === "*" || p.zones.has(zoneId.toLowerCase());
}

export function allowsProject(p: Principal, projectId: string): boolean {
  return p.projects === "*" || p.projects.has(projectId.toLowerCase());
}

/** Whether the principal's grants cover the scope (zones or projects, by its kind). */
export function allowsScope(p: Principal, scope: Pick<Scope, "kind" | "id">): boolean {
  return scope.kind === "zone" ? allowsZone(p, scope.id) : allowsProject(p, scope.id);
}

/** Throws 403 `forbidden` (non-revealing) unless the principal may touch `scope`. */
export function assertAllowed(p: Principal, scope: Pick<Scope, "kind" | "id">): void {
  if (!allowsScope(p, scope)) throw new AppError("forbidden", FORBIDDEN_RESOURCE_MESSAGE);
}

/** Throws 403 `forbidden` unless the principal has `permission` (or admin). */
export function assertPermission(p: Principal, permission: Permission): void {
  if (!hasPermission(p, permission)) {
    throw new AppError("forbidden", `Your credentials lack the scope ${permission}`);
  }
}

/** Reads the principal the authenticator set; 401 if a route was mounted without it. */
export function currentPrincipal(c: Context<AppEnv>): Principal {
  const principal: Principal | undefined = c.get("principal");
  if (!principal) throw new AppError("unauthorized", "Authentication required");
  return principal;
}

export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async function requirePermissionMiddleware(c, next) {
    assertPermission(currentPrincipal(c), permission);
    await next();
  };
}
