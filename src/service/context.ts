/**
 * What the certificate service needs from a request (or a monitor run): resolved once, passed down.
 */
import type { Principal } from "../auth/principal";
import type { Config } from "../config/load";
import type { Deps } from "../deps";
import type { UpstreamContext } from "../upstream/context";

export interface ServiceContext {
  deps: Deps;
  config: Config;
  requestId: string;
  principal: Principal;
  waitUntil: (promise: Promise<unknown>) => void;
}

/** One upstream operation of a request or run: the platform's fetch, the configured deadline and policy. */
export function upstreamContext(ctx: Pick<ServiceContext, "deps" | "config" | "requestId">): UpstreamContext {
  return {
    fetch: ctx.deps.fetch,
    deps: ctx.deps,
    requestId: ctx.requestId,
    deadline: ctx.deps.now() + ctx.config.upstream.deadlineMs,
    policy: { timeoutMs: ctx.config.upstream.timeoutMs, maxRetries: ctx.config.upstream.maxRetries },
    secrets: ctx.config.secrets,
  };
}
