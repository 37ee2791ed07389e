/**
 * A certgate in a test for the monitor's lifecycle suites: the test gateway (the Worker production
 * runs) over sandbox simulators of both upstreams that the test seeds, on a clock the test moves; sinks
 * for the webhook, Slack and the heartbeat; a cron loop; the policy of zone A (owner, runbook, every
 * severity to the webhook, critical to Slack).
 */
import { createCloudflareSimulator, createGjirafaSimulator, instantSleep } from "../../sandbox";
import type { SlackPayload } from "../../src/monitor/alerts/slack";
import type { WebhookPayload } from "../../src/monitor/alerts/webhook";
import { testClock } from "../helpers/deps";
import { PROJECT_P, UPSTREAM_CLOUDFLARE_TOKEN, UPSTREAM_GJIRAFA_KEY, ZONE_A, ZONE_B } from "../helpers/env";
import { createGateway, type GatewayOptions } from "../helpers/gateway";
import { DAY, receiver, SLACK_URL, WEBHOOK_URL } from "./helpers";

export const HEARTBEAT = "https://hc-ping.test/0b4f1c3e-5a8d-4e2b-9c1d-2f3e4a5b6c7d";
export const RUNBOOK = "https://wiki.example.com/runbooks/tls?team=web&step=renew";
export const POLICIES = {
  zones: {
    [ZONE_A]: {
      owner: "web-team",
      runbook: RUNBOOK,
      // Everything to the webhook (info included), only critical to Slack.
      channels: { webhook: ["info", "warning", "critical"], slack: ["critical"] },
    },
  },
};

export function lifecycle(
  env: Record<string, string | undefined> = {},
  options: Pick<GatewayOptions, "upstream" | "routes"> = {},
) {
  const clock = testClock(Date.parse("2029-03-15T00:00:00Z"));
  const cf = createCloudflareSimulator({
    zones: [
      { id: ZONE_A, name: "example.com" },
      { id: ZONE_B, name: "example.org" },
    ],
    credentials: [{ token: UPSTREAM_CLOUDFLARE_TOKEN }],
    now: clock.now,
    sleep: instantSleep,
  });
  const gj = createGjirafaSimulator({
    projects: [{ id: PROJECT_P }],
    apiKeys: [{ key: UPSTREAM_GJIRAFA_KEY }],
    now: clock.now,
    sleep: instantSleep,
  });
  const rx = receiver();
  const pings: Array<{ method: string; url: string; at: number }> = [];
  const gw = createGateway({
    clock,
    simulators: { cloudflare: cf, gjirafa: gj },
    routes: {
      [new URL(WEBHOOK_URL).origin]: (r) => rx.fetch(r),
      [new URL(SLACK_URL).origin]: (r) => rx.fetch(r),
      [new URL(HEARTBEAT).origin]: (r) => {
        pings.push({ method: r.method, url: r.url, at: clock.now() });
        return new Response("OK");
      },
      ...options.routes,
    },
    upstream: options.upstream,
    env: {
      GJIRAFA_PROJECTS: PROJECT_P,
      ALERT_WEBHOOK_URL: WEBHOOK_URL,
      ALERT_SLACK_WEBHOOK_URL: SLACK_URL,
      MONITOR_HEARTBEAT_URL: HEARTBEAT,
      MONITOR_POLICIES: JSON.stringify(POLICIES),
      ...env,
    },
  });
  const start = clock.now();
  /** Every webhook notification so far: event, kind, level, severity, days after `start`. */
  const alerts = () =>
    (rx.to(WEBHOOK_URL) as WebhookPayload[])
      .flatMap((d) => d.notifications)
      .map((n) => [
        n.event,
        n.problem.kind,
        n.problem.level,
        n.problem.severity,
        (Date.parse(n.at) - start) / DAY,
      ]);
  const slack = () => rx.to(SLACK_URL) as SlackPayload[];
  const notifications = () => (rx.to(WEBHOOK_URL) as WebhookPayload[]).flatMap((d) => d.notifications);
  /** Fires the cron every `step` until `until` (ms after start); returns how many runs fired. */
  const cronUntil = async (until: number, step: number, each?: (t: number) => void) => {
    let runs = 0;
    while (clock.now() - start + step <= until) {
      clock.advance(step);
      each?.(clock.now() - start);
      await gw.scheduled();
      runs += 1;
    }
    return runs;
  };
  return { clock, cf, gj, rx, gw, pings, start, alerts, slack, notifications, cronUntil };
}

export type Lifecycle = ReturnType<typeof lifecycle>;
