/**
 * What the certificate service needs from a request (or a monitor run): resolved once, passed down.
 */
import type { Principal } from "../auth/principal";
import type { Config } from "../config/load";
import type { Deps, FetchLike } from "../deps";
import { type AuditNotes, upstreamRequestIdOf } from "../model/audit-notes";
import type { UpstreamContext } from "../upstream/context";

export interface ServiceContext {
  deps: Deps;
  config: Config;
  requestId: string;
  principal: Principal;
  waitUntil: (promise: Promise<unknown>) => void;
  /** Present for an audited request (a write): what it reached, filled as the use case runs. */
  notes?: AuditNotes;
}

/** One upstream operation of a request or run: the platform's fetch, the configured deadline and policy. */
export function upstreamContext(
  ctx: Pick<ServiceContext, "deps" | "config" | "requestId" | "notes">,
): UpstreamContext {
  return {
    fetch: ctx.notes ? noting(ctx.deps.fetch, ctx.notes) : ctx.deps.fetch,
    deps: ctx.deps,
    requestId: ctx.requestId,
    deadline: ctx.deps.now() + ctx.config.upstream.deadlineMs,
    policy: { timeoutMs: ctx.config.upstream.timeoutMs, maxRetries: ctx.config.upstream.maxRetries },
    secrets: ctx.config.secrets,
  };
}

/**
 * The fetch of an audited request: it notes the upstream's request id of each answer, a write's over a
 * read's (a delete reads the pack first; the DELETE's id is the one worth quoting to the upstream).
 */
function noting(fetch: FetchLike, notes: AuditNotes): FetchLike {
  return async (input, init) => {
    const response = await fetch(input, init);
    const id = upstreamRequestIdOf(response.headers);
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    if (id !== null && (method !== "GET" || notes.upstream_request_id === null))
      notes.upstream_request_id = id;
    return response;
  };
}
