/**
 * The two ways a policy can say when a certificate's expiry deserves attention, and their built-in defaults.
 *
 * `lifetime` (the default) measures everything as a share of the certificate's own validity, because
 * validity is shrinking: the CA/Browser Forum's ballot SC-081 caps public TLS certificates at 200 days
 * from 15 March 2026, 100 days from 15 March 2027 and 47 days from 15 March 2029
 * (https://cabforum.org/2025/04/11/ballot-sc081v3-introduce-schedule-of-reducing-validity-and-data-reuse-periods/).
 * A fixed "30 days left" would call a 47-day certificate expiring for most of its life and say nothing
 * useful about a 14-day one.
 * - `renewal_window_share`: the renewal window opens when this share of validity remains. 1/3 is what
 *   cert-manager does by default (renewal "2/3 through the X.509 certificate's duration",
 *   https://cert-manager.io/docs/usage/certificate/#renewal, `spec.renewBefore`/`renewBeforePercentage`)
 *   and what Go's ACME client does ("the lesser of 30 days or 1/3 of the certificate lifetime",
 *   https://pkg.go.dev/golang.org/x/crypto/acme/autocert#Manager).
 * - `critical_floor_share` / `critical_floor_min_days`: the remainder under which the certificate is
 *   critical: 1/10 of validity, never less than 1 day (a 14-day certificate gets 1.4 days, a 5-day one 1).
 *
 * `absolute` is today's fixed ladder of days (30/14/7/1, rungs of `critical_days` or fewer are critical), kept
 * for people who want calendar days whatever the lifetime.
 */

/** Milliseconds in a day: every threshold is kept in days in the policy and in ms in the arithmetic. */
export const DAY_MS = 86_400_000;

export interface LifetimeThresholds {
  mode: "lifetime";
  /** The renewal window opens when this share of validity remains (0 < share < 1). */
  renewal_window_share: number;
  /** Critical when less than this share of validity remains (0 <= share < renewal_window_share). */
  critical_floor_share: number;
  /** ...and never a floor under this many days. */
  critical_floor_min_days: number;
}

export interface AbsoluteThresholds {
  mode: "absolute";
  /** The ladder, in days before expiry, largest first. */
  days: readonly number[];
  /** A rung of this many days or fewer is critical. */
  critical_days: number;
}

export type ExpiryThresholds = LifetimeThresholds | AbsoluteThresholds;
export type ThresholdMode = ExpiryThresholds["mode"];

export const DEFAULT_LIFETIME_THRESHOLDS: LifetimeThresholds = Object.freeze({
  mode: "lifetime",
  renewal_window_share: 1 / 3,
  critical_floor_share: 1 / 10,
  critical_floor_min_days: 1,
});

/** Today's ladder (MONITOR_EXPIRY_DAYS default) and today's "7 days or less is critical". */
export const DEFAULT_ABSOLUTE_THRESHOLDS: AbsoluteThresholds = Object.freeze({
  mode: "absolute",
  days: Object.freeze([30, 14, 7, 1]),
  critical_days: 7,
});
