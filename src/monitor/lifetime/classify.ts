/**
 * The lifetime-relative expiry model: one pure function from a certificate's dates, `now`, its provider's
 * renewal schedule and a policy's thresholds to a level, a severity and the thresholds used.
 *
 * Lifetime mode (thresholds.ts for the defaults and their sources), with V the validity:
 *   ok           more than the renewal window remains;
 *   renewal_due  the window has opened: remainder <= max(share x V, the provider's own renewal point).
 *                The provider's point counts because a provider that renews earlier than the policy share
 *                has opened the window itself. Severity `info` when the provider renews by itself (nobody
 *                needs to act yet), `warning` when it never does (imported/custom: the user must renew now);
 *   late         the provider renews by itself and the remainder is under its renewal point minus a grace:
 *                it should have renewed (a renewal moves the expiry, and the dedupe key with it);
 *   critical     the remainder is under the floor max(floor share x V, floor min days). The floor never
 *                precedes the window, and while the provider is still on schedule (not yet late) it is
 *                held back: a 1-year pack Cloudflare renews 30 days out is not critical at 36.5 days left,
 *                it turns critical when Cloudflare misses (29 days left), skipping `late`;
 *   expired      nothing remains.
 * Levels only rise as time passes (each bound is a fixed instant), so one lifetime goes through at most the
 * four non-ok levels: a dedupe keyed on certificate + expiry + level sends at most 4 alerts.
 *
 * Absolute mode: today's ladder. The tightest rung crossed decides (`renewal_due:30d`, `critical:7d`), the
 * provider being late shows as `late:<rung>` (today's separate late-renewal alert), `expired` after.
 * A lifetime policy meeting a certificate of unknown validity falls back to the absolute ladder.
 *
 * Boundaries: the window is open AT its bound (<=); late, critical and the floor apply strictly UNDER theirs;
 * expired at and after the expiry instant. Days in the result are rounded to 2 decimals for people; the
 * arithmetic uses exact milliseconds.
 */
import type { ProviderRenewal } from "../../model/renewal";
import type { AlertSeverity } from "./severity";
import {
  type AbsoluteThresholds,
  DAY_MS,
  DEFAULT_ABSOLUTE_THRESHOLDS,
  type ExpiryThresholds,
  type LifetimeThresholds,
} from "./thresholds";
import { type CertificateDates, resolveValidity, type Validity, type ValiditySource } from "./validity";

export const EXPIRY_LEVELS = ["ok", "renewal_due", "late", "critical", "expired"] as const;
export type ExpiryLevel = (typeof EXPIRY_LEVELS)[number];

/** Order of the levels: a move to a higher rank is an escalation. */
export function expiryLevelRank(level: ExpiryLevel): number {
  return EXPIRY_LEVELS.indexOf(level);
}

export interface ClassifyInput {
  certificate: CertificateDates;
  /** Epoch ms. */
  now: number;
  renewal: ProviderRenewal;
  thresholds: ExpiryThresholds;
  /** Ladder used when a lifetime policy meets a certificate of unknown validity. */
  fallback?: AbsoluteThresholds;
}

interface LateBound {
  /** Days before expiry the provider renews, or null when it never does. */
  provider_renewal_days: number | null;
  /** Late when fewer than this many days remain; null when the provider cannot be late before expiry. */
  late_after_days: number | null;
  late_at: string | null;
}

export interface LifetimeThresholdsUsed extends LateBound {
  mode: "lifetime";
  validity_days: number;
  /** The window opens when this many days remain (policy share or the provider's point, the larger). */
  renewal_window_days: number;
  renewal_window_opens_at: string;
  /** Critical when fewer than this many days remain (after the caps described above). */
  critical_floor_days: number;
  critical_at: string;
}

export interface AbsoluteThresholdsUsed extends LateBound {
  mode: "absolute";
  validity_days: number | null;
  days: number[];
  /** The tightest rung crossed, or null. */
  rung_days: number | null;
  critical_days: number;
  /** True when the policy asked for lifetime thresholds but the validity is unknown. */
  fallback: boolean;
}

