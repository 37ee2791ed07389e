/**
 * The run's subrequest budget (MONITOR_SUBREQUEST_BUDGET): what the scope checks may spend, and what
 * alerts (one digest per configured channel) and remediation take from what is left. Alerts and
 * remediation are reserved up front, so checks can never spend what the digests need.
 */
import type { Config } from "../config/load";

/** Subrequests kept for remediation when it is on (the rest of the budget goes to checks). */
export const REMEDIATION_RESERVE = 2;

export function createSpend(m: Config["monitor"]) {
  const channels = [m.webhookUrl, m.slackWebhookUrl].filter(Boolean).length;
  const available = Math.max(0, m.subrequestBudget - channels - (m.remediate ? REMEDIATION_RESERVE : 0));
  const spent = { upstream: 0, alerts: 0, remediation: 0 };
  const left = () => m.subrequestBudget - spent.upstream - spent.alerts - spent.remediation;
  return {
    /** Configured alert channels: one subrequest each per run. */
    channels,
    /** What the scope checks may spend in total. */
    available,
    /** What the checks spent. */
    checked(calls: number): void {
      spent.upstream = calls;
    },
    /** Takes one subrequest for `purpose` unless that would eat into `keep` (calls reserved for later). */
    take: (purpose: "alerts" | "remediation", keep: number) => (): boolean => {
      if (left() - keep <= 0) return false;
      spent[purpose] += 1;
      return true;
    },
    totals: () => ({ budget: m.subrequestBudget, ...spent }),
  };
}
