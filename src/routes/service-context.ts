import type { Context } from "hono";
import { currentPrincipal } from "../auth/authorize";
import type { AppEnv } from "../context";
import type { ServiceContext } from "../service/context";

/** The service context of a request: resolved config, deps, caller and the invocation's waitUntil. */
export function serviceContext(c: Context<AppEnv>): ServiceContext {
  let waitUntil: (promise: Promise<unknown>) => void;
  try {
    const exec = c.executionCtx;
    waitUntil = (promise) => exec.waitUntil(promise);
  } catch {
    // No ExecutionContext (a bare app.fetch in a script): run background work unattended.
    waitUntil = (promise) => void promise.catch(() => undefined);
  }
  return {
    deps: c.get("deps"),
    config: c.get("config"),
    requestId: c.get("requestId"),
    principal: currentPrincipal(c),
    waitUntil,
  };
}
