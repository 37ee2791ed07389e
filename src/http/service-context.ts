import type { Context } from "hono";
import { currentPrincipal } from "../auth/authorize";
import type { AppEnv } from "../context";
import type { ServiceContext } from "../service/context";

/** The service context of a request: resolved config, deps, caller and the invocation's waitUntil. */
export function serviceContext(c: Context<AppEnv>): ServiceContext {
  const lease = c.get("permitLease");
  return {
    deps: c.get("deps"),
    config: c.get("config"),
    requestId: c.get("requestId"),
    principal: currentPrincipal(c),
    waitUntil: waitUntilOf(c),
    notes: c.get("auditNotes"),
    ...(lease ? { lease } : {}),
  };
}

/** The invocation's waitUntil; without an ExecutionContext (a bare app.fetch in a script), unattended. */
function waitUntilOf(c: Context<AppEnv>): (promise: Promise<unknown>) => void {
  return executionWaitUntil(c) ?? ((promise) => void promise.catch(() => undefined));
}

/** The invocation's waitUntil, or undefined without an ExecutionContext (the caller then awaits). */
export function executionWaitUntil(c: Context<AppEnv>): ((promise: Promise<unknown>) => void) | undefined {
  try {
    const exec = c.executionCtx;
    return (promise) => exec.waitUntil(promise);
  } catch {
    return undefined;
  }
}
