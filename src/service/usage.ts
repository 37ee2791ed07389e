/**
 * GET /v1/usage: the shared upstream budget as it stands (docs/budget.md). Per provider, its
 * UpstreamBudget object's window (limit, used, the monitor's reserve, any block in force); per caller
 * that asked in the last minute, the upstream calls it caused and the refusals it got. Read from the
 * objects, never estimated; one round trip per configured provider.
 */
import type { Config } from "../config/load";
import type { Deps } from "../deps";
import { KEY_WINDOW_SECONDS, WINDOW_SECONDS } from "../durable/budget-terms";
import type { ConfiguredProvider } from "../providers/types";

export interface CallerUsage {
  name: string;
  via: "api_key" | "access";
  upstream_calls_this_minute: number;
  refusals_this_minute: number;
  /** Its allowance per minute (its `upstream_per_minute`, else KEY_UPSTREAM_PER_MINUTE). */
  limit_per_minute: number;
}

export interface ProviderUsage {
  provider: string;
  window_seconds: number;
  /** Calls per window certgate may make with this credential; null: no cap. */
  limit: number | null;
  used: number;
  /** The part of `limit` only the monitor may spend. */
  reserve: number;
  /** RFC 3339: no call is sent to this upstream before then (its 429 or `Ratelimit: r=0`). */
  blocked_until: string | null;
  blocked_by: string | null;
  callers: CallerUsage[];
}

export interface Usage {
  /** False without the UPSTREAM_BUDGET binding: nothing is counted or capped. */
  governed: boolean;
  key_window_seconds: number;
  key_upstream_per_minute: number;
  monitor_reserve_percent: number;
  providers: ProviderUsage[];
}

/** `api_key:<name>` / `access:<identity>` (service/context.ts callerOf) back into its parts. */
function callerName(stored: string): { name: string; via: "api_key" | "access" } {
  if (stored.startsWith("access:")) return { name: stored.slice("access:".length), via: "access" };
  return { name: stored.replace(/^api_key:/, ""), via: "api_key" };
}

export async function readUsage(deps: Pick<Deps, "now">, config: Config): Promise<Usage> {
  const { namespace, keyPerMinute, monitorReservePercent } = config.budget;
  const own = new Map(config.apiKeys.map((k) => [k.name, k.upstream_per_minute ?? keyPerMinute]));
  const now = deps.now();
  const providerUsage = async (p: ConfiguredProvider): Promise<ProviderUsage> => {
    const limit = p.budget.limitPer5Min;
    const base: ProviderUsage = {
      provider: p.descriptor.name,
      window_seconds: WINDOW_SECONDS,
      limit,
      used: 0,
      reserve: 0,
      blocked_until: null,
      blocked_by: null,
      callers: [],
    };
    if (namespace === null) return base;
    const stub = namespace.get(namespace.idFromName(await p.budget.objectName()));
    const usage = await stub.usage({ now, limitPer5Min: limit, reservePercent: monitorReservePercent });
    return {
      ...base,
      used: usage.window.used,
      reserve: usage.window.reserve,
      blocked_until:
        usage.window.blockedUntil === null ? null : new Date(usage.window.blockedUntil).toISOString(),
      blocked_by: usage.window.blockedBy,
      callers: usage.keys.map((k) => {
        const { name, via } = callerName(k.name);
        return {
          name,
          via,
          upstream_calls_this_minute: k.permitsThisMinute,
          refusals_this_minute: k.refusalsThisMinute,
          limit_per_minute: via === "api_key" ? (own.get(name) ?? keyPerMinute) : keyPerMinute,
        };
      }),
    };
  };
  return {
    governed: namespace !== null,
    key_window_seconds: KEY_WINDOW_SECONDS,
    key_upstream_per_minute: keyPerMinute,
    monitor_reserve_percent: monitorReservePercent,
    providers: await Promise.all(config.providers.map(providerUsage)),
  };
}
