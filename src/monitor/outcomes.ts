/**
 * The run's results, scope by scope, turned into the next STATE and the problems found now: a successful
 * check is evaluated (evaluate.ts), a failed one becomes a source problem with its error kept, a skipped
 * one keeps its entry. Also the certificates remediation may restart.
 */
import type { Config } from "../config/load";
import { sourceProblem } from "./checks/source";
import { evaluateScope } from "./evaluate";
import type { ExecuteOutput, ScopeOutcome } from "./execute";
import type { Plan } from "./plan";
import type { PolicyBook } from "./policies";
import type { Problem } from "./problems";
import { isRemediable, type RemediationCandidate } from "./remediate";
import type { Source } from "./sources";
import { emptyScopeState, type MonitorState } from "./state";

export interface Outcomes {
  /** The next STATE, before remediation, dedupe and delivery fill in their parts. */
  next: MonitorState;
  /** What this run did with each scope, and the calls it cost. */
  byScope: Map<string, { outcome: ScopeOutcome; calls: number }>;
  /** Problems found now (before dedupe). */
  current: Problem[];
  /** Scopes whose certificates were evaluated (a successful check). */
  evaluated: Set<string>;
  /** Scopes whose check was attempted (evaluated or failed). */
  attempted: Set<string>;
  candidates: RemediationCandidate[];
}

export async function outcomesOf(
  config: Config,
  sources: readonly Source[],
  state: MonitorState,
  plan: Plan,
  executed: ExecuteOutput,
  now: number,
  policies: PolicyBook,
): Promise<Outcomes> {
  const next: MonitorState = { ...state, scopes: {}, cooldown: { ...state.cooldown, ...executed.cooldown } };
  const out: Outcomes = {
    next,
    byScope: new Map(),
    current: [],
    evaluated: new Set(),
    attempted: new Set(),
    candidates: [],
  };
  for (const { source, reason } of plan.skipped) {
    out.byScope.set(source.key, { outcome: `skipped_${reason}`, calls: 0 });
  }
  for (const run of executed.runs) {
    out.byScope.set(run.source.key, { outcome: run.outcome, calls: run.calls });
    const previous = state.scopes[run.source.key] ?? emptyScopeState();
    if (!run.check) continue;
    out.attempted.add(run.source.key);
    if (run.check.ok) {
      const result = await evaluateScope(config, run.source, run.check, previous, now, policies);
      out.evaluated.add(run.source.key);
      out.current.push(...result.problems);
      next.scopes[run.source.key] = result.next;
      for (const [nativeId, cert] of run.check.certificates) {
        if (isRemediable(cert)) out.candidates.push({ source: run.source, nativeId, cert });
      }
      continue;
    }
    const { code, message, details } = run.check.error;
    out.current.push(sourceProblem(run.source.scope, run.check.error));
    const last_error =
      details.retry_after === undefined
        ? { code, message }
        : { code, message, retry_after: details.retry_after };
    next.scopes[run.source.key] = {
      ...previous,
      last_attempt_at: now,
      last_error,
      // Cut off at the budget: it costs more than it got, so the planner stops expecting it to fit.
      ...(code === "subrequest_budget_exhausted"
        ? { last_cost: Math.max(previous.last_cost ?? 0, run.calls + 1) }
        : {}),
    };
  }
  // Scopes not attempted keep their entry; scopes no longer configured are forgotten.
  for (const s of sources) next.scopes[s.key] ??= state.scopes[s.key] ?? emptyScopeState();
  return out;
}
