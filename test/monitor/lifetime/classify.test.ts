/**
 * The lifetime expiry model, by example: the worked examples that go into the docs (47, 90 and 365 days),
 * every level boundary of a 14-day pack, the provider knowledge kept from today's checks, the absolute
 * ladder (today's behaviour) and the fallbacks. Expected instants are written out by hand, not computed
 * with the module's own arithmetic.
 */
import { describe, expect, it } from "vitest";
import {
  type ClassifyInput,
  classifyExpiry,
  type ExpiryAssessment,
} from "../../../src/monitor/lifetime/classify";
import {
  DEFAULT_ABSOLUTE_THRESHOLDS,
  DEFAULT_LIFETIME_THRESHOLDS,
  type ExpiryThresholds,
} from "../../../src/monitor/lifetime/thresholds";
import { resolveValidity } from "../../../src/monitor/lifetime/validity";
import { type ProviderRenewal, providerRenewal } from "./renewal";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** The day the 47-day maximum takes effect (SC-081). */
const ISSUED = Date.parse("2029-03-15T00:00:00Z");

const CLOUDFLARE = (days: number): ProviderRenewal =>
  providerRenewal({ provider: "cloudflare", type: "advanced", validityMs: days * DAY });
const NEVER: ProviderRenewal = { renewal_days: null, grace_days: 1 };

function packOf(validityDays: number) {
  return {
    not_before: null,
    expires_at: new Date(ISSUED + validityDays * DAY).toISOString(),
    validity_days: validityDays,
  };
}

function at(
  validityDays: number,
  now: number,
  renewal: ProviderRenewal = CLOUDFLARE(validityDays),
  thresholds: ExpiryThresholds = DEFAULT_LIFETIME_THRESHOLDS,
): ExpiryAssessment {
  const input: ClassifyInput = { certificate: packOf(validityDays), now, renewal, thresholds };
  const result = classifyExpiry(input);
  if (result === null) throw new Error("expected an assessment");
  return result;
}

describe("worked examples (Cloudflare-renewed packs issued 2029-03-15, default lifetime policy)", () => {
  it.each([
    {
      validity: 47,
      expires: "2029-05-01T00:00:00.000Z",
      window: { days: 15.67, at: "2029-04-15T08:00:00.000Z" },
      provider: 7,
      late: { days: 6, at: "2029-04-25T00:00:00.000Z" },
      critical: { days: 4.7, at: "2029-04-26T07:12:00.000Z" },
      levels: ["ok", "renewal_due", "late", "critical", "expired"],
    },
    {
      validity: 90,
      expires: "2029-06-13T00:00:00.000Z",
      window: { days: 30, at: "2029-05-14T00:00:00.000Z" },
      provider: 30,
      late: { days: 29, at: "2029-05-15T00:00:00.000Z" },
      critical: { days: 9, at: "2029-06-04T00:00:00.000Z" },
      levels: ["ok", "renewal_due", "late", "critical", "expired"],
    },
    {
      // The 36.5-day floor would precede Cloudflare's own renewal (30 days out): it is held back until
      // Cloudflare is late, so the pack goes from renewal_due straight to critical at 29 days left.
      validity: 365,
      expires: "2030-03-15T00:00:00.000Z",
      window: { days: 121.67, at: "2029-11-13T08:00:00.000Z" },
      provider: 30,
      late: { days: 29, at: "2030-02-14T00:00:00.000Z" },
      critical: { days: 29, at: "2030-02-14T00:00:00.000Z" },
      levels: ["ok", "renewal_due", "critical", "critical", "expired"],
    },
  ])("$validity days: window opens $window.at, late $late.at, critical $critical.at", (ex) => {
    expect(packOf(ex.validity).expires_at).toBe(ex.expires);
    const before = at(ex.validity, Date.parse(ex.window.at) - MINUTE);
    expect(before.thresholds).toMatchObject({
      mode: "lifetime",
      validity_days: ex.validity,
      renewal_window_days: ex.window.days,
      renewal_window_opens_at: ex.window.at,
      provider_renewal_days: ex.provider,
      late_after_days: ex.late.days,
      late_at: ex.late.at,
      critical_floor_days: ex.critical.days,
      critical_at: ex.critical.at,
    });
    // One minute before each bound, then one minute after: the level changes exactly there.
    const probes = [
      Date.parse(ex.window.at) - MINUTE,
      Date.parse(ex.window.at) + MINUTE,
      Date.parse(ex.late.at) + MINUTE,
      Date.parse(ex.critical.at) + MINUTE,
      Date.parse(ex.expires),
    ];
    expect(probes.map((now) => at(ex.validity, now).level)).toEqual(ex.levels);
  });

  it("47 days, the same dates for a certificate nobody renews (imported): no late, warning when due", () => {
    const due = at(47, Date.parse("2029-04-15T08:00:00.000Z"), NEVER);
    expect(due).toMatchObject({ level: "renewal_due", severity: "warning", late: false });
    expect(due.thresholds).toMatchObject({ late_after_days: null, late_at: null, critical_floor_days: 4.7 });
    expect(at(47, Date.parse("2029-04-26T07:11:00.000Z"), NEVER).level).toBe("renewal_due");
    expect(at(47, Date.parse("2029-04-26T07:13:00.000Z"), NEVER).level).toBe("critical");
  });
});

