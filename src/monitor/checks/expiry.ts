/**
 * The expiry check of one certificate: the lifetime model (src/monitor/lifetime/classify.ts) under the
 * scope's thresholds (MONITOR_POLICIES, else MONITOR_EXPIRY_DAYS's ladder, else lifetime-relative) and its
 * provider's own renewal rule (the descriptor's `renewal`, from the registry). One problem per
 * certificate lifetime, keyed `expiry:<id>@<expiry>`, whose kind follows the level:
 *   renewal_due, critical -> `expiring`;  late -> `late_renewal`;  expired -> `expired`.
 * Its `level` is the assessment's dedupe key (`renewal_due`, `critical:7d` in absolute mode), so each
 * level a certificate reaches is one transition (at most 4 per lifetime), and a renewal (a new expiry)
 * is a new key: the old problem resolves and the new certificate starts afresh.
 */
import type { Certificate } from "../../model/certificate";
import type { ProviderRenewal, RenewalInput } from "../../model/renewal";
import { classifyExpiry, type ExpiryAssessment, type ExpiryLevel } from "../lifetime/classify";
import type { AbsoluteThresholds, ExpiryThresholds } from "../lifetime/thresholds";
import { resolveValidity } from "../lifetime/validity";
import { certificateProblem, expiryProblemKey, type Problem, type ProblemKind } from "../problems";

/** Not serving, or already reported by the status check (a provider-reported `expired`). */
const SKIP = new Set(["deleted", "deleting", "inactive", "expired"]);

const KIND: Record<Exclude<ExpiryLevel, "ok">, ProblemKind> = {
  renewal_due: "expiring",
  critical: "expiring",
  late: "late_renewal",
  expired: "expired",
};

export interface ExpiryCheckInput {
  now: number;
  thresholds: ExpiryThresholds;
  /** The ladder for a certificate of unknown validity under lifetime thresholds. */
  fallback?: AbsoluteThresholds;
  /** The provider's renewal rule (its descriptor's `renewal`). */
  renewal: (input: RenewalInput) => ProviderRenewal;
  /** How messages name the provider ("Cloudflare"). */
  providerLabel: string;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

function message(cert: Certificate, a: ExpiryAssessment, providerLabel: string): string {
  const label = cert.hosts[0] ?? cert.id;
  const left = plural(Math.max(0, a.days_remaining), "day");
  const t = a.thresholds;
  const renews = t.provider_renewal_days;
  switch (a.level) {
    case "expired":
      return `${label}: certificate expired ${cert.expires_at}`;
    case "late":
      return `${label}: ${left} left (expires ${cert.expires_at}), ${providerLabel} renews ${renews} days before expiry: not renewed`;
    case "critical":
      return t.mode === "lifetime"
        ? `${label}: expires in ${left} (${cert.expires_at}), under the critical floor of ${t.critical_floor_days} days${a.late ? ", not renewed" : ""}`
        : `${label}: expires in ${left} (${cert.expires_at}), under ${t.rung_days} days${a.late ? ", not renewed" : ""}`;
    default:
      if (t.mode === "absolute")
        return `${label}: expires in ${left} (${cert.expires_at}), under ${t.rung_days} days`;
      return renews === null
        ? `${label}: ${left} of ${t.validity_days} left (expires ${cert.expires_at}); nothing renews it automatically: renew or replace it`
        : `${label}: renewal window open, ${left} of ${t.validity_days} left (expires ${cert.expires_at}); ${providerLabel} renews ${renews} days before expiry`;
  }
}

/** The expiry problem of `cert` now, or null (ok, not serving, or no usable expiry). */
export function expiryProblem(cert: Certificate, input: ExpiryCheckInput): Problem | null {
  if (SKIP.has(cert.status)) return null;
  const validity = resolveValidity(cert);
  if (validity === null) return null;
  const assessment = classifyExpiry({
    certificate: cert,
    now: input.now,
    renewal: input.renewal({ type: cert.type, validityMs: validity.ms }),
    thresholds: input.thresholds,
    fallback: input.fallback,
  });
  if (assessment === null || assessment.level === "ok" || assessment.severity === null) return null;
  const t = assessment.thresholds;
  const problem = certificateProblem(
    KIND[assessment.level],
    cert,
    assessment.severity,
    message(cert, assessment, input.providerLabel),
    {
      days_remaining: Math.floor(assessment.days_remaining),
      ...(t.mode === "absolute" && t.rung_days !== null ? { threshold_days: t.rung_days } : {}),
      ...(t.provider_renewal_days !== null ? { renewal_window_days: t.provider_renewal_days } : {}),
      expiry: {
        level: assessment.level,
        validity_source: assessment.validity_source,
        late: assessment.late,
        thresholds: t,
      },
    },
    assessment.key,
  );
  return { ...problem, fingerprint: expiryProblemKey(cert) };
}
