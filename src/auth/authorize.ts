/**
 * Authorization: what every route calls after authentication. Pure helpers plus `requireScope`.
 *
 * A 403 never says whether the resource exists: `assertAllowed` answers the same message for a zone
 * or project that is configured but not granted and for one that does not exist at all, so routes
 * must call it before they look anything up.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Scope } from "../config";
import type { AppEnv, Principal } from "../context";
import { AppError } from "../errors";

export interface ScopeRef {
  kind: "zone" | "project";
  id: string;
}

/** The one message of every resource 403 (see the module comment). */
export const FORBIDDEN_RESOURCE_MESSAGE = "Your credentials do not grant access to this resource";

export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes.has(scope) || p.scopes.has("admin");
}

export function allowsZone(p: Principal, zoneId: string): boolean {
  return p.zones === "*" || p.zones.has(zoneId.toLowerCase());
}

export function allowsProject(p: Principal, projectId: string): boolean {
  return p.projects === "*" || p.projects.has(projectId.toLowerCase());
}

export function allowsScopeRef(p: Principal, ref: ScopeRef): boolean {
  return ref.kind === "zone" ? allowsZone(p, ref.id) : allowsProject(p, ref.id);
}

/** Throws 403 `forbidden` (non-revealing) unless the principal may touch `ref`. */
export function assertAllowed(p: Principal, ref: ScopeRef): void {
  if (!allowsScopeRef(p, ref)) throw new AppError("forbidden", FORBIDDEN_RESOURCE_MESSAGE);
}

/** Throws 403 `forbidden` unless the principal has `scope` (or admin). */
export function assertScope(p: Principal, scope: Scope): void {
  if (!hasScope(p, scope)) throw new AppError("forbidden", `Your credentials lack the scope ${scope}`);
}

/** Reads the principal the authenticator set; 401 if a route was mounted without it. */
export function currentPrincipal(c: Context<AppEnv>): Principal {
  const principal: Principal | undefined = c.get("principal");
  if (!principal) throw new AppError("unauthorized", "Authentication required");
  return principal;
}

export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async function requireScopeMiddleware(c, next) {
    assertScope(currentPrincipal(c), scope);
    await next();
  };
}
