/**
 * Expiry checks from the earliest certificate expiry (normalized `expires_at`):
 * - the ladder (config MONITOR_EXPIRY_DAYS, default 30,14,7,1; other monitors use 28/14, 21/14/7 or
 *   30/15/2): one problem per certificate whose `level` is the TIGHTEST threshold crossed, so each
 *   crossing is one alert; 7 days or less is critical;
 * - past expiry: `expired`, critical;
 * - inside the provider's renewal window (its descriptor's renewal policy, `renewalDays`) by more than
 *   the grace: `late_renewal`, since a renewal would have moved the expiry (and changed the problem key).
 */
import type { Certificate } from "../../model/certificate";
import { certificateProblem, type Problem } from "../problems";

/**
 * Renewal is issuance plus deployment, not instant: a certificate is "late" once it is this many days
 * inside its window with the same expiry.
 */
export const LATE_RENEWAL_GRACE_DAYS = 1;

const DAY = 86_400_000;
const CRITICAL_AT_DAYS = 7;
/** Not serving, or already reported by the status check. */
const SKIP = new Set(["deleted", "deleting", "inactive", "expired"]);

export function daysLeft(cert: Certificate, now: number): number | null {
  if (cert.expires_at) {
    const at = Date.parse(cert.expires_at);
    if (Number.isFinite(at)) return (at - now) / DAY;
  }
  return cert.days_remaining;
}

/** The tightest threshold `days` has crossed, or null. `thresholds` may come in any order. */
export function tightestThreshold(days: number, thresholds: readonly number[]): number | null {
  let tightest: number | null = null;
  for (const t of thresholds) if (days <= t && (tightest === null || t < tightest)) tightest = t;
  return tightest;
}

/**
 * `renewalDays`: days before expiry at which the provider renews `cert` itself, or null when it does not
 * (only the ladder applies then).
 */
export function expiryProblems(
  cert: Certificate,
  now: number,
  thresholds: readonly number[],
  renewalDays: number | null,
): Problem[] {
  if (SKIP.has(cert.status)) return [];
  const days = daysLeft(cert, now);
  if (days === null) return [];
  const label = cert.hosts[0] ?? cert.id;
  const whole = Math.floor(days);
  if (days <= 0) {
    return [
      certificateProblem("expired", cert, "critical", `${label}: certificate expired ${cert.expires_at}`, {}),
    ];
  }
  const problems: Problem[] = [];
  const threshold = tightestThreshold(days, thresholds);
  if (threshold !== null) {
    const severity = threshold <= CRITICAL_AT_DAYS ? "critical" : "warning";
    problems.push(
      certificateProblem(
        "expiring",
        cert,
        severity,
        `${label}: expires in ${whole} day${whole === 1 ? "" : "s"} (${cert.expires_at}), under ${threshold} days`,
        { threshold_days: threshold, days_remaining: whole },
        `${threshold}d`,
      ),
    );
  }
  const window = renewalDays;
  if (window !== null && days < window - LATE_RENEWAL_GRACE_DAYS) {
    problems.push(
      certificateProblem(
        "late_renewal",
        cert,
        "warning",
        `${label}: ${whole} days left, inside the ${window}-day renewal window of ${cert.provider}, not renewed`,
        { renewal_window_days: window, days_remaining: whole },
      ),
    );
  }
  return problems;
}
