/**
 * One monitor run (cron every MONITOR_INTERVAL_MINUTES, or POST /v1/report/run):
 *   plan scopes within the subrequest budget -> check them (6 at a time) -> problems per scope ->
 *   optional remediation -> dedupe against STATE (transitions only) -> one digest per channel ->
 *   report. STATE is written twice per run, whatever the number of certificates: the monitor state
 *   (state.ts) and the report (report.ts). List caches are refreshed with the lists fetched.
 * Upstream and delivery failures never fail the run; a KV failure reading the state does (running
 * without the dedupe state would re-send every alert), and the report's staleness then shows it.
 */
import { createListCache, type ListCache } from "../cache";
import type { Config } from "../config/load";
import type { Deps } from "../deps";
import { AppError } from "../errors";
import { createLogger } from "../logger";
import { upstreamContext } from "../service/context";
import { sendDigests } from "./alerts/digest";
import { buildReport } from "./build-report";
import { refreshListCache } from "./cache-refresh";
import { sourceProblem } from "./checks/source";
import { reconcile } from "./dedupe";
import { evaluateScope } from "./evaluate";
import { executeChecks, type ScopeOutcome } from "./execute";
import type { Notification } from "./notifications";
import { planRun } from "./plan";
import { certificateProblem, type Problem, scopeKeyOfProblem } from "./problems";
import { isRemediable, type RemediationCandidate, remediate } from "./remediate";
import { loadReport, type Report, saveReport } from "./report";
import { configuredSources } from "./sources";
import { emptyScopeState, loadState, type MonitorState, saveState } from "./state";

/** Subrequests kept for remediation when it is on (the rest of the budget goes to checks). */
export const REMEDIATION_RESERVE = 2;
export const REPORT_PATH = "/v1/report";

export interface MonitorOptions {
  trigger: "cron" | "manual";
  /** The invocation's waitUntil: cache refreshes finish after the run returns. Awaited when absent. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** The isolate's list cache, so invalidations by the API are honoured; default: a new one. */
  listCache?: ListCache;
}

