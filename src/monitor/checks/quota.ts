/**
 * Quota check per Cloudflare zone (domain.md: warn at a share of the allocation, critical when
 * exhausted). Gjirafa has no quota API (`supported: false`): nothing to check, never "zero".
 */
import type { Quota } from "../../model/certificate";
import { type Problem, type ScopeTarget, scopeProblemKey } from "../problems";

export function quotaProblem(target: ScopeTarget, quota: Quota, warnPercent: number): Problem | null {
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
      ? `${target.provider} zone ${target.id}: certificate quota exhausted: ${used} of ${allocated} used; new orders will fail`
      : `${target.provider} zone ${target.id}: certificate quota at ${percent}%: ${used} of ${allocated} used (warning at ${warnPercent}%)`,
    details: { quota: { allocated, used, percent } },
  };
}
