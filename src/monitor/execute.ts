/**
 * Runs the planned scope checks: at most 6 at once (limiter.ts), each through its own budgeted fetch
 * (budget.ts) so the run knows what every scope cost. Before a scope starts, the budget is checked against what was really
 * spent plus what running scopes are expected to spend (retries and extra pages can cost more than
 * planned). A rate limit on one scope stops further calls to that provider for this run and, for
 * Retry-After seconds, for the next runs too: never a sleep (an upstream over its limit may refuse every
 * call for minutes; Cloudflare does for 5).
 */
import type { Config } from "../config/load";
import type { Deps } from "../deps";
import type { ScopeList } from "../providers/types";
import { MONITOR_CALLER, upstreamContext } from "../service/context";
import type { UpstreamContext } from "../upstream/context";
import { createRunBudget } from "./budget";
import { DEFAULT_RETRY_AFTER_SECONDS } from "./checks/source";
import { checkScope, type ScopeCheck } from "./collect";
import { createLimiter } from "./limiter";
import type { Source } from "./sources";

export type ScopeOutcome = "checked" | "failed" | "skipped_budget" | "skipped_rate_limited";

export interface ScopeRun {
  source: Source;
  outcome: ScopeOutcome;
  check: ScopeCheck | null;
  calls: number;
}

export interface ExecuteInput {
  deps: Deps;
  config: Config;
  runId: string;
  selected: readonly Source[];
  estimates: ReadonlyMap<string, number>;
  /** Subrequests scope checks may spend in total. */
  available: number;
  onList: (source: Source, list: ScopeList<unknown>, fetchedAt: number) => void;
  /** The last list known for a scope (the list cache), a hint for its provider. */
  previousList?: (source: Source) => Promise<readonly unknown[] | null>;
}

export interface ExecuteOutput {
  runs: ScopeRun[];
  calls: number;
  /** Providers (by name) that answered 429: no calls before this time (epoch ms). */
  cooldown: Record<string, number>;
}

export async function executeChecks(input: ExecuteInput): Promise<ExecuteOutput> {
  const { deps, config } = input;
  const limited = createLimiter();
  const cooldown: Record<string, number> = {};
  let spent = 0;
  let reserved = 0;
  // The hard cap behind the estimates: a scope that costs more than planned (a project grown past its
  // last measured size) is cut off at the budget, never pushed past the platform's per-invocation limit.
  const budget = createRunBudget(deps.fetch, input.available);

  const runOne = async (source: Source): Promise<ScopeRun> => {
    const estimate = input.estimates.get(source.key) ?? 1;
    if (cooldown[source.scope.provider] !== undefined) {
      return { source, outcome: "skipped_rate_limited", check: null, calls: 0 };
    }
    if (spent + reserved + estimate > input.available) {
      return { source, outcome: "skipped_budget", check: null, calls: 0 };
    }
    reserved += estimate;
    const scoped = budget.forScope(source.scope.provider);
    // Governed as the monitor (it may spend the reserve of the shared budget), then counted by the run.
    const ctx: UpstreamContext = {
      ...upstreamContext(
        { deps, config, requestId: input.runId },
        source.provider,
        MONITOR_CALLER,
        scoped.fetch,
      ),
      budget: scoped.budget,
    };
    const check = await checkScope(
      source,
      ctx,
      (list, at) => input.onList(source, list, at),
      async () => (input.previousList ? input.previousList(source) : null),
    );
    reserved -= estimate;
    // A provider that does not meter still costs at least its planned calls.
    const calls = Math.max(check.calls, check.ok ? estimate : 0, 1);
    spent += calls;
    if (!check.ok && check.error.code === "upstream_rate_limited") {
      const seconds = check.error.details.retry_after ?? DEFAULT_RETRY_AFTER_SECONDS;
      cooldown[source.scope.provider] = deps.now() + seconds * 1000;
    }
    if (!check.ok && check.error.code === "subrequest_budget_exhausted") {
      return { source, outcome: "skipped_budget", check, calls };
    }
    return { source, outcome: check.ok ? "checked" : "failed", check, calls };
  };

  const runs = await Promise.all(input.selected.map((s) => limited(() => runOne(s))));
  return { runs, calls: spent, cooldown };
}
