import { beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { PROJECT_P, PROJECT_Q, ZONE_A, ZONE_B } from "../helpers/env";
import { harness } from "./harness";
import { cert, DAY, HOUR, resetStorage, SLACK_URL, TXT_RECORD } from "./helpers";

beforeEach(resetStorage);

const NOW = Date.parse("2026-11-23T12:00:00Z");
const inDays = (days: number) => new Date(NOW + days * DAY).toISOString();

describe("monitor checks (runMonitor, fake upstreams)", () => {
  it.each([
    { used: 7, allocated: 10, expected: [] },
    { used: 8, allocated: 10, expected: [{ kind: "quota", severity: "warning" }] },
    { used: 10, allocated: 10, expected: [{ kind: "quota", severity: "critical" }] },
    { used: 12, allocated: 10, expected: [{ kind: "quota", severity: "critical" }] },
  ])("quota $used/$allocated -> $expected.length problem(s)", async ({ used, allocated, expected }) => {
    const h = harness({ cloudflare: { [ZONE_A]: { certs: [], quota: { used, allocated } } } });
    const report = await h.run();
    expect(report.problems.map((p) => ({ kind: p.kind, severity: p.severity }))).toEqual(expected);
    const zone = report.scopes.find((s) => s.scope.id === ZONE_A);
    expect(zone?.quota).toMatchObject({ used, allocated });
  });

  it("a *_timed_out pack is a critical failure carrying the records to publish", async () => {
    const h = harness({
      cloudflare: {
        [ZONE_A]: {
          certs: [
            cert({
              scope: ZONE_A,
              id: "p1",
              status: "failed",
              provider_status: "validation_timed_out",
              records: [TXT_RECORD],
            }),
          ],
        },
      },
    });
    const report = await h.run();
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({
      kind: "failed",
      severity: "critical",
      certificate_id: `cloudflare:${ZONE_A}:p1`,
      details: { provider_status: "validation_timed_out", validation_records: [TXT_RECORD] },
    });
  });

  it("validation errors are reported with the records the user must publish", async () => {
    const h = harness({
      cloudflare: {
        [ZONE_A]: {
          certs: [
            cert({
              scope: ZONE_A,
              id: "p1",
              status: "pending_validation",
              errors: ["SERVFAIL looking up CAA for a.example.com"],
              records: [TXT_RECORD],
            }),
          ],
        },
      },
    });
    const [problem] = (await h.run()).problems;
    expect(problem).toMatchObject({
      kind: "validation_errors",
      details: {
        validation_errors: ["SERVFAIL looking up CAA for a.example.com"],
        validation_records: [TXT_RECORD],
      },
    });
    const [notification] = h.notificationsSince(0);
    expect(notification?.problem.details.validation_records).toEqual([TXT_RECORD]);
  });

  it("a pending pack is stuck after stuckHours counted from when the monitor first saw it", async () => {
    const pending = cert({
      scope: ZONE_A,
      id: "p1",
      status: "pending_validation",
      expires_at: null,
      records: [TXT_RECORD],
    });
    const h = harness({ cloudflare: { [ZONE_A]: { certs: [pending] } } });
    const firstSeen = h.clock.now();
    expect((await h.run()).problems).toEqual([]);
    h.clock.advance(23 * HOUR);
    expect((await h.run()).problems).toEqual([]);
    h.clock.advance(1 * HOUR);
    const [stuck] = (await h.run()).problems;
    expect(stuck).toMatchObject({
      kind: "stuck",
      severity: "warning",
      details: { pending_since: new Date(firstSeen).toISOString(), validation_records: [TXT_RECORD] },
    });
    expect(stuck?.first_seen).toBe(new Date(firstSeen + 24 * HOUR).toISOString());
  });

  it("progress to another pending status restarts the stuck clock (and resolves the stuck problem)", async () => {
    const h = harness({
      cloudflare: {
        [ZONE_A]: {
          certs: [cert({ scope: ZONE_A, id: "p1", status: "pending_validation", expires_at: null })],
        },
      },
    });
    await h.run();
    h.clock.advance(25 * HOUR);
    expect((await h.run()).problems.map((p) => p.kind)).toEqual(["stuck"]);
    h.cf.data.set(ZONE_A, {
      certs: [
        cert({
          scope: ZONE_A,
          id: "p1",
          status: "pending",
          provider_status: "pending_issuance",
          expires_at: null,
        }),
      ],
    });
    h.clock.advance(HOUR);
    expect((await h.run()).problems).toEqual([]);
    expect(h.notificationsSince(0).map((n) => n.event)).toEqual(["opened", "resolved"]);
  });

  it.each([
    { status: "expired" as const, expires_at: inDays(-2) },
    { status: "active" as const, expires_at: inDays(-0.1) },
  ])("an expired certificate ($status) is critical", async ({ status, expires_at }) => {
    const h = harness({
      cloudflare: { [ZONE_A]: { certs: [cert({ scope: ZONE_A, id: "p1", status, expires_at })] } },
    });
    const problems = (await h.run()).problems;
    expect(problems.map((p) => [p.kind, p.severity])).toEqual([["expired", "critical"]]);
  });

  it.each([
    { days: 45, level: null, severity: null },
    { days: 29.5, level: "renewal_due:30d", severity: "warning" },
    { days: 14, level: "renewal_due:14d", severity: "warning" },
    { days: 13, level: "renewal_due:14d", severity: "warning" },
    { days: 6.5, level: "critical:7d", severity: "critical" },
    { days: 0.5, level: "critical:1d", severity: "critical" },
  ])(
    "expiry ladder (MONITOR_EXPIRY_DAYS set): $days days left -> $level",
    async ({ days, level, severity }) => {
      // A custom upload: no renewal window, so only the ladder speaks.
      const h = harness({
        cloudflare: {
          [ZONE_A]: {
            certs: [cert({ scope: ZONE_A, id: "p1", type: "sni_custom", expires_at: inDays(days) })],
          },
        },
        vars: { MONITOR_EXPIRY_DAYS: "30,14,7,1" },
      });
      const expiring = (await h.run()).problems.filter((p) => p.kind === "expiring");
      if (level === null) expect(expiring).toEqual([]);
      else
        expect(expiring.map((p) => [p.level, p.severity, p.details.threshold_days])).toEqual([
          [level, severity, Number.parseInt(level.split(":")[1] ?? "", 10)],
        ]);
    },
  );

  it.each([
    // Cloudflare 90-day pack (renews 30 days out): window 30 days (info), late under 29, critical under 9.
    { days: 31, type: "advanced", level: null, kind: null, severity: null },
    { days: 30, type: "advanced", level: "renewal_due", kind: "expiring", severity: "info" },
    { days: 28.5, type: "advanced", level: "late", kind: "late_renewal", severity: "warning" },
    { days: 8.9, type: "advanced", level: "critical", kind: "expiring", severity: "critical" },
    // A custom upload nobody renews: the window asks for action at once.
    { days: 29, type: "sni_custom", level: "renewal_due", kind: "expiring", severity: "warning" },
    { days: -0.01, type: "sni_custom", level: "expired", kind: "expired", severity: "critical" },
  ])(
    "lifetime expiry (the default): 90-day $type at $days days -> $level",
    async ({ days, type, level, kind, severity }) => {
      const h = harness({
        cloudflare: {
          [ZONE_A]: { certs: [cert({ scope: ZONE_A, id: "p1", type, expires_at: inDays(days) })] },
        },
      });
      const problems = (await h.run()).problems;
      if (level === null) expect(problems).toEqual([]);
      else {
        expect(problems.map((p) => [p.kind, p.level, p.severity, p.fingerprint])).toEqual([
          [kind, level, severity, `expiry:cloudflare:${ZONE_A}:p1@${inDays(days)}`],
        ]);
        expect(problems[0]?.details.expiry?.thresholds).toMatchObject({
          mode: "lifetime",
          validity_days: 90,
        });
      }
    },
  );

  it.each([
    {
      what: "Cloudflare 90-day inside its 30-day window",
      c: { validity_days: 90, expires_at: inDays(25) },
      late: true,
    },
    {
      what: "Cloudflare 90-day just entering its window (grace)",
      c: { validity_days: 90, expires_at: inDays(29.5) },
      late: false,
    },
    {
      what: "Cloudflare 30-day at 10 days (window 7)",
      c: { validity_days: 30, expires_at: inDays(10) },
      late: false,
    },
    { what: "Cloudflare 30-day at 5 days", c: { validity_days: 30, expires_at: inDays(5) }, late: true },
    {
      what: "Cloudflare 14-day at 2.5 days (window 3)",
      c: { validity_days: 14, expires_at: inDays(2.5) },
      late: false,
    },
    { what: "Cloudflare 14-day at 1.5 days", c: { validity_days: 14, expires_at: inDays(1.5) }, late: true },
    { what: "Cloudflare custom upload", c: { type: "sni_custom", expires_at: inDays(5) }, late: false },
  ])("late renewal: $what -> $late", async ({ c, late }) => {
    const h = harness({ cloudflare: { [ZONE_A]: { certs: [cert({ scope: ZONE_A, id: "p1", ...c })] } } });
    const kinds = (await h.run()).problems.map((p) => p.kind);
    expect(kinds.includes("late_renewal")).toBe(late);
  });

  it("MONITOR_POLICIES: thresholds, owner and runbook per zone and project over the default; channels by severity", async () => {
    const RUNBOOK = "https://wiki.example.com/tls";
    const policies = {
      default: { owner: "platform", runbook: RUNBOOK, channels: { slack: ["critical"] } },
      zones: {
        // Opens the window at half the validity: 45 days of 90.
        [ZONE_A]: { thresholds: { renewal_window_share: 0.5 } },
        // Nobody's: the default's owner and runbook dropped.
        [ZONE_B]: { owner: null, runbook: null },
      },
      projects: { [PROJECT_P]: { owner: "cdn", thresholds: { mode: "absolute", days: [21, 7] } } },
    };
    const custom = (scope: string, id: string, days: number) =>
      cert({ scope, id, type: "sni_custom", expires_at: inDays(days) });
    const h = harness({
      cloudflare: {
        [ZONE_A]: { certs: [custom(ZONE_A, "a40", 40)] },
        [ZONE_B]: { certs: [custom(ZONE_B, "b40", 40), custom(ZONE_B, "b25", 25)] },
      },
      gjirafa: {
        [PROJECT_P]: {
          certs: [
            cert({
              provider: "gjirafa",
              scope: PROJECT_P,
              id: "7",
              type: "Imported",
              expires_at: inDays(20),
            }),
          ],
        },
      },
      vars: { MONITOR_POLICIES: JSON.stringify(policies), ALERT_SLACK_WEBHOOK_URL: SLACK_URL },
    });
    const report = await h.run();
    expect(report.problems.map((p) => [p.certificate_id, p.level, p.owner, p.runbook]).sort()).toEqual(
      [
        [`cloudflare:${ZONE_A}:a40`, "renewal_due", "platform", RUNBOOK],
        [`cloudflare:${ZONE_B}:b25`, "renewal_due", null, null],
        [`gjirafa:${PROJECT_P}:7`, "renewal_due:21d", "cdn", RUNBOOK],
      ].sort(),
    );
    expect(report.scopes.map((s) => [s.scope.id, s.owner])).toEqual([
      [ZONE_A, "platform"],
      [ZONE_B, null],
      [PROJECT_P, "cdn"],
      [PROJECT_Q, "platform"],
    ]);
    // Warnings to the webhook (the built-in routing), none to Slack (critical only).
    expect(h.notificationsSince(0)).toHaveLength(3);
    expect(h.rx.to(SLACK_URL)).toEqual([]);
  });

  it.each([
    { type: "Gjirafa Issued", late: true },
    { type: "Imported", late: false },
  ])("late renewal for Gjirafa $type (Let's Encrypt, assumed 30-day window)", async ({ type, late }) => {
    const h = harness({
      gjirafa: {
        [PROJECT_P]: {
          certs: [cert({ provider: "gjirafa", scope: PROJECT_P, id: "7", type, expires_at: inDays(20) })],
        },
      },
    });
    const kinds = (await h.run()).problems.map((p) => p.kind);
    expect(kinds.includes("late_renewal")).toBe(late);
  });

  it("a pack that disappears or turns deleted outside certgate is reported; one deleted through certgate is not", async () => {
    const { recordDeletion } = await import("../../src/state/deletions");
    const packs = ["gone", "dashboard-deleted", "via-certgate", "via-certgate-listed", "stays"].map((id) =>
      cert({ scope: ZONE_A, id }),
    );
    const h = harness({ cloudflare: { [ZONE_A]: { certs: packs } } });
    await h.run();
    await recordDeletion(
      h.config.state,
      { provider: "cloudflare", id: ZONE_A },
      "via-certgate",
      h.clock.now(),
    );
    await recordDeletion(
      h.config.state,
      { provider: "cloudflare", id: ZONE_A },
      "via-certgate-listed",
      h.clock.now(),
    );
    h.cf.data.set(ZONE_A, {
      certs: [
        cert({ scope: ZONE_A, id: "dashboard-deleted", status: "deleted", provider_status: "deleted" }),
        cert({ scope: ZONE_A, id: "via-certgate-listed", status: "deleted", provider_status: "deleted" }),
        cert({ scope: ZONE_A, id: "stays" }),
      ],
    });
    h.clock.advance(15 * 60_000);
    const problems = (await h.run()).problems;
    expect(problems.map((p) => [p.kind, p.certificate_id, p.details.observed]).sort()).toEqual([
      ["deleted_outside_certgate", `cloudflare:${ZONE_A}:dashboard-deleted`, "status_deleted"],
      ["deleted_outside_certgate", `cloudflare:${ZONE_A}:gone`, "disappeared"],
    ]);
    // The deleted pack later vanishing is not a second event.
    h.cf.data.set(ZONE_A, { certs: [cert({ scope: ZONE_A, id: "stays" })] });
    h.clock.advance(15 * 60_000);
    const before = h.notificationsSince(0).length;
    expect((await h.run()).problems).toHaveLength(2);
    expect(h.notificationsSince(0).length).toBe(before);
  });

  it("one failing scope never stops the others, and its failure is a problem", async () => {
    const h = harness({
      cloudflare: {
        [ZONE_A]: {
          certs: [],
          error: new AppError("upstream_unavailable", "Cloudflare answered 500", {
            provider: "cloudflare",
            upstream_code: 500,
          }),
        },
        [ZONE_B]: {
          certs: [cert({ scope: ZONE_B, id: "p1", status: "failed", provider_status: "issuance_timed_out" })],
        },
      },
      gjirafa: {
        [PROJECT_P]: {
          certs: [],
          error: new AppError("upstream_auth_failed", "Gjirafa answered 401", { provider: "gjirafa" }),
        },
      },
    });
    const report = await h.run();
    const outcome = Object.fromEntries(report.scopes.map((s) => [s.scope.id, s.outcome]));
    expect(outcome).toEqual({
      [ZONE_A]: "failed",
      [ZONE_B]: "checked",
      [PROJECT_P]: "failed",
      [PROJECT_Q]: "checked",
    });
    expect(report.problems.map((p) => [p.kind, p.scope.id]).sort()).toEqual(
      [
        ["failed", ZONE_B],
        ["source_down", ZONE_A],
        ["source_unauthorized", PROJECT_P],
      ].sort(),
    );
    expect(report.scopes.find((s) => s.scope.id === ZONE_A)?.error).toMatchObject({
      code: "upstream_unavailable",
    });
  });
});
