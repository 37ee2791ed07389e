/**
 * Which scopes one run checks, within the subrequest budget (domain.md: 50 per invocation on the Free
 * plan, webhooks included). Every configured zone/project is a scope; a zone costs its list pages plus
 * one quota call, a project its pages. The estimate is the scope's cost at its last successful check
 * (defaults: zone 2, project 1).
 *
 * Rotation: scopes are taken least-recently-attempted first (never attempted first, then configuration
 * order), in that strict order until the next one does not fit. The per-scope `last_attempt_at` in
 * STATE is the rotation cursor: with more scopes than one run can afford, the next run starts where
 * this one stopped, and every scope is covered within ceil(total cost / budget) runs. The report gives
 * each scope's coverage (`last_checked_at`).
 *
 * Cloudflare allows 1,200 calls per 5 minutes per token, shared with certgate's API traffic: a run
 * spends at most CLOUDFLARE_CALLS_PER_RUN of them (a quarter), whatever the budget.
 */
import type { ProviderName } from "../errors";
import { type ScopeTarget, scopeKey } from "./problems";
import type { MonitorState } from "./state";

export const CLOUDFLARE_CALLS_PER_RUN = 300;

export type SkipReason = "budget" | "rate_limited";

export interface Plan {
  selected: ScopeTarget[];
  skipped: Array<{ target: ScopeTarget; reason: SkipReason }>;
  /** Estimated cost of each selected scope. */
  estimates: Map<string, number>;
}

export interface PlanInput {
  targets: readonly ScopeTarget[];
  state: MonitorState;
  /** Subrequests available to scope checks (budget minus what alerts and remediation reserve). */
  available: number;
  now: number;
}

export function estimatedCost(target: ScopeTarget, state: MonitorState): number {
  const last = state.scopes[scopeKey(target)]?.last_cost;
  const floor = target.kind === "zone" ? 2 : 1;
  return Math.max(last ?? floor, floor);
}

export function coolingDown(state: MonitorState, provider: ProviderName, now: number): boolean {
  const until = state.cooldown[provider];
  return until !== undefined && now < until;
}

export function planRun(input: PlanInput): Plan {
  const { state, now } = input;
  const order = new Map(input.targets.map((t, i) => [scopeKey(t), i]));
  const lastAttempt = (t: ScopeTarget) =>
    state.scopes[scopeKey(t)]?.last_attempt_at ?? Number.NEGATIVE_INFINITY;
  const queue = [...input.targets].sort(
    (a, b) =>
      lastAttempt(a) - lastAttempt(b) || (order.get(scopeKey(a)) ?? 0) - (order.get(scopeKey(b)) ?? 0),
  );

  const plan: Plan = { selected: [], skipped: [], estimates: new Map() };
  let left = input.available;
  const providerLeft: Record<ProviderName, number> = {
    cloudflare: CLOUDFLARE_CALLS_PER_RUN,
    gjirafa: Number.POSITIVE_INFINITY,
  };
  let full = false;
  for (const target of queue) {
    if (coolingDown(state, target.provider, now)) {
      plan.skipped.push({ target, reason: "rate_limited" });
      continue;
    }
    const cost = estimatedCost(target, state);
    if (cost > input.available) {
      // Larger than a whole run's budget: it can never fit, so it must not hold up the scopes behind it
      // (the report shows it skipped, with its measured cost; raise MONITOR_SUBREQUEST_BUDGET).
      plan.skipped.push({ target, reason: "budget" });
      continue;
    }
    if (full || cost > left || cost > providerLeft[target.provider]) {
      // Strict order keeps rotation fair: a large scope is never overtaken forever by small ones.
      full = true;
      plan.skipped.push({ target, reason: "budget" });
      continue;
    }
    left -= cost;
    providerLeft[target.provider] -= cost;
    plan.selected.push(target);
    plan.estimates.set(scopeKey(target), cost);
  }
  return plan;
}
