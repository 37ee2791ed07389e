/**
 * Quota check per scope of a provider with a quota API: warn at a share of the allocation, critical when
 * exhausted. A provider without one (`supported: false`) has nothing to check, never "zero".
 */
import type { Quota } from "../../model/certificate";
import type { Scope } from "../../model/scope";
import { type Problem, scopeProblemKey } from "../problems";

export function quotaProblem(target: Scope, quota: Quota, warnPercent: number): Problem | null {
  if (!quota.supported || quota.allocated === null || quota.used === null) return null;
  const { allocated, used } = quota;
  const percent = allocated > 0 ? Math.round((used / allocated) * 1000) / 10 : 100;
  const critical = used >= allocated;
  if (!critical && percent < warnPercent) return null;
  const severity = critical ? "critical" : "warning";
  return {
    fingerprint: scopeProblemKey("quota", target),
    kind: "quota",
    severity,
    level: severity,
    provider: target.provider,
    scope: { kind: target.kind, id: target.id },
    certificate_id: null,
    hosts: [],
    message: critical
      ? `${target.provider} ${target.kind} ${target.id}: certificate quota exhausted: ${used} of ${allocated} used; new orders will fail`
      : `${target.provider} ${target.kind} ${target.id}: certificate quota at ${percent}%: ${used} of ${allocated} used (warning at ${warnPercent}%)`,
    details: { quota: { allocated, used, percent } },
    owner: null,
    runbook: null,
  };
}
