/** The monitor's settings (docs/monitor.md): its interval, checks, remediation, budget and alert channels. */
import * as z from "zod";
import { bool, int, redactable, url } from "./fields";

export const monitorSettings = z
  .object({
    MONITOR_INTERVAL_MINUTES: int(15, 1, 1_440),
    MONITOR_QUOTA_WARN_PERCENT: int(80, 1, 100),
    MONITOR_STUCK_HOURS: int(24, 1, 720),
    MONITOR_EXPIRY_DAYS: z
      .string()
      .default("30,14,7,1")
      .transform((s) =>
        s
          .split(",")
          .map((v) => Number(v.trim()))
          .sort((a, b) => b - a),
      )
      .refine((l) => l.length > 0 && l.every((n) => Number.isInteger(n) && n > 0 && n <= 365), {
        message: "must be comma-separated whole days between 1 and 365",
      }),
    MONITOR_REMEDIATE: bool(false),
    MONITOR_REMEDIATE_MAX_PER_DAY: int(1, 0, 24),
    MONITOR_SUBREQUEST_BUDGET: int(50, 10, 10_000),
    ALERT_WEBHOOK_URL: url.optional(),
    ALERT_SLACK_WEBHOOK_URL: url.optional(),
  })
  .transform((p) => ({
    monitor: {
      intervalMinutes: p.MONITOR_INTERVAL_MINUTES,
      quotaWarnPercent: p.MONITOR_QUOTA_WARN_PERCENT,
      stuckHours: p.MONITOR_STUCK_HOURS,
      expiryDays: p.MONITOR_EXPIRY_DAYS,
      remediate: p.MONITOR_REMEDIATE,
      remediateMaxPerDay: p.MONITOR_REMEDIATE_MAX_PER_DAY,
      subrequestBudget: p.MONITOR_SUBREQUEST_BUDGET,
      webhookUrl: p.ALERT_WEBHOOK_URL ?? null,
      slackWebhookUrl: p.ALERT_SLACK_WEBHOOK_URL ?? null,
    },
  }));
export type MonitorConfig = z.output<typeof monitorSettings>;

/** Alert webhook URLs carry their credential in the path: redacted like any secret. */
export function monitorSecrets(config: MonitorConfig): string[] {
  return redactable([config.monitor.webhookUrl, config.monitor.slackWebhookUrl]);
}