export async function runMonitor(deps: Deps, config: Config, options: MonitorOptions): Promise<Report> {
  const startedAt = deps.now();
  const runId = `run_${startedAt.toString(36)}_${Math.floor(deps.random() * 36 ** 6).toString(36)}`;
  const logger = createLogger(deps, config.secrets, { component: "monitor", run_id: runId });
  const sources = configuredSources(config);
  const [state, previousReport] = await stateStore(() =>
    Promise.all([
      loadState(config.state, (issues) => logger.log("warn", "monitor_state_discarded", { issues })),
      loadReport(config.state),
    ]),
  );
  const m = config.monitor;

  // Budget: alerts (one digest per configured channel) and remediation are reserved up front.
  const channels = [m.webhookUrl, m.slackWebhookUrl].filter(Boolean).length;
  const available = Math.max(0, m.subrequestBudget - channels - (m.remediate ? REMEDIATION_RESERVE : 0));
  const plan = planRun({ sources, state, available, now: startedAt });

  const cacheWrites: Promise<unknown>[] = [];
  const refresh = {
    cache: options.listCache ?? createListCache(),
    config,
    deps,
    logger,
    waitUntil: (p: Promise<unknown>) => cacheWrites.push(p),
  };
  const executed = await executeChecks({
    deps,
    config,
    runId,
    // In plan order: the least recently checked scopes start first.
    selected: plan.selected,
    estimates: plan.estimates,
    available,
    onList: (s, list, at) => cacheWrites.push(refreshListCache(refresh, s, list, at)),
    previousList: (s) =>
      refresh.cache.previous({ kv: config.cache, deps, logger }, { scope: s.scope }, (v) =>
        s.provider.instance.parseRaw(v),
      ),
  });

  const now = deps.now();
  const next: MonitorState = { ...state, scopes: {}, cooldown: { ...state.cooldown, ...executed.cooldown } };
  const outcomes = new Map<string, { outcome: ScopeOutcome; calls: number }>();
  for (const { source, reason } of plan.skipped) {
    outcomes.set(source.key, { outcome: `skipped_${reason}`, calls: 0 });
  }
  const current: Problem[] = [];
  const evaluated = new Set<string>();
  const attempted = new Set<string>();
  const candidates: RemediationCandidate[] = [];
  for (const run of executed.runs) {
    outcomes.set(run.source.key, { outcome: run.outcome, calls: run.calls });
    const previous = state.scopes[run.source.key] ?? emptyScopeState();
    if (!run.check) continue;
    attempted.add(run.source.key);
    if (run.check.ok) {
      const result = await evaluateScope(config, run.source, run.check, previous, now);
      evaluated.add(run.source.key);
      current.push(...result.problems);
      next.scopes[run.source.key] = result.next;
      for (const [nativeId, cert] of run.check.certificates) {
        if (isRemediable(cert)) candidates.push({ source: run.source, nativeId, cert });
      }
    } else {
      const { code, message, details } = run.check.error;
      current.push(sourceProblem(run.source.scope, run.check.error));
      const last_error =
        details.retry_after === undefined
          ? { code, message }
          : { code, message, retry_after: details.retry_after };
      next.scopes[run.source.key] = {
        ...previous,
        last_attempt_at: now,
        last_error,
        // Cut off at the budget: it costs more than it got, so the planner stops expecting it to fit.
        ...(code === "subrequest_budget_exhausted"
          ? { last_cost: Math.max(previous.last_cost ?? 0, run.calls + 1) }
          : {}),
      };
    }
  }
  // Scopes not attempted keep their entry; scopes no longer configured are forgotten.
  for (const s of sources) next.scopes[s.key] ??= state.scopes[s.key] ?? emptyScopeState();

  const spend = { upstream: executed.calls, alerts: 0, remediation: 0 };
  const left = () => m.subrequestBudget - spend.upstream - spend.alerts - spend.remediation;
  /** Takes one subrequest for `purpose` unless that would eat into `keep` (calls reserved for later). */
  const take = (purpose: "alerts" | "remediation", keep: number) => () => {
    if (left() - keep <= 0) return false;
    spend[purpose] += 1;
    return true;
  };
  const fresh: Notification[] = [];
  const remediation =
    m.remediate && m.remediateMaxPerDay > 0
      ? await remediate({
          candidates,
          history: state.remediation,
          maxPerDay: m.remediateMaxPerDay,
          now,
          take: take("remediation", channels),
          context: () => upstreamContext({ deps, config, requestId: runId }),
        })
      : { attempts: [], history: state.remediation };
  next.remediation = remediation.history;

  const reconciled = reconcile({
    previous: state.problems,
    current,
    evaluated,
    attempted,
    configured: new Set(sources.map((s) => s.key)),
    now,
    runId,
  });
  next.problems = reconciled.open;
  fresh.push(...reconciled.notifications);
  for (const a of remediation.attempts) {
    const cert = candidates.find((c) => c.cert.id === a.certificate_id)?.cert;
    if (!cert) continue;
    const note =
      a.outcome === "restarted"
        ? `validation restarted, now ${a.provider_status}`
        : `restart failed: ${a.error}`;
    const problem = certificateProblem(
      "failed",
      cert,
      "critical",
      `${cert.hosts[0] ?? cert.id}: ${note}`,
      {},
    );
    const first = reconciled.open.find((p) => p.fingerprint === problem.fingerprint)?.first_seen ?? now;
    fresh.push({
      id: `${runId}:r${fresh.length + 1}`,
      event: "remediation",
      at: a.at,
      note,
      problem: { ...problem, first_seen: new Date(first).toISOString() },
    });
  }

  const openCounts = {
    critical: reconciled.open.filter((p) => p.severity === "critical").length,
    warning: reconciled.open.filter((p) => p.severity === "warning").length,
  };
  const digests = await sendDigests({
    deps,
    config,
    logger,
    state,
    fresh,
    context: {
      runId,
      generatedAt: new Date(now).toISOString(),
      openProblems: openCounts,
      reportPath: REPORT_PATH,
    },
    take: take("alerts", 0),
  });
  next.outbox = digests.outbox;
  next.dropped = digests.dropped;

  const report = buildReport({
    runId,
    trigger: options.trigger,
    startedAt,
    finishedAt: deps.now(),
    sources,
    state: next,
    outcomes,
    problems: reconciled.open,
    channels: digests.channels,
    notifications: fresh.length,
    notificationsByScope: countByScope(fresh),
    remediation: remediation.attempts,
    subrequests: { budget: m.subrequestBudget, ...spend },
  });
  await stateStore(async () => {
    await saveState(config.state, next);
    await saveReport(config.state, report, previousReport);
  });

  const writes = Promise.allSettled(cacheWrites);
  if (options.waitUntil) options.waitUntil(writes);
  else await writes;
  logger.log("info", "monitor_run", {
    trigger: options.trigger,
    duration_ms: report.run.duration_ms,
    checked: report.totals.checked,
    failed: report.totals.failed,
    skipped: report.totals.skipped,
    problems: report.totals.problems,
    notifications: fresh.length,
    subrequests: report.run.subrequests.used,
  });
  return report;
}

/** How many of `notifications` concern each scope (`provider:id`, the sources' key). */
function countByScope(notifications: readonly Notification[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of notifications) {
    const key = scopeKeyOfProblem(n.problem);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * STATE (KV) failures end the run as `upstream_unavailable` (a dependency is down, the caller is not
 * at fault), not as an internal error: POST /v1/report/run answers 502 like GET /v1/report does.
 */
async function stateStore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(
      "upstream_unavailable",
      "The monitor's state store (KV STATE) is unavailable; try again",
      {},
      undefined,
      {
        cause: err,
      },
    );
  }
}
