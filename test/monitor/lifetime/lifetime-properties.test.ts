/**
 * Properties of the lifetime model over whole certificate lifetimes (fast-check), for validity periods of
 * 14, 30, 47, 90, 200 and 365 days, each provider behaviour (Cloudflare renews, Gjirafa-issued renews,
 * imported never does), both sources of validity, any issuance instant, and any check schedule: the
 * default 15-minute cron or any interval from 1 minute to 3 days, with runs missed in random outages.
 *
 * The certificate is never renewed (the worst case: every alert it can cause is sent). Alerts are counted
 * the way the monitor dedupes them: one per certificate + expiry + level key.
 *
 * The oracle is written from the rules as stated, independently of the module: the renewal window opens
 * when 1/3 of validity remains; Cloudflare renews 3/7/7/30/30/30 days out for 14/30/47/90/200/365-day packs,
 * Gjirafa-issued certificates min(30, V/3) days out, with a 1-day grace; "time to act" is 2 days, or 1/10 of
 * validity when that is less (a 14-day certificate cannot promise 2 days once its provider is 1 day late at
 * 3 days out).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyExpiry, EXPIRY_LEVELS, type ExpiryLevel } from "../../../src/monitor/lifetime/classify";
import {
  DEFAULT_ABSOLUTE_THRESHOLDS,
  DEFAULT_LIFETIME_THRESHOLDS,
  type ExpiryThresholds,
  type LifetimeThresholds,
} from "../../../src/monitor/lifetime/thresholds";
import { type ProviderRenewal, providerRenewal } from "./renewal";

const SEED = 20_290_315;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const VALIDITIES = [14, 30, 47, 90, 200, 365] as const;
type Validity = (typeof VALIDITIES)[number];
type Behaviour = "cloudflare" | "gjirafa_issued" | "imported";

/** The oracle's table: days before expiry each provider renews, written out (null: never). */
const RENEWS_DAYS_OUT: Record<Behaviour, Record<Validity, number | null>> = {
  cloudflare: { 14: 3, 30: 7, 47: 7, 90: 30, 200: 30, 365: 30 },
  gjirafa_issued: { 14: 14 / 3, 30: 10, 47: 47 / 3, 90: 30, 200: 30, 365: 30 },
  imported: { 14: null, 30: null, 47: null, 90: null, 200: null, 365: null },
};
const GRACE_DAYS = 1;
/** 1 ms in days: instants this close to a bound are not judged (float rounding, not behaviour). */
const EPS = 1 / DAY;
const MISSED: ReadonlySet<string> = new Set(["late", "critical"]);
const ACTION: ReadonlySet<string | null> = new Set(["warning", "critical"]);
const timeToActDays = (v: number) => Math.min(2, v / 10);

function renewalOf(behaviour: Behaviour, validityDays: number): ProviderRenewal {
  const validityMs = validityDays * DAY;
  if (behaviour === "cloudflare")
    return providerRenewal({ provider: "cloudflare", type: "advanced", validityMs });
  const type = behaviour === "imported" ? "Imported" : "Gjirafa Issued";
  return providerRenewal({ provider: "gjirafa", type, validityMs });
}

interface Schedule {
  intervalMs: number;
  phaseMs: number;
  /** Spans (as [start share of the lifetime, length ms]) in which every run is missed. */
  outages: Array<[number, number]>;
}

const scheduleArb: fc.Arbitrary<Schedule> = fc
  .record({
    intervalMs: fc.oneof(
      { weight: 2, arbitrary: fc.constant(15 * MINUTE) },
      { weight: 1, arbitrary: fc.integer({ min: MINUTE, max: 3 * DAY }) },
    ),
    phase: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    outages: fc.array(
      fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: HOUR, max: 20 * DAY })),
      {
        maxLength: 6,
      },
    ),
  })
  .map(({ intervalMs, phase, outages }) => ({
    intervalMs,
    phaseMs: Math.floor(phase * intervalMs),
    outages,
  }));

/** Check instants from issuance to 2 days past expiry, minus the outages. */
function checkTimes(issued: number, expires: number, s: Schedule): number[] {
  const lifetime = expires - issued;
  const spans = s.outages.map(([share, length]) => [
    issued + share * lifetime,
    issued + share * lifetime + length,
  ]);
  const out: number[] = [];
  for (let t = issued + s.phaseMs; t <= expires + 2 * DAY; t += s.intervalMs) {
    if (!spans.some(([from = 0, to = 0]) => t >= from && t < to)) out.push(t);
  }
  return out;
}

interface Observed {
  now: number;
  remainingDays: number;
  level: ExpiryLevel;
  severity: string | null;
  key: string;
}