describe("every boundary of a 14-day Cloudflare pack (renews 3 days out, grace 1 day)", () => {
  const expires = ISSUED + 14 * DAY;
  it.each([
    { left: 14 * DAY, level: "ok", severity: null, late: false },
    { left: (14 * DAY) / 3 + 1, level: "ok", severity: null, late: false },
    { left: (14 * DAY) / 3, level: "renewal_due", severity: "info", late: false },
    { left: 2 * DAY, level: "renewal_due", severity: "info", late: false },
    { left: 2 * DAY - 1, level: "late", severity: "warning", late: true },
    { left: 1.4 * DAY, level: "late", severity: "warning", late: true },
    { left: 1.4 * DAY - 1, level: "critical", severity: "critical", late: true },
    { left: 1, level: "critical", severity: "critical", late: true },
    { left: 0, level: "expired", severity: "critical", late: true },
    { left: -30 * DAY, level: "expired", severity: "critical", late: true },
  ])("$left ms left -> $level ($severity)", ({ left, level, severity, late }) => {
    const result = at(14, expires - left);
    expect({ level: result.level, severity: result.severity, late: result.late, key: result.key }).toEqual({
      level,
      severity,
      late,
      key: level,
    });
  });
});

describe("short-lived certificates: the floor's minimum days", () => {
  it("a 6-day certificate nobody renews: window at 2 days, critical under 1 day (not 0.6)", () => {
    const sixDays = (left: number) => at(6, ISSUED + 6 * DAY - left, NEVER);
    expect(sixDays(2 * DAY + MINUTE).level).toBe("ok");
    expect(sixDays(2 * DAY).level).toBe("renewal_due");
    expect(sixDays(DAY).level).toBe("renewal_due");
    expect(sixDays(DAY - MINUTE).level).toBe("critical");
    expect(sixDays(DAY).thresholds).toMatchObject({ renewal_window_days: 2, critical_floor_days: 1 });
  });

  it("a floor of more days than the window opens at critical, never before the window", () => {
    const strict = { ...DEFAULT_LIFETIME_THRESHOLDS, critical_floor_min_days: 5 };
    const sixDays = (left: number) => at(6, ISSUED + 6 * DAY - left, NEVER, strict);
    expect(sixDays(2 * DAY + MINUTE).level).toBe("ok");
    expect(sixDays(2 * DAY - MINUTE).level).toBe("critical");
  });
});

