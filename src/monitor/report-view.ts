/**
 * What GET /v1/report shows a caller: the latest report cut down to the zones and projects the
 * caller may see (a 403 never reveals other scopes, src/auth/authorize.ts), with `stale: true` when
 * the last run finished more than two intervals ago: the monitor itself is down (a monitor that
 * stopped must not look healthy, as certspotter's health check says).
 */
import { allowsScope } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { ackView, judgeAck, type StoredAck } from "./acks";
import { countBySeverity } from "./problems";
import type { Report, RunSummary, ScopeReport, StoredReport } from "./report";

export interface ReportView extends Omit<Report, "run"> {
  /** null: the monitor has never run (or its report is unreadable). */
  run: Report["run"] | null;
  stale: boolean;
  /** After this instant (ISO) without a new run the report counts as stale. */
  stale_after: string | null;
  history: Array<
    Partial<RunSummary> & Pick<RunSummary, "id" | "trigger" | "started_at" | "finished_at" | "duration_ms">
  >;
}

/** Whether the last run is older than two monitor intervals. */
export function isStale(finishedAt: string, now: number, intervalMinutes: number): boolean {
  return now - Date.parse(finishedAt) > 2 * intervalMinutes * 60_000;
}

/** What a caller sees before the first run: nothing checked, and stale (the monitor is not running). */
export function neverRanView(): ReportView {
  return {
    run: null,
    totals: {
      scopes: 0,
      checked: 0,
      failed: 0,
      skipped: 0,
      certificates: 0,
      problems: { critical: 0, warning: 0, info: 0 },
    },
    scopes: [],
    problems: [],
    alerts: [],
    remediation: [],
    stale: true,
    stale_after: null,
    history: [],
  };
}

/**
 * The run as a caller limited to some scopes sees it: its counters computed over those scopes only, so
 * nothing counted elsewhere shows (how many notifications other zones raised, how many calls they
 * cost). Upstream calls are the scopes' own; each remediation attempt took one subrequest; alert
 * deliveries serve every scope and are not shown to restricted callers (nor are the channels).
 * The budget is configuration, not a count.
 */
function ownRun(
  run: Report["run"],
  scopes: readonly ScopeReport[],
  remediationAttempts: number,
): Report["run"] {
  const upstream = scopes.reduce((n, s) => n + s.calls, 0);
  return {
    ...run,
    notifications: scopes.reduce((n, s) => n + s.notifications, 0),
    subrequests: {
      budget: run.subrequests.budget,
      used: upstream + remediationAttempts,
      upstream,
      alerts: 0,
      remediation: remediationAttempts,
      heartbeat: 0,
    },
    // The heartbeat speaks for every scope: restricted callers do not see it.
    heartbeat: null,
  };
}

export function viewFor(
  stored: StoredReport | null,
  principal: Principal,
  now: number,
  intervalMinutes: number,
): ReportView {
  if (!stored) return neverRanView();
  const report = stored.latest;
  const sees = (ref: { kind: "zone" | "project"; id: string }) => allowsScope(principal, ref);
  const seesAll = principal.zones === "*" && principal.projects === "*";
  const scopes = report.scopes.filter((s) => sees(s.scope));
  const problems = report.problems.filter((p) => sees(p.scope));
  const remediation = report.remediation.filter((r) => sees(r.scope));
  const finished = Date.parse(report.run.finished_at);
  return {
    ...report,
    run: seesAll ? report.run : ownRun(report.run, scopes, remediation.length),
    totals: {
      ...report.totals,
      scopes: scopes.length,
      checked: scopes.filter((s) => s.outcome === "checked").length,
      failed: scopes.filter((s) => s.outcome === "failed").length,
      skipped: scopes.filter((s) => s.outcome.startsWith("skipped")).length,
      certificates: scopes.reduce((n, s) => n + s.total, 0),
      problems: countBySeverity(problems),
    },
    scopes,
    problems,
    remediation,
    // Alert channel status is about every scope; a restricted caller sees only its own view of problems.
    alerts: seesAll ? report.alerts : [],
    stale: isStale(report.run.finished_at, now, intervalMinutes),
    stale_after: new Date(finished + 2 * intervalMinutes * 60_000).toISOString(),
    // Run timings for everyone; aggregate counts (which span every scope) only for callers who see all.
    history: stored.history.map((h) =>
      seesAll
        ? h
        : {
            id: h.id,
            trigger: h.trigger,
            started_at: h.started_at,
            finished_at: h.finished_at,
            duration_ms: h.duration_ms,
          },
    ),
  };
}

/**
 * The view with each problem's acknowledgement as it is NOW (MonitorAcks), not as of the last run: an
 * acknowledgement made a second ago shows at once, one removed or expired is gone. `acks` null (the
 * store could not be read): the run's copies, those not yet expired.
 */
export function withLiveAcks(view: ReportView, acks: readonly StoredAck[] | null, now: number): ReportView {
  const live = acks ? new Map(acks.map((a) => [a.fingerprint, a])) : null;
  return {
    ...view,
    problems: view.problems.map((p) => {
      if (!live) return { ...p, ack: p.ack && Date.parse(p.ack.until) > now ? p.ack : null };
      const ack = live.get(p.fingerprint);
      return { ...p, ack: ack && judgeAck(ack, p, now) === "active" ? ackView(ack) : null };
    }),
  };
}
