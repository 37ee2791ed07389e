/**
 * Turns one successful scope check into problems and the scope's next STATE entry: first-seen times
 * of each status (for "stuck"), deletions seen outside certgate, quota, status and expiry problems (under
 * the scope's policy and the provider's renewal rule).
 * Pure except for one KV list of deletion markers, made only when a certificate vanished or turned
 * deleted.
 */
import type { Config } from "../config/load";
import type { Certificate } from "../model/certificate";
import { deletedThroughCertgate } from "../state/deletions";
import { deletionCandidates, deletionProblem, type Observation } from "./checks/disappeared";
import { expiryProblem } from "./checks/expiry";
import { quotaProblem } from "./checks/quota";
import { statusProblems } from "./checks/status";
import type { ScopeCheck } from "./collect";
import type { PolicyBook } from "./policies";
import type { Problem } from "./problems";
import type { Source } from "./sources";
import type { ScopeState } from "./state";

export interface Evaluation {
  problems: Problem[];
  next: ScopeState;
}

export async function evaluateScope(
  config: Config,
  source: Source,
  check: Extract<ScopeCheck, { ok: true }>,
  previous: ScopeState,
  now: number,
  policies: PolicyBook,
): Promise<Evaluation> {
  const problems: Problem[] = [];
  const { descriptor } = source.provider;
  const expiry = {
    now,
    thresholds: policies.of(source.scope).thresholds,
    renewal: (input: Parameters<typeof descriptor.renewal>[0]) => descriptor.renewal(input),
    providerLabel: descriptor.label,
  };
  const certs: Record<string, Observation> = {};
  const counts: Record<string, number> = {};
  for (const [nativeId, cert] of check.certificates) {
    const prev = previous.certs[nativeId];
    // "Stuck" counts from the first time the monitor saw this provider status (kept across runs).
    const since = prev && prev.provider_status === cert.provider_status ? prev.status_since : now;
    certs[nativeId] = observe(cert, since);
    counts[cert.status] = (counts[cert.status] ?? 0) + 1;
    problems.push(
      ...statusProblems(cert, { now, stuckHours: config.monitor.stuckHours, statusSince: since }),
    );
    const expiring = expiryProblem(cert, expiry);
    if (expiring) problems.push(expiring);
  }

  const candidates = deletionCandidates(previous.certs, check.certificates);
  if (candidates.length > 0) {
    const viaCertgate = await deletedThroughCertgate(config.state, source.scope);
    for (const c of candidates) {
      if (!viaCertgate.has(c.nativeId.toLowerCase())) problems.push(deletionProblem(source.scope, c));
    }
  }

  if (check.quota) {
    const q = quotaProblem(source.scope, check.quota, config.monitor.quotaWarnPercent);
    if (q) problems.push(q);
  }

  return {
    problems,
    next: {
      last_attempt_at: now,
      last_success_at: now,
      last_cost: check.calls,
      last_error: null,
      counts,
      total: check.certificates.size,
      quota: check.quota,
      certs,
      skipped: check.skipped,
    },
  };
}

function observe(cert: Certificate, since: number): Observation {
  return {
    certificate_id: cert.id,
    hosts: cert.hosts.slice(0, 5),
    status: cert.status,
    provider_status: cert.provider_status,
    status_since: since,
    expires_at: cert.expires_at,
  };
}
