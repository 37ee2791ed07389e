/**
 * The run's subrequest budget (MONITOR_SUBREQUEST_BUDGET): what the scope checks may spend, and what
 * alerts (one digest per configured channel), remediation and the heartbeat ping take from what is left.
 * Alerts, remediation and the heartbeat are reserved up front, so checks can never spend what they need.
 */
import type { Config } from "../config/load";

/** Subrequests kept for remediation when it is on (the rest of the budget goes to checks). */
export const REMEDIATION_RESERVE = 2;

export function createSpend(m: Config["monitor"]) {
  const channels = [m.webhookUrl, m.slackWebhookUrl].filter(Boolean).length;
  const heartbeat = m.heartbeatUrl ? 1 : 0;
  const available = Math.max(
    0,
    m.subrequestBudget - channels - heartbeat - (m.remediate ? REMEDIATION_RESERVE : 0),
  );
  const spent = { upstream: 0, alerts: 0, remediation: 0, heartbeat: 0 };
  const left = () => m.subrequestBudget - spent.upstream - spent.alerts - spent.remediation - spent.heartbeat;
  return {
    /** Configured alert channels: one subrequest each per run. */
    channels,
    /** The heartbeat ping: one subrequest per run when configured. */
    heartbeat,
    /** What the scope checks may spend in total. */
    available,
    /** What the checks spent. */
    checked(calls: number): void {
      spent.upstream = calls;
    },
    /** Takes one subrequest for `purpose` unless that would eat into `keep` (calls reserved for later). */
    take: (purpose: "alerts" | "remediation" | "heartbeat", keep: number) => (): boolean => {
      if (left() - keep <= 0) return false;
      spent[purpose] += 1;
      return true;
    },
    totals: () => ({ budget: m.subrequestBudget, ...spent }),
  };
}