describe("provider renewal knowledge (kept from today's late-renewal check)", () => {
  it.each([
    { provider: "cloudflare" as const, type: "advanced", days: 14, renewal: 3 },
    { provider: "cloudflare" as const, type: "advanced", days: 30, renewal: 7 },
    { provider: "cloudflare" as const, type: "advanced", days: 47, renewal: 7 },
    { provider: "cloudflare" as const, type: "advanced", days: 90, renewal: 30 },
    { provider: "cloudflare" as const, type: "advanced", days: 365, renewal: 30 },
    { provider: "cloudflare" as const, type: "universal", days: 90, renewal: 30 },
    { provider: "cloudflare" as const, type: null, days: null, renewal: 30 },
    { provider: "cloudflare" as const, type: "sni_custom", days: 90, renewal: null },
    { provider: "gjirafa" as const, type: "Gjirafa Issued", days: 90, renewal: 30 },
    { provider: "gjirafa" as const, type: "Gjirafa Issued", days: null, renewal: 30 },
    { provider: "gjirafa" as const, type: "Gjirafa Issued", days: 45, renewal: 15 },
    { provider: "gjirafa" as const, type: "Imported", days: 90, renewal: null },
  ])("$provider $type, $days days -> renews $renewal days out", ({ provider, type, days, renewal }) => {
    const result = providerRenewal({ provider, type, validityMs: days === null ? null : days * DAY });
    expect(result).toEqual({ renewal_days: renewal, grace_days: 1 });
  });

  it("a grace as long as the provider's window leaves nothing to call late", () => {
    const result = at(14, ISSUED + 11 * DAY, { renewal_days: 1, grace_days: 1 });
    expect(result).toMatchObject({ level: "renewal_due", late: false });
    expect(result.thresholds).toMatchObject({ late_after_days: null, critical_floor_days: 1.4 });
  });

  it("a provider renewing before the policy share opens the window itself, and late follows it", () => {
    // 60-day pack: policy window 20 days, Cloudflare renews 30 days out.
    const opened = at(60, ISSUED + 30 * DAY);
    expect(opened).toMatchObject({ level: "renewal_due", severity: "info" });
    expect(opened.thresholds).toMatchObject({ renewal_window_days: 30, late_after_days: 29 });
    expect(at(60, ISSUED + 30 * DAY - MINUTE).level).toBe("ok");
    expect(at(60, ISSUED + 31 * DAY + MINUTE).level).toBe("late");
  });
});

describe("validity: the certificate's own dates, else the provider's validity_days, else unknown", () => {
  it.each([
    {
      what: "own dates win over the provider's figure",
      cert: { not_before: "2029-03-15T00:00:00Z", expires_at: "2029-05-01T00:00:00Z", validity_days: 90 },
      expected: { source: "certificate", ms: 47 * DAY },
    },
    {
      what: "provider's validity_days when there is no start",
      cert: { not_before: null, expires_at: "2029-05-01T00:00:00Z", validity_days: 47 },
      expected: { source: "provider", ms: 47 * DAY },
    },
    {
      what: "dates out of order are ignored",
      cert: { not_before: "2029-06-01T00:00:00Z", expires_at: "2029-05-01T00:00:00Z", validity_days: 30 },
      expected: { source: "provider", ms: 30 * DAY },
    },
    {
      what: "unparsable start, no validity: unknown",
      cert: { not_before: "yesterday", expires_at: "2029-05-01T00:00:00Z", validity_days: null },
      expected: { source: "unknown", ms: null },
    },
  ])("$what", ({ cert, expected }) => {
    expect(resolveValidity(cert)).toMatchObject(expected);
  });

  it.each([
    { not_before: null, expires_at: null, validity_days: 90 },
    { not_before: null, expires_at: "not a date", validity_days: 90 },
  ])("no usable expiry ($expires_at): nothing to classify", (certificate) => {
    expect(
      classifyExpiry({ certificate, now: ISSUED, renewal: NEVER, thresholds: DEFAULT_LIFETIME_THRESHOLDS }),
    ).toBeNull();
  });

  it("a certificate's own 47-day dates give the 47-day thresholds even if the pack says 90", () => {
    const certificate = {
      not_before: "2029-03-15T00:00:00Z",
      expires_at: "2029-05-01T00:00:00Z",
      validity_days: 90,
    };
    const result = classifyExpiry({
      certificate,
      now: Date.parse("2029-04-15T08:00:00Z"),
      renewal: CLOUDFLARE(47),
      thresholds: DEFAULT_LIFETIME_THRESHOLDS,
    });
    expect(result).toMatchObject({ level: "renewal_due", validity_source: "certificate" });
    expect(result?.thresholds).toMatchObject({ validity_days: 47, renewal_window_days: 15.67 });
  });

  it("unknown validity under a lifetime policy falls back to the absolute ladder, and says so", () => {
    const certificate = {
      not_before: null,
      expires_at: new Date(ISSUED + 20 * DAY).toISOString(),
      validity_days: null,
    };
    const result = classifyExpiry({
      certificate,
      now: ISSUED,
      renewal: NEVER,
      thresholds: DEFAULT_LIFETIME_THRESHOLDS,
    });
    expect(result).toMatchObject({
      level: "renewal_due",
      key: "renewal_due:30d",
      validity_source: "unknown",
    });
    expect(result?.thresholds).toMatchObject({ mode: "absolute", fallback: true, rung_days: 30 });
  });
});

