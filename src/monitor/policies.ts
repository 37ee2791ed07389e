/**
 * The policy each scope runs under (MONITOR_POLICIES over the built-in policy) and the owner and runbook
 * it puts on every problem, notification and report entry of the scope. The built-in policy measures
 * expiry against each certificate's lifetime, unless MONITOR_EXPIRY_DAYS is set: then its ladder is the
 * built-in thresholds (a deployment that set it keeps the alerts it had), 7 days or less critical.
 */
import type { Config } from "../config/load";
import type { Scope } from "../model/scope";
import { BUILTIN_POLICY, channelsFor, type EffectivePolicy, resolvePolicy } from "./lifetime/policy";
import type { AlertChannel } from "./lifetime/severity";
import { DEFAULT_ABSOLUTE_THRESHOLDS } from "./lifetime/thresholds";
import type { Problem } from "./problems";

export interface PolicyBook {
  of(scope: Pick<Scope, "kind" | "id">): EffectivePolicy;
  /** `problem` with its scope's owner and runbook. */
  stamp<P extends Problem>(problem: P): P;
  /** The channels a message about `problem` goes to (by its severity). */
  channels(problem: Pick<Problem, "scope" | "severity">): AlertChannel[];
}

export function builtinPolicy(monitor: Config["monitor"]): EffectivePolicy {
  if (monitor.expiryDays === null) return BUILTIN_POLICY;
  return {
    ...BUILTIN_POLICY,
    thresholds: { ...DEFAULT_ABSOLUTE_THRESHOLDS, days: monitor.expiryDays },
  };
}

export function policyBook(monitor: Config["monitor"]): PolicyBook {
  const builtin = builtinPolicy(monitor);
  const resolved = new Map<string, EffectivePolicy>();
  const of = (scope: Pick<Scope, "kind" | "id">): EffectivePolicy => {
    const key = `${scope.kind}:${scope.id.toLowerCase()}`;
    let policy = resolved.get(key);
    if (!policy) {
      policy = resolvePolicy(monitor.policies, scope.kind, scope.id, builtin);
      resolved.set(key, policy);
    }
    return policy;
  };
  return {
    of,
    stamp: (problem) => {
      const { owner, runbook } = of(problem.scope);
      return { ...problem, owner, runbook };
    },
    channels: (problem) => channelsFor(of(problem.scope), problem.severity),
  };
}
