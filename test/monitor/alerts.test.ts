import { beforeEach, describe, expect, it } from "vitest";
import type { SlackPayload } from "../../src/monitor/alerts/slack";
import { REPORT_KEY } from "../../src/monitor/report";
import { STATE_KEY } from "../../src/monitor/state";
import { UPSTREAM_CLOUDFLARE_TOKEN, ZONE_A, ZONE_B } from "../helpers/env";
import { harness } from "./harness";
import { cert, DAY, resetStorage, SLACK_URL, TXT_RECORD, WEBHOOK_URL } from "./helpers";

beforeEach(resetStorage);

const NOW = Date.parse("2026-11-23T12:00:00Z");
const inDays = (days: number) => new Date(NOW + days * DAY).toISOString();
const QUARTER = 15 * 60_000;

describe("monitor alerts: transitions, digests, delivery", () => {
  it("alerts once per condition: a second run with the same problems sends nothing", async () => {
    const h = harness({
      cloudflare: {
        [ZONE_A]: {
          certs: [
            cert({ scope: ZONE_A, id: "p1", status: "failed", provider_status: "validation_timed_out" }),
          ],
          quota: { used: 9, allocated: 10 },
        },
      },
    });
    await h.run();
    expect(h.digests()).toHaveLength(1);
    expect(
      h
        .digests()[0]
        ?.notifications.map((n) => [n.event, n.problem.kind])
        .sort(),
    ).toEqual([
      ["opened", "failed"],
      ["opened", "quota"],
    ]);
    h.clock.advance(QUARTER);
    const second = await h.run();
    expect(h.digests()).toHaveLength(1);
    expect(second.problems).toHaveLength(2);
    expect(second.alerts.find((a) => a.channel === "webhook")).toMatchObject({
      delivered: null,
      notifications: 0,
    });
  });

  it.each([
    {
      mode: "the ladder (MONITOR_EXPIRY_DAYS set)",
      vars: { MONITOR_EXPIRY_DAYS: "30,14,7,1" },
      levels: ["renewal_due:30d", "renewal_due:14d", "critical:7d"],
    },
    // A 90-day custom upload nobody renews: the window opens at 30 days (1/3), critical under 9 (1/10).
    { mode: "lifetime (the default)", vars: {}, levels: ["renewal_due", "critical"] },
  ])(
    "$mode: each expiry level reached is one alert, then a recovery notice when renewed (dedupe reset)",
    async ({ vars, levels }) => {
      const pack = (expires_at: string) => cert({ scope: ZONE_A, id: "p1", type: "sni_custom", expires_at });
      const h = harness({ cloudflare: { [ZONE_A]: { certs: [pack(inDays(31))] } }, vars });
      const events: string[] = [];
      const record = () => {
        events.push(
          ...h
            .notificationsSince(0)
            .slice(events.length)
            .map((n) => `${n.event}:${n.problem.kind}:${n.problem.level}`),
        );
      };
      for (const step of [2, 1, 1, 14, 1, 1, 8]) {
        h.clock.advance(step * DAY);
        await h.run();
        record();
      }
      // Days left after each step: 29, 28, 27, 13, 12, 11, 3.
      const [first, ...later] = levels;
      expect(events).toEqual([`opened:expiring:${first}`, ...later.map((l) => `escalated:expiring:${l}`)]);
      // Renewed: new expiry -> the old problem resolves, the new certificate starts a fresh ladder.
      h.cf.data.set(ZONE_A, { certs: [pack(new Date(h.clock.now() + 90 * DAY).toISOString())] });
      h.clock.advance(QUARTER);
      const report = await h.run();
      record();
      expect(events.at(-1)).toBe(`resolved:expiring:${levels.at(-1)}`);
      expect(report.problems).toEqual([]);
      // 61 days later the renewed certificate alerts again at 30 days: the dedupe was reset.
      h.clock.advance(61 * DAY);
      await h.run();
      record();
      expect(events.at(-1)).toBe(`opened:expiring:${first}`);
    },
  );

  it("a recovery notice is sent when a condition clears", async () => {
    const h = harness({ cloudflare: { [ZONE_A]: { certs: [], quota: { used: 10, allocated: 10 } } } });
    await h.run();
    h.cf.data.set(ZONE_A, { certs: [], quota: { used: 3, allocated: 10 } });
    h.clock.advance(QUARTER);
    const report = await h.run();
    expect(report.problems).toEqual([]);
    expect(h.notificationsSince(1).map((n) => [n.event, n.problem.kind])).toEqual([["resolved", "quota"]]);
  });

  it("many problems make ONE digest per channel per run", async () => {
    const certs = Array.from({ length: 40 }, (_, i) =>
      cert({
        scope: ZONE_A,
        id: `p${i}`,
        status: "failed",
        provider_status: "validation_timed_out",
        records: [TXT_RECORD],
      }),
    );
    const h = harness({ cloudflare: { [ZONE_A]: { certs } }, vars: { ALERT_SLACK_WEBHOOK_URL: SLACK_URL } });
    await h.run();
    expect(h.rx.to(WEBHOOK_URL)).toHaveLength(1);
    expect(h.rx.to(SLACK_URL)).toHaveLength(1);
    expect(h.digests()[0]?.notifications).toHaveLength(40);
    const slack = h.rx.to(SLACK_URL)[0] as SlackPayload;
    expect(slack.text).toContain("40 certificate alerts");
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(slack.blocks)).toContain("and 20 more");
    expect(JSON.stringify(slack.blocks)).toContain("_acme-challenge.a.example.com");
  });

  it("payloads never carry secrets (upstream token, webhook URLs)", async () => {
    const h = harness({
      cloudflare: {
        [ZONE_A]: {
          certs: [
            cert({
              scope: ZONE_A,
              id: "p1",
              status: "failed",
              provider_status: "validation_timed_out",
              errors: [`bad ${UPSTREAM_CLOUDFLARE_TOKEN}`],
            }),
          ],
        },
      },
      vars: { ALERT_SLACK_WEBHOOK_URL: SLACK_URL },
    });
    await h.run();
    const sent = JSON.stringify(h.rx.bodies.map((b) => b.body));
    for (const secret of [UPSTREAM_CLOUDFLARE_TOKEN, WEBHOOK_URL, SLACK_URL])
      expect(sent).not.toContain(secret);
    expect(sent).toContain("[REDACTED]");
  });

  it("a failed delivery is logged, kept, and retried on the next run without failing the run", async () => {
    const h = harness({ cloudflare: { [ZONE_A]: { certs: [], quota: { used: 10, allocated: 10 } } } });
    h.rx.state.fail = true;
    const first = await h.run();
    expect(first.alerts.find((a) => a.channel === "webhook")).toMatchObject({ delivered: false, pending: 1 });
    expect(h.deps.logs.some((l) => l.event === "monitor_alert_failed")).toBe(true);
    expect(JSON.stringify(h.deps.logs)).not.toContain(WEBHOOK_URL);

    h.rx.state.fail = false;
    h.cf.data.set(ZONE_A, { certs: [], quota: { used: 2, allocated: 10 } });
    h.clock.advance(QUARTER);
    const second = await h.run();
    expect(second.alerts.find((a) => a.channel === "webhook")).toMatchObject({ delivered: true, pending: 0 });
    // The retried alert and this run's recovery, in one message.
    expect(h.rx.bodies).toHaveLength(2);
    expect(h.digests()[1]?.notifications.map((n) => n.event)).toEqual(["opened", "resolved"]);
    h.clock.advance(QUARTER);
    await h.run();
    expect(h.rx.bodies).toHaveLength(2);
  });

  it("writes STATE twice per run (state + report), however many certificates", async () => {
    const certs = Array.from({ length: 60 }, (_, i) =>
      cert({
        scope: i % 2 ? ZONE_A : ZONE_B,
        id: `p${i}`,
        status: "failed",
        provider_status: "validation_timed_out",
      }),
    );
    const h = harness({
      cloudflare: {
        [ZONE_A]: { certs: certs.filter((c) => c.scope.id === ZONE_A) },
        [ZONE_B]: { certs: certs.filter((c) => c.scope.id === ZONE_B) },
      },
    });
    await h.run();
    expect(h.config.state.puts.sort()).toEqual([REPORT_KEY, STATE_KEY]);
    h.clock.advance(QUARTER);
    await h.run();
    expect(h.config.state.puts).toHaveLength(4);
  });
});