describe("absolute mode: today's 30/14/7/1 ladder", () => {
  const absolute = (days: number, left: number, renewal: ProviderRenewal) =>
    at(days, ISSUED + days * DAY - left, renewal, DEFAULT_ABSOLUTE_THRESHOLDS);

  it.each([
    { left: 45 * DAY, key: "ok", severity: null },
    { left: 29.5 * DAY, key: "renewal_due:30d", severity: "warning" },
    { left: 14 * DAY, key: "renewal_due:14d", severity: "warning" },
    { left: 13 * DAY, key: "renewal_due:14d", severity: "warning" },
    { left: 6.5 * DAY, key: "critical:7d", severity: "critical" },
    { left: 0.5 * DAY, key: "critical:1d", severity: "critical" },
    { left: 0, key: "expired", severity: "critical" },
  ])("custom upload (never renewed), $left ms left -> $key", ({ left, key, severity }) => {
    const result = absolute(365, left, NEVER);
    expect([result.key, result.severity]).toEqual([key, severity]);
  });

  it.each([
    { left: 29.5 * DAY, key: "renewal_due:30d", late: false },
    { left: 25 * DAY, key: "late:30d", late: true },
    { left: 10 * DAY, key: "late:14d", late: true },
    { left: 5 * DAY, key: "critical:7d", late: true },
  ])(
    "90-day Cloudflare pack, $left ms left -> $key (late shows as today's late-renewal alert)",
    ({ left, key, late }) => {
      const result = absolute(90, left, CLOUDFLARE(90));
      expect([result.key, result.late]).toEqual([key, late]);
      expect(result.thresholds).toMatchObject({
        mode: "absolute",
        days: [30, 14, 7, 1],
        late_after_days: 29,
      });
    },
  );

  it("a 47-day certificate under the 30-day ladder is 'due' on 30 of its 47 daily checks; lifetime: 15", () => {
    // One check a day, an hour before the hour of issuance: day d has (47 - d) days minus an hour left.
    const checks = [...Array(47).keys()].map((d) => (47 - d) * DAY - HOUR);
    const due = (thresholds: ExpiryThresholds) =>
      checks.filter((left) => at(47, ISSUED + 47 * DAY - left, NEVER, thresholds).level !== "ok").length;
    expect(due(DEFAULT_ABSOLUTE_THRESHOLDS)).toBe(30);
    expect(due(DEFAULT_LIFETIME_THRESHOLDS)).toBe(15);
  });
});