/** Runs the checks of one lifetime; returns every observation and the alerts a keyed dedupe sends. */
function live(
  cert: { not_before: string | null; expires_at: string; validity_days: number | null },
  times: readonly number[],
  renewal: ProviderRenewal,
  thresholds: ExpiryThresholds,
): { observed: Observed[]; sent: string[] } {
  const expires = Date.parse(cert.expires_at);
  const dedupe = new Set<string>();
  const sent: string[] = [];
  const observed: Observed[] = [];
  for (const now of times) {
    const a = classifyExpiry({ certificate: cert, now, renewal, thresholds });
    if (a === null) throw new Error("a certificate with an expiry always gets an assessment");
    observed.push({
      now,
      remainingDays: (expires - now) / DAY,
      level: a.level,
      severity: a.severity,
      key: a.key,
    });
    const dedupeKey = `cert-1@${cert.expires_at}:${a.key}`;
    if (a.level !== "ok" && !dedupe.has(dedupeKey)) {
      dedupe.add(dedupeKey);
      sent.push(a.key);
    }
  }
  return { observed, sent };
}

const rank = (level: ExpiryLevel) => EXPIRY_LEVELS.indexOf(level);

function isMonotone(observed: readonly Observed[]): boolean {
  return observed.every((o, i) => i === 0 || rank(o.level) >= rank(observed[i - 1]?.level ?? "ok"));
}

const lifetimeArb = fc.record({
  validity: fc.constantFrom(...VALIDITIES),
  behaviour: fc.constantFrom<Behaviour>("cloudflare", "gjirafa_issued", "imported"),
  ownDates: fc.boolean(),
  // Any second between the SC-081 200-day step and 2035.
  issued: fc.integer({
    min: Date.parse("2026-03-15T00:00:00Z") / 1000,
    max: Date.parse("2035-01-01T00:00:00Z") / 1000,
  }),
  schedule: scheduleArb,
});

function certOf(validity: number, issuedSeconds: number, ownDates: boolean) {
  const issued = issuedSeconds * 1000;
  return {
    issued,
    expires: issued + validity * DAY,
    cert: {
      not_before: ownDates ? new Date(issued).toISOString() : null,
      expires_at: new Date(issued + validity * DAY).toISOString(),
      validity_days: ownDates ? null : validity,
    },
  };
}

// 14..365-day lifetimes at down to 1-minute intervals: each run classifies up to ~35,000 instants.
const NUM_RUNS = 150;
/** Seconds alone; generous because the suite shares two cores with workerd and other helpers. */
const PROPERTY_TIMEOUT_MS = 120_000;

