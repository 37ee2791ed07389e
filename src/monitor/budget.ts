/**
 * The monitor's subrequest budget as a fetch. A Worker invocation may send a bounded number of
 * subrequests (50 on the Free plan); one run sends at most MONITOR_SUBREQUEST_BUDGET minus what alerts and
 * remediation keep. Every upstream request of the run's scope checks goes through one budgeted fetch:
 * it counts what each scope sends and, once the run's share is spent, refuses with
 * `subrequest_budget_exhausted` WITHOUT sending, instead of the runtime refusing mid-list. The upstream
 * core passes that refusal on as final (upstream/context.ts).
 */
import type { FetchLike } from "../deps";
import { AppError } from "../errors";
import type { FetchBudget } from "../upstream/context";

export interface ScopeFetch {
  fetch: FetchLike;
  budget: FetchBudget;
}

export interface RunBudget {
  /** The fetch of one scope's check: its requests count for the scope and against the run. */
  forScope(provider: string): ScopeFetch;
  /** Requests the run's scope checks have sent. */
  spent(): number;
}

export function createRunBudget(fetch: FetchLike, limit: number): RunBudget {
  let spent = 0;
  return {
    forScope(provider) {
      let own = 0;
      const scoped: FetchLike = (input, init) => {
        if (spent >= limit) {
          return Promise.reject(
            new AppError("subrequest_budget_exhausted", "This run's subrequest budget is spent", {
              provider,
            }),
          );
        }
        spent += 1;
        own += 1;
        return fetch(input, init);
      };
      return { fetch: scoped, budget: { remaining: () => Math.max(0, limit - spent), spent: () => own } };
    },
    spent: () => spent,
  };
}
