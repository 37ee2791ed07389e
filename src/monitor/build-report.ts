/**
 * Assembles the run report from the new STATE and what this run did. Every configured scope appears,
 * checked or not, with its coverage (`last_checked_at`) and its last known counts and quota.
 */
import { ackView } from "./acks";
import type { ChannelReport } from "./alerts/digest";
import type { ScopeOutcome } from "./execute";
import type { PolicyBook } from "./policies";
import { countBySeverity, severityRank } from "./problems";
import type { HeartbeatReport, RemediationAttempt, Report, ReportedProblem, ScopeReport } from "./report";
import type { Source } from "./sources";
import { emptyScopeState, type MonitorState, type OpenProblem } from "./state";

export interface ReportInput {
  runId: string;
  trigger: "cron" | "manual";
  startedAt: number;
  finishedAt: number;
  sources: readonly Source[];
  state: MonitorState;
  outcomes: ReadonlyMap<string, { outcome: ScopeOutcome; calls: number }>;
  problems: readonly OpenProblem[];
  channels: ChannelReport[];
  notifications: number;
  /** Notifications per scope key (`provider:id`); they sum to `notifications`. */
  notificationsByScope: ReadonlyMap<string, number>;
  remediation: RemediationAttempt[];
  subrequests: { budget: number; upstream: number; alerts: number; remediation: number; heartbeat: number };
  heartbeat: HeartbeatReport | null;
  /** Each scope's owner and runbook. */
  policies: PolicyBook;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function buildReport(input: ReportInput): Report {
  const scopes: ScopeReport[] = input.sources.map(({ key, scope: target }) => {
    const s = input.state.scopes[key] ?? emptyScopeState();
    const ran = input.outcomes.get(key);
    const q = s.quota;
    const { owner, runbook } = input.policies.of(target);
    return {
      provider: target.provider,
      scope: { kind: target.kind, id: target.id },
      outcome: ran?.outcome ?? "skipped_budget",
      last_checked_at: isoOrNull(s.last_success_at),
      last_attempt_at: isoOrNull(s.last_attempt_at),
      counts: s.counts,
      total: s.total,
      quota:
        q && q.allocated !== null && q.used !== null
          ? { allocated: q.allocated, used: q.used, remaining: q.remaining, percent: q.percent }
          : null,
      error: s.last_error,
      calls: ran?.calls ?? 0,
      notifications: input.notificationsByScope.get(key) ?? 0,
      skipped: s.skipped ?? [],
      owner,
      runbook,
    };
  });
  const problems: ReportedProblem[] = [...input.problems]
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.first_seen - b.first_seen)
    .map(({ first_seen, last_seen, event_until: _eventUntil, ack, ...p }) => ({
      ...p,
      first_seen: new Date(first_seen).toISOString(),
      last_seen: new Date(last_seen).toISOString(),
      age_seconds: Math.max(0, Math.floor((input.finishedAt - first_seen) / 1000)),
      ack: ack ? ackView(ack) : null,
    }));
  const count = (o: ScopeOutcome[]) => scopes.filter((s) => o.includes(s.outcome)).length;
  const { budget, upstream, alerts, remediation, heartbeat } = input.subrequests;
  return {
    run: {
      id: input.runId,
      trigger: input.trigger,
      started_at: new Date(input.startedAt).toISOString(),
      finished_at: new Date(input.finishedAt).toISOString(),
      duration_ms: input.finishedAt - input.startedAt,
      notifications: input.notifications,
      subrequests: {
        budget,
        used: upstream + alerts + remediation + heartbeat,
        upstream,
        alerts,
        remediation,
        heartbeat,
      },
      heartbeat: input.heartbeat,
    },
    totals: {
      scopes: scopes.length,
      checked: count(["checked"]),
      failed: count(["failed"]),
      skipped: count(["skipped_budget", "skipped_rate_limited"]),
      certificates: scopes.reduce((n, s) => n + s.total, 0),
      problems: countBySeverity(problems),
    },
    scopes,
    problems,
    alerts: input.channels,
    remediation: input.remediation,
  };
}
