/**
 * Certificates moved through their whole lives on the injected clock: the sandbox simulators behind the
 * test gateway (the Worker production runs), the cron firing the scheduled handler again and again, and
 * the EXACT alerts asserted where they arrive (the webhook sink, the Slack sink), with the owner and
 * runbook of the scope's policy on each, and the heartbeat ping after every run.
 *
 * The lifetime model's numbers (docs/monitor.md): a 90-day Cloudflare pack opens its renewal window at
 * 30 days left (Cloudflare renews then: `info`), is `late` under 29 (30 - 1 day of grace), `critical`
 * under 9 (1/10 of 90); a 14-day pack opens at 4.67 days (1/3), is late under 2 (renews 3 days out),
 * critical under 1.4.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { WebhookPayload } from "../../src/monitor/alerts/webhook";
import type { ReportView } from "../../src/monitor/report-view";
import { PROJECT_P, ZONE_A, ZONE_B } from "../helpers/env";
import { KEYS } from "../helpers/keys";
import { DAY, HOUR, resetStorage, WEBHOOK_URL } from "./helpers";
import { HEARTBEAT, lifecycle, RUNBOOK } from "./lifecycle-harness";

beforeEach(resetStorage);

describe("certificates through their lives (sandbox, cron, injected clock)", () => {
  it("a 90-day Cloudflare pack nobody renews: info at 30 days left, late under 29, critical under 9, expired: exactly 4 alerts", async () => {
    const s = lifecycle();
    s.cf.seedPack(ZONE_A, {
      hosts: ["shop.example.com"],
      status: "active",
      validityDays: 90,
      issuedOn: s.start,
    });
    let runs = await s.cronUntil(85 * DAY, 12 * HOUR);
    // The report entry, critical now, with the thresholds it was judged by and the scope's owner.
    const critical = await s.gw.json<{ result: ReportView }>("GET", "/v1/report", { key: KEYS.reports });
    expect(critical.body.result.problems).toEqual([
      expect.objectContaining({
        kind: "expiring",
        level: "critical",
        owner: "web-team",
        runbook: RUNBOOK,
        ack: null,
        details: expect.objectContaining({
          days_remaining: 5,
          expiry: {
            level: "critical",
            validity_source: "provider",
            late: true,
            thresholds: {
              mode: "lifetime",
              validity_days: 90,
              renewal_window_days: 30,
              renewal_window_opens_at: "2029-05-14T00:00:00.000Z",
              provider_renewal_days: 30,
              late_after_days: 29,
              late_at: "2029-05-15T00:00:00.000Z",
              critical_floor_days: 9,
              critical_at: "2029-06-04T00:00:00.000Z",
            },
          },
        }),
      }),
    ]);
    runs += await s.cronUntil(91 * DAY, 12 * HOUR);

    expect(s.alerts()).toEqual([
      ["opened", "expiring", "renewal_due", "info", 60],
      ["escalated", "late_renewal", "late", "warning", 61.5],
      ["escalated", "expiring", "critical", "critical", 81.5],
      ["escalated", "expired", "expired", "critical", 90],
    ]);
    // Each alert carries the scope's owner and runbook, in the webhook body...
    const notifications = (s.rx.to(WEBHOOK_URL) as WebhookPayload[]).flatMap((d) => d.notifications);
    for (const n of notifications) expect(n.problem).toMatchObject({ owner: "web-team", runbook: RUNBOOK });
    // ... and in Slack, which the policy gives only the critical ones.
    expect(s.slack().map((p) => p.text.split("\n").slice(1))).toEqual([
      [
        expect.stringMatching(
          /^:arrow_double_up: \*WORSE\* \[critical\] shop\.example\.com: expires in 8\.5 days .*owner: web-team · <https:\/\/wiki\.example\.com\/runbooks\/tls\?team=web&amp;step=renew\|runbook>$/,
        ),
      ],
      [
        expect.stringMatching(
          /^:arrow_double_up: \*WORSE\* \[critical\] shop\.example\.com: certificate expired.* · owner: web-team · /,
        ),
      ],
    ]);
    // The heartbeat after every scheduled run, all of them complete: never /fail.
    expect(s.pings).toHaveLength(runs);
    expect(new Set(s.pings.map((p) => `${p.method} ${p.url}`))).toEqual(new Set([`GET ${HEARTBEAT}`]));

    const report = await s.gw.json<{ result: ReportView }>("GET", "/v1/report", { key: KEYS.reports });
    expect(report.body.result.problems.map((p) => [p.kind, p.level, p.owner, p.runbook])).toEqual([
      ["expired", "expired", "web-team", RUNBOOK],
    ]);
    expect(report.body.result.scopes.find((x) => x.scope.id === ZONE_A)).toMatchObject({
      owner: "web-team",
      runbook: RUNBOOK,
    });
    expect(report.body.result.scopes.find((x) => x.scope.id === ZONE_B)).toMatchObject({
      owner: null,
      runbook: null,
    });
    expect(report.body.result.run?.heartbeat).toEqual({ url_configured: true, ok: true, status: 200 });
    expect(report.body.result.run?.subrequests.heartbeat).toBe(1);
  });

  it("a 14-day pack renewed by Cloudflare 3 days out starts a new lifecycle; the second, never renewed, alerts late, critical, expired", async () => {
    const s = lifecycle();
    const pack = s.cf.seedPack(ZONE_A, {
      hosts: ["api.example.com"],
      status: "active",
      validityDays: 14,
      issuedOn: s.start,
    });
    let renewed = false;
    await s.cronUntil(30 * DAY, 3 * HOUR, (t) => {
      // Cloudflare renews a 14-day pack 3 days before it expires: once, in the first lifetime.
      if (!renewed && t >= 11 * DAY) {
        s.cf.renewPack(ZONE_A, String(pack.id));
        renewed = true;
      }
    });
    const days = (d: number) => Math.round(d * 1000) / 1000;
    expect(s.alerts().map(([e, k, l, sev, d]) => [e, k, l, sev, days(Number(d))])).toEqual([
      // Lifetime 1 (days 0-14): the window opens at 14 - 4.67 = 9.33 -> first run after it, day 9.375.
      ["opened", "expiring", "renewal_due", "info", 9.375],
      // Renewed at day 11: a new expiry, a new key; the old problem resolves.
      ["resolved", "expiring", "renewal_due", "info", 11],
      // Lifetime 2 (days 11-25), never renewed: window at 20.33, late under 2 days (after 23), critical
      // under 1.4 (after 23.6), expired at 25.
      ["opened", "expiring", "renewal_due", "info", 20.375],
      ["escalated", "late_renewal", "late", "warning", 23.125],
      ["escalated", "expiring", "critical", "critical", 23.625],
      ["escalated", "expired", "expired", "critical", 25],
    ]);
    const fingerprints = new Set(
      (s.rx.to(WEBHOOK_URL) as WebhookPayload[]).flatMap((d) =>
        d.notifications.map((n) => n.problem.fingerprint),
      ),
    );
    expect(fingerprints.size).toBe(2);
  });

  it("under the built-in policy the same 90-day pack never sends its `info`; Cloudflare renewing on time sends nothing at all", async () => {
    const s = lifecycle({ MONITOR_POLICIES: undefined, ALERT_SLACK_WEBHOOK_URL: undefined });
    const late = s.cf.seedPack(ZONE_A, {
      hosts: ["late.example.com"],
      status: "active",
      validityDays: 90,
      issuedOn: s.start,
    });
    const onTime = s.cf.seedPack(ZONE_A, {
      hosts: ["ok.example.com"],
      status: "active",
      validityDays: 90,
      issuedOn: s.start,
    });
    let renewed = false;
    await s.cronUntil(70 * DAY, 12 * HOUR, (t) => {
      if (!renewed && t >= 60 * DAY) {
        s.cf.renewPack(ZONE_A, String(onTime.id));
        renewed = true;
      }
    });
    // The renewal window's info and the renewed pack's resolve are info: no channel by default.
    expect(s.alerts()).toEqual([["escalated", "late_renewal", "late", "warning", 61.5]]);
    const report = await s.gw.json<{ result: ReportView }>("GET", "/v1/report", { key: KEYS.reports });
    expect(report.body.result.problems.map((p) => [p.hosts[1] ?? p.hosts[0], p.level, p.owner])).toEqual([
      [late.hosts[0], "late", null],
    ]);
    expect(report.body.result.totals.problems).toEqual({ critical: 0, warning: 1, info: 0 });
  });

  it("a 90-day Gjirafa certificate nobody renews (imported): a warning as the window opens, critical, expired", async () => {
    const s = lifecycle();
    s.gj.seedCertificate(PROJECT_P, {
      domainName: "cdn.example.net",
      certificateType: "Imported",
      notBefore: s.start,
      notAfter: s.start + 90 * DAY,
    });
    await s.cronUntil(91 * DAY, DAY);
    expect(s.alerts()).toEqual([
      ["opened", "expiring", "renewal_due", "warning", 60],
      ["escalated", "expiring", "critical", "critical", 82],
      ["escalated", "expired", "expired", "critical", 90],
    ]);
  });

  it("MONITOR_EXPIRY_DAYS keeps the fixed ladder for a deployment that set it: one alert per rung", async () => {
    const s = lifecycle({ MONITOR_EXPIRY_DAYS: "30,14,7,1", MONITOR_POLICIES: undefined });
    s.cf.seedPack(ZONE_A, {
      hosts: ["shop.example.com"],
      status: "active",
      validityDays: 90,
      issuedOn: s.start,
    });
    await s.cronUntil(91 * DAY, DAY);
    expect(s.alerts().map(([e, , l, sev, d]) => [e, l, sev, d])).toEqual([
      ["opened", "renewal_due:30d", "warning", 60],
      ["escalated", "late:30d", "warning", 62],
      ["escalated", "late:14d", "warning", 76],
      ["escalated", "critical:7d", "critical", 83],
      ["escalated", "critical:1d", "critical", 89],
      ["escalated", "expired", "critical", 90],
    ]);
  });

  it("the heartbeat says /fail after a run that could not check a scope, and the URL never reaches a log or the report", async () => {
    const s = lifecycle();
    // A 500 three times (the list is tried three times): the first run cannot check zone B.
    s.cf.faults.add({
      path: `/zones/${ZONE_B}/ssl/certificate_packs`,
      times: 3,
      fault: { kind: "status", status: 500 },
    });
    await s.cronUntil(30 * 60_000, 15 * 60_000);
    expect(s.pings.map((p) => p.url)).toEqual([`${HEARTBEAT}/fail`, HEARTBEAT]);
    const report = await s.gw.json<{ result: ReportView }>("GET", "/v1/report", { key: KEYS.admin });
    expect(report.text).not.toContain("hc-ping");
    expect(JSON.stringify(s.gw.deps.logs)).not.toContain("0b4f1c3e");
  });
});
