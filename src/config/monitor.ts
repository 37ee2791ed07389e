/**
 * The monitor's settings (docs/monitor.md): its interval, checks, expiry policies, remediation, budget,
 * alert channels, heartbeat, and the Durable Objects that keep one run at a time and the acknowledgements.
 */
import * as z from "zod";
import type { MonitorAcks } from "../durable/monitor-acks";
import type { MonitorLease } from "../durable/monitor-lease";
import { EMPTY_POLICIES, MonitorPoliciesSchema } from "../monitor/lifetime/policy";
import { bool, HTTP_LOOPBACK_ONLY, httpOnlyOnLoopback, int, jsonOf, redactable, url } from "./fields";

/** A Durable Object namespace binding (wrangler.toml); absent in a deployment that has not bound it. */
const namespace = <T extends Rpc.DurableObjectBranded>() =>
  z
    .custom<DurableObjectNamespace<T>>(
      (v) => typeof v === "object" && v !== null && "idFromName" in v && "get" in v,
      "must be a Durable Object namespace binding",
    )
    .optional();

export const monitorSettings = z
  .object({
    MONITOR_INTERVAL_MINUTES: int(15, 1, 1_440),
    MONITOR_QUOTA_WARN_PERCENT: int(80, 1, 100),
    MONITOR_STUCK_HOURS: int(24, 1, 720),
    // Unset: expiry is measured against each certificate's lifetime (MONITOR_POLICIES can change it).
    // Set: the fixed ladder of earlier versions, as the built-in policy, so a deployment that set it
    // keeps the alerts it had.
    MONITOR_EXPIRY_DAYS: z
      .string()
      .optional()
      .transform((s) =>
        s === undefined
          ? null
          : s
              .split(",")
              .map((v) => Number(v.trim()))
              .sort((a, b) => b - a),
      )
      .refine(
        (l) => l === null || (l.length > 0 && l.every((n) => Number.isInteger(n) && n > 0 && n <= 365)),
        {
          message: "must be comma-separated whole days between 1 and 365",
        },
      ),
    MONITOR_POLICIES: jsonOf(MonitorPoliciesSchema).optional(),
    MONITOR_REMEDIATE: bool(false),
    MONITOR_REMEDIATE_MAX_PER_DAY: int(1, 0, 24),
    MONITOR_SUBREQUEST_BUDGET: int(50, 10, 10_000),
    ALERT_WEBHOOK_URL: url.optional(),
    ALERT_SLACK_WEBHOOK_URL: url.optional(),
    // Kept exactly as given (no trailing-slash trim): the ping URL is the service's, byte for byte.
    MONITOR_HEARTBEAT_URL: z
      .url({ protocol: /^https?$/ })
      .refine(httpOnlyOnLoopback, HTTP_LOOPBACK_ONLY)
      .optional(),
    MONITOR_LEASE: namespace<MonitorLease>(),
    MONITOR_ACKS: namespace<MonitorAcks>(),
  })
  .transform((p) => ({
    monitor: {
      intervalMinutes: p.MONITOR_INTERVAL_MINUTES,
      quotaWarnPercent: p.MONITOR_QUOTA_WARN_PERCENT,
      stuckHours: p.MONITOR_STUCK_HOURS,
      /** The fixed ladder when MONITOR_EXPIRY_DAYS is set, else null (lifetime thresholds). */
      expiryDays: p.MONITOR_EXPIRY_DAYS,
      policies: p.MONITOR_POLICIES ?? EMPTY_POLICIES,
      remediate: p.MONITOR_REMEDIATE,
      remediateMaxPerDay: p.MONITOR_REMEDIATE_MAX_PER_DAY,
      subrequestBudget: p.MONITOR_SUBREQUEST_BUDGET,
      webhookUrl: p.ALERT_WEBHOOK_URL ?? null,
      slackWebhookUrl: p.ALERT_SLACK_WEBHOOK_URL ?? null,
      heartbeatUrl: p.MONITOR_HEARTBEAT_URL ?? null,
      lease: p.MONITOR_LEASE ?? null,
      acks: p.MONITOR_ACKS ?? null,
    },
  }));
export type MonitorConfig = z.output<typeof monitorSettings>;

/**
 * Alert webhook URLs carry their credential in the path, and whoever has the heartbeat URL can ping it:
 * redacted like any secret.
 */
export function monitorSecrets(config: MonitorConfig): string[] {
  return redactable([config.monitor.webhookUrl, config.monitor.slackWebhookUrl, config.monitor.heartbeatUrl]);
}