describe("lifetime model properties (default policy)", () => {
  it(
    "at most 4 alerts per lifetime, levels never go down, none before the renewal window opens, and a missed renewal is alerted at every check while time to act remains",
    () => {
      let checks = 0;
      fc.assert(
        fc.property(lifetimeArb, ({ validity, behaviour, ownDates, issued: issuedSeconds, schedule }) => {
          const { issued, expires, cert } = certOf(validity, issuedSeconds, ownDates);
          const times = checkTimes(issued, expires, schedule);
          const { observed, sent } = live(
            cert,
            times,
            renewalOf(behaviour, validity),
            DEFAULT_LIFETIME_THRESHOLDS,
          );
          checks += observed.length;
          const violations: string[] = [];
          const fail = (o: Observed, rule: string) =>
            violations.push(`${rule}: ${o.level} at ${o.remainingDays} days left`);

          if (sent.length > 4) violations.push(`${sent.length} alerts: ${sent.join(", ")}`);
          if (!isMonotone(observed)) violations.push("a level went down");

          const windowDays = validity / 3;
          const renewsDaysOut = RENEWS_DAYS_OUT[behaviour][validity];
          const act = timeToActDays(validity);
          for (const o of observed) {
            // Instants within 1 ms of a bound are left out: float rounding, not behaviour.
            const d = o.remainingDays;
            if (d > windowDays + EPS && o.level !== "ok") fail(o, "before the window opens");
            if (d <= 0) {
              if (o.level !== "expired") fail(o, "after expiry");
            } else if (renewsDaysOut === null) {
              // Nobody renews it: once the window is open someone must, and every check says so.
              if (d < windowDays - EPS && !ACTION.has(o.severity))
                fail(o, "renewal due, nobody renews, no alert");
            } else if (d < renewsDaysOut - GRACE_DAYS - EPS && d >= act) {
              if (!MISSED.has(o.level) || !ACTION.has(o.severity)) fail(o, "missed renewal not alerted");
            }
          }
          expect(violations).toEqual([]);
        }),
        { seed: SEED, numRuns: NUM_RUNS },
      );
      // The runs really walked whole lifetimes (not a handful of instants).
      expect(checks).toBeGreaterThan(NUM_RUNS * 1_000);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it.each(
    VALIDITIES.flatMap((validity) =>
      (["cloudflare", "gjirafa_issued"] as const).map((behaviour) => ({ validity, behaviour })),
    ),
  )(
    "$behaviour, $validity days: a missed renewal leaves a span to alert in with time to act",
    ({ validity, behaviour }) => {
      // The deadline (renewal point + grace) comes strictly before the time-to-act margin ...
      const renewsDaysOut = RENEWS_DAYS_OUT[behaviour][validity] ?? 0;
      expect(renewsDaysOut - GRACE_DAYS).toBeGreaterThan(timeToActDays(validity));
      // ... and on the default 15-minute cron with no missed run, the first alert about it has that margin.
      const { issued, expires, cert } = certOf(validity, Date.parse("2029-03-15T00:00:00Z") / 1000, false);
      const times = checkTimes(issued, expires, { intervalMs: 15 * MINUTE, phaseMs: 0, outages: [] });
      const { observed } = live(cert, times, renewalOf(behaviour, validity), DEFAULT_LIFETIME_THRESHOLDS);
      const first = observed.find((o) => o.level === "late" || o.level === "critical");
      expect(first?.remainingDays).toBeGreaterThanOrEqual(timeToActDays(validity));
      expect(first?.remainingDays).toBeLessThan(renewsDaysOut - GRACE_DAYS);
    },
  );
});

describe("structural properties for any valid lifetime policy and any provider schedule", () => {
  const policyArb: fc.Arbitrary<LifetimeThresholds> = fc
    .record({
      window: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      floorOfWindow: fc.double({ min: 0, max: 0.99, noNaN: true }),
      minDays: fc.double({ min: 0, max: 10, noNaN: true }),
    })
    .map(({ window, floorOfWindow, minDays }) => ({
      mode: "lifetime" as const,
      renewal_window_share: window,
      critical_floor_share: window * floorOfWindow,
      critical_floor_min_days: minDays,
    }));

  it(
    "at most 4 alerts, monotone, nothing before max(policy window, provider renewal point), late never before the provider's point minus grace",
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 400 }),
          fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: null }),
          fc.double({ min: 0, max: 3, noNaN: true }),
          policyArb,
          fc.integer({
            min: Date.parse("2026-03-15T00:00:00Z") / 1000,
            max: Date.parse("2035-01-01T00:00:00Z") / 1000,
          }),
          scheduleArb,
          (validity, providerShare, grace, policy, issuedSeconds, schedule) => {
            const { issued, expires, cert } = certOf(validity, issuedSeconds, true);
            const renewal = {
              renewal_days: providerShare === null ? null : providerShare * validity,
              grace_days: grace,
            };
            const { observed, sent } = live(cert, checkTimes(issued, expires, schedule), renewal, policy);
            const violations: string[] = [];
            if (sent.length > 4) violations.push(`${sent.length} alerts: ${sent.join(", ")}`);
            if (!isMonotone(observed)) violations.push("a level went down");
            const windowDays = Math.max(policy.renewal_window_share * validity, renewal.renewal_days ?? 0);
            for (const o of observed) {
              if (o.remainingDays > windowDays + EPS && o.level !== "ok") {
                violations.push(`${o.level} before the window opens, ${o.remainingDays} days left`);
              }
              if (
                o.level === "late" &&
                (renewal.renewal_days === null || o.remainingDays > renewal.renewal_days - grace + EPS)
              ) {
                violations.push(`late before the provider's point + grace, ${o.remainingDays} days left`);
              }
            }
            expect(violations).toEqual([]);
          },
        ),
        { seed: SEED, numRuns: NUM_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "absolute mode (today's ladder): levels never go down and at most one alert per rung, one late, one expired",
    () => {
      fc.assert(
        fc.property(lifetimeArb, ({ validity, behaviour, ownDates, issued: issuedSeconds, schedule }) => {
          const { issued, expires, cert } = certOf(validity, issuedSeconds, ownDates);
          const { observed, sent } = live(
            cert,
            checkTimes(issued, expires, schedule),
            renewalOf(behaviour, validity),
            DEFAULT_ABSOLUTE_THRESHOLDS,
          );
          expect({
            monotone: isMonotone(observed),
            tooMany: sent.length > DEFAULT_ABSOLUTE_THRESHOLDS.days.length + 2,
          }).toEqual({
            monotone: true,
            tooMany: false,
          });
        }),
        { seed: SEED, numRuns: Math.floor(NUM_RUNS / 3) },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
