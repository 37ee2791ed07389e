/**
 * Which scopes one run checks, within the subrequest budget (50 subrequests per invocation on the Free
 * plan, webhooks included: https://developers.cloudflare.com/workers/platform/limits/). Every configured
 * zone/project is a scope; a scope costs its list pages, plus one quota call for a provider with a quota
 * API. The estimate is the scope's cost at its last successful check (default: 1, or 2 with a quota).
 *
 * Rotation: scopes are taken least-recently-attempted first (never attempted first, then configuration
 * order), in that strict order until the next one does not fit. The per-scope `last_attempt_at` in
 * STATE is the rotation cursor: with more scopes than one run can afford, the next run starts where
 * this one stopped, and every scope is covered within ceil(total cost / budget) runs. The report gives
 * each scope's coverage (`last_checked_at`).
 *
 * A provider may cap what one run spends on it (its descriptor's `monitor.maxCallsPerRun`), when its
 * rate limit is shared with certgate's API traffic.
 */
import type { Source } from "./sources";
import type { MonitorState } from "./state";

export type SkipReason = "budget" | "rate_limited";

export interface Plan {
  selected: Source[];
  skipped: Array<{ source: Source; reason: SkipReason }>;
  /** Estimated cost of each selected scope. */
  estimates: Map<string, number>;
}

export interface PlanInput {
  sources: readonly Source[];
  state: MonitorState;
  /** Subrequests available to scope checks (budget minus what alerts and remediation reserve). */
  available: number;
  now: number;
}

/** A scope's least cost: one list page, plus one quota call where the provider has a quota API. */
export function floorCost(source: Source): number {
  return source.provider.descriptor.hasQuotaApi ? 2 : 1;
}

export function estimatedCost(source: Source, state: MonitorState): number {
  const last = state.scopes[source.key]?.last_cost;
  const floor = floorCost(source);
  return Math.max(last ?? floor, floor);
}

export function coolingDown(state: MonitorState, provider: string, now: number): boolean {
  const until = state.cooldown[provider];
  return until !== undefined && now < until;
}

export function planRun(input: PlanInput): Plan {
  const { state, now } = input;
  const order = new Map(input.sources.map((s, i) => [s.key, i]));
  const lastAttempt = (s: Source) => state.scopes[s.key]?.last_attempt_at ?? Number.NEGATIVE_INFINITY;
  const queue = [...input.sources].sort(
    (a, b) => lastAttempt(a) - lastAttempt(b) || (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0),
  );

  const plan: Plan = { selected: [], skipped: [], estimates: new Map() };
  let left = input.available;
  const providerLeft = new Map<string, number>();
  const capOf = (source: Source) =>
    providerLeft.get(source.scope.provider) ??
    source.provider.descriptor.monitor.maxCallsPerRun ??
    Number.POSITIVE_INFINITY;
  let full = false;
  for (const source of queue) {
    if (coolingDown(state, source.scope.provider, now)) {
      plan.skipped.push({ source, reason: "rate_limited" });
      continue;
    }
    const cost = estimatedCost(source, state);
    if (cost > input.available) {
      // Larger than a whole run's budget: it can never fit, so it must not hold up the scopes behind it
      // (the report shows it skipped, with its measured cost; raise MONITOR_SUBREQUEST_BUDGET).
      plan.skipped.push({ source, reason: "budget" });
      continue;
    }
    if (full || cost > left || cost > capOf(source)) {
      // Strict order keeps rotation fair: a large scope is never overtaken forever by small ones.
      full = true;
      plan.skipped.push({ source, reason: "budget" });
      continue;
    }
    left -= cost;
    providerLeft.set(source.scope.provider, capOf(source) - cost);
    plan.selected.push(source);
    plan.estimates.set(source.key, cost);
  }
  return plan;
}