export interface ExpiryAssessment {
  level: ExpiryLevel;
  /** Null for `ok`. */
  severity: AlertSeverity | null;
  /** The dedupe level: the level, plus the rung in absolute mode (`critical:7d`). */
  key: string;
  days_remaining: number;
  /** The provider should have renewed by now (whatever the level says). */
  late: boolean;
  validity_source: ValiditySource;
  thresholds: LifetimeThresholdsUsed | AbsoluteThresholdsUsed;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
const iso = (ms: number): string => new Date(ms).toISOString();

function lateBound(validity: Validity, renewal: ProviderRenewal): { lateMs: number | null; used: LateBound } {
  if (renewal.renewal_days === null) {
    return { lateMs: null, used: { provider_renewal_days: null, late_after_days: null, late_at: null } };
  }
  const lateMs = Math.round((renewal.renewal_days - renewal.grace_days) * DAY_MS);
  // A grace as long as the renewal window leaves nothing to call late before expiry.
  const usable = lateMs > 0 ? lateMs : null;
  return {
    lateMs: usable,
    used: {
      provider_renewal_days: round2(renewal.renewal_days),
      late_after_days: usable === null ? null : round2(usable / DAY_MS),
      late_at: usable === null ? null : iso(validity.expiresAt - usable),
    },
  };
}

function classifyLifetime(
  validity: Validity & { ms: number },
  now: number,
  renewal: ProviderRenewal,
  t: LifetimeThresholds,
): ExpiryAssessment {
  const remaining = validity.expiresAt - now;
  const providerMs = renewal.renewal_days === null ? null : renewal.renewal_days * DAY_MS;
  // Bounds in whole ms, so each `*_at` in the result is exactly the instant the level changes.
  const windowMs = Math.round(Math.max(t.renewal_window_share * validity.ms, providerMs ?? 0));
  const { lateMs, used } = lateBound(validity, renewal);
  const floorMs = Math.round(
    Math.max(t.critical_floor_share * validity.ms, t.critical_floor_min_days * DAY_MS),
  );
  const criticalMs = Math.min(floorMs, windowMs, lateMs ?? Number.POSITIVE_INFINITY);
  const late = lateMs !== null && remaining < lateMs;

  let level: ExpiryLevel = "ok";
  if (remaining <= 0) level = "expired";
  else if (remaining < criticalMs) level = "critical";
  else if (late) level = "late";
  else if (remaining <= windowMs) level = "renewal_due";

  return {
    level,
    severity: lifetimeSeverity(level, providerMs !== null),
    key: level,
    days_remaining: round2(remaining / DAY_MS),
    late,
    validity_source: validity.source,
    thresholds: {
      mode: "lifetime",
      validity_days: round2(validity.ms / DAY_MS),
      renewal_window_days: round2(windowMs / DAY_MS),
      renewal_window_opens_at: iso(validity.expiresAt - windowMs),
      ...used,
      critical_floor_days: round2(criticalMs / DAY_MS),
      critical_at: iso(validity.expiresAt - criticalMs),
    },
  };
}

function lifetimeSeverity(level: ExpiryLevel, providerRenews: boolean): AlertSeverity | null {
  switch (level) {
    case "ok":
      return null;
    case "renewal_due":
      return providerRenews ? "info" : "warning";
    case "late":
      return "warning";
    case "critical":
    case "expired":
      return "critical";
  }
}

/** The tightest (smallest) rung `days` has reached, or null. `ladder` may come in any order. */
export function tightestRung(days: number, ladder: readonly number[]): number | null {
  let tightest: number | null = null;
  for (const rung of ladder) if (days <= rung && (tightest === null || rung < tightest)) tightest = rung;
  return tightest;
}

function classifyAbsolute(
  validity: Validity,
  now: number,
  renewal: ProviderRenewal,
  t: AbsoluteThresholds,
  fallback: boolean,
): ExpiryAssessment {
  const remaining = validity.expiresAt - now;
  const { lateMs, used } = lateBound(validity, renewal);
  const late = lateMs !== null && remaining < lateMs;
  const rung = tightestRung(remaining / DAY_MS, t.days);

  let level: ExpiryLevel = "ok";
  let severity: AlertSeverity | null = null;
  if (remaining <= 0) [level, severity] = ["expired", "critical"];
  else if (rung !== null && rung <= t.critical_days) [level, severity] = ["critical", "critical"];
  else if (late) [level, severity] = ["late", "warning"];
  else if (rung !== null) [level, severity] = ["renewal_due", "warning"];

  const withRung = level !== "ok" && level !== "expired" && rung !== null;
  return {
    level,
    severity,
    key: withRung ? `${level}:${rung}d` : level,
    days_remaining: round2(remaining / DAY_MS),
    late,
    validity_source: validity.source,
    thresholds: {
      mode: "absolute",
      validity_days: validity.ms === null ? null : round2(validity.ms / DAY_MS),
      days: [...t.days].sort((a, b) => b - a),
      rung_days: rung,
      critical_days: t.critical_days,
      ...used,
      fallback,
    },
  };
}

/** Null when the certificate has no usable expiry: there is nothing to classify. */
export function classifyExpiry(input: ClassifyInput): ExpiryAssessment | null {
  const validity = resolveValidity(input.certificate);
  if (validity === null) return null;
  const t = input.thresholds;
  if (t.mode === "absolute") return classifyAbsolute(validity, input.now, input.renewal, t, false);
  if (validity.ms === null) {
    return classifyAbsolute(
      validity,
      input.now,
      input.renewal,
      input.fallback ?? DEFAULT_ABSOLUTE_THRESHOLDS,
      true,
    );
  }
  return classifyLifetime({ ...validity, ms: validity.ms }, input.now, input.renewal, t);
}
