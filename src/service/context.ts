/**
 * What the certificate service needs from a request (or a monitor run): resolved once, passed down.
 */
import type { Config } from "../config";
import type { Principal } from "../context";
import type { Deps } from "../deps";
import type { UpstreamContext } from "../upstream/context";

export interface ServiceContext {
  deps: Deps;
  config: Config;
  requestId: string;
  principal: Principal;
  waitUntil: (promise: Promise<unknown>) => void;
}

export function upstreamContext(ctx: Omit<ServiceContext, "principal" | "waitUntil">): UpstreamContext {
  return {
    fetch: ctx.deps.fetch,
    deps: ctx.deps,
    config: ctx.config,
    requestId: ctx.requestId,
    deadline: ctx.deps.now() + ctx.config.upstream.deadlineMs,
  };
}
