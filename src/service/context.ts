/**
 * What the certificate service needs from a request (or a monitor run): resolved once, passed down.
 */
import type { Principal } from "../auth/principal";
import { platformTimer } from "../cache/kv-guard";
import type { Config } from "../config/load";
import type { Deps, FetchLike } from "../deps";
import type { BudgetCaller } from "../durable/upstream-budget";
import { createLogger } from "../logger";
import { type AuditNotes, upstreamRequestIdOf } from "../model/audit-notes";
import type { ConfiguredProvider } from "../providers/types";
import type { UpstreamContext } from "../upstream/context";
import { governedFetch } from "../upstream/governor";
import type { PermitLease } from "../upstream/permit-lease";

export interface ServiceContext {
  deps: Deps;
  config: Config;
  requestId: string;
  principal: Principal;
  waitUntil: (promise: Promise<unknown>) => void;
  /** Present for an audited request (a write): what it reached, filled as the use case runs. */
  notes?: AuditNotes;
  /** This isolate's leased budget permits (upstream/permit-lease.ts); absent: one round trip per call. */
  lease?: PermitLease;
}

/** The monitor, as the budget knows it: it may spend the reserve, and has no allowance per minute. */
export const MONITOR_CALLER: BudgetCaller = { kind: "monitor" };

/**
 * A rotation's Workflow steps, after the request that started it: one caller of their own, so a
 * rotation never spends the starting key's allowance nor the monitor's reserve, and is refused (then
 * retried by its step) like any caller when the budget is spent.
 */
export const ROTATION_CALLER: BudgetCaller = { kind: "key", name: "workflow:rotation", perMinute: 60 };

/** The longest caller name the budget keeps (UpstreamBudget's schema). */
const MAX_CALLER_NAME = 128;

/**
 * The budget's caller for a request: the principal (`api_key:<name>` or `access:<identity>`, so a key
 * and an Access identity of the same name never share an allowance) and its allowance per minute.
 */
export function callerOf(ctx: Pick<ServiceContext, "config" | "principal">): BudgetCaller {
  const { principal } = ctx;
  return {
    kind: "key",
    name: `${principal.via}:${principal.name}`.slice(0, MAX_CALLER_NAME),
    perMinute: principal.upstreamPerMinute ?? ctx.config.budget.keyPerMinute,
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

/**
 * One upstream operation of a request or run on `provider`'s API: the configured deadline and policy,
 * and a fetch governed by the provider's budget for `caller` (upstream/governor.ts); `base` is what
 * sends a granted request (the platform's fetch, or the monitor's budgeted one). Without the
 * UPSTREAM_BUDGET binding, `base` itself. An audited request's `base` notes each answer's upstream
 * request id.
 */
export function upstreamContext(
  ctx: Pick<ServiceContext, "deps" | "config" | "requestId" | "lease" | "notes">,
  provider: Pick<ConfiguredProvider, "descriptor" | "budget">,
  caller: BudgetCaller,
  platform: FetchLike = ctx.deps.fetch,
): UpstreamContext {
  const { config, deps } = ctx;
  // An audited request notes the upstream's request id of each answer it really got.
  const base = ctx.notes ? noting(platform, ctx.notes) : platform;
  const namespace = config.budget.namespace;
  const fetch =
    namespace === null
      ? base
      : governedFetch({
          base,
          object: async () => {
            const name = await provider.budget.objectName();
            return { name, port: namespace.get(namespace.idFromName(name)) };
          },
          provider: provider.descriptor.name,
          label: provider.descriptor.label,
          caller,
          limitPer5Min: provider.budget.limitPer5Min,
          reservePercent: config.budget.monitorReservePercent,
          now: deps.now,
          logger: createLogger(deps, config.secrets, { request_id: ctx.requestId }),
          timer: platformTimer,
          ...(ctx.lease ? { lease: ctx.lease } : {}),
        });
  return {
    fetch,
    deps,
    requestId: ctx.requestId,
    deadline: deps.now() + config.upstream.deadlineMs,
    policy: { timeoutMs: config.upstream.timeoutMs, maxRetries: config.upstream.maxRetries },
    secrets: config.secrets,
  };
}

/** A request's upstream context for a scope it was authorized for: governed for its caller. */
export function requestUpstream(
  ctx: ServiceContext,
  target: Pick<ConfiguredProvider, "descriptor" | "budget">,
): UpstreamContext {
  return upstreamContext(ctx, target, callerOf(ctx));
}
