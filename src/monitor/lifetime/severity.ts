/**
 * Alert severities of the lifetime model and the channels they can be routed to.
 * `info` is new: the renewal window opening on a certificate its provider renews by itself is worth a line
 * in the report, not a message (the built-in routing sends `info` nowhere). `warning` and `critical` are
 * the severities problems already carry. The channels mirror the monitor's configured alert channels
 * (ALERT_WEBHOOK_URL, ALERT_SLACK_WEBHOOK_URL).
 */
export const ALERT_SEVERITIES = ["info", "warning", "critical"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_CHANNELS = ["webhook", "slack"] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

export function alertSeverityRank(s: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(s);
}
