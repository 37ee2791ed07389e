/**
 * One monitor run (cron every MONITOR_INTERVAL_MINUTES, or POST /v1/report/run), in its steps:
 *   load STATE -> plan scopes within the subrequest budget (plan.ts) -> check them, 6 at a time, through
 *   the budgeted fetch (execute.ts) -> outcomes and problems per scope (outcomes.ts) -> optional
 *   remediation (remediate.ts) -> dedupe against STATE, transitions only (dedupe.ts) -> one digest per
 *   channel (alerts/digest.ts) -> report (build-report.ts) -> save.
 * STATE is written twice per run, whatever the number of certificates: the monitor state (state.ts) and
 * the report (report.ts). List caches are refreshed with the lists fetched. Upstream and delivery
 * failures never fail the run; a KV failure reading the state does (running without the dedupe state
 * would re-send every alert), and the report's staleness then shows it.
 */
import { createListCache, type ListCache } from "../cache";
import type { Config } from "../config/load";
import type { Deps } from "../deps";
import { AppError } from "../errors";
import { createLogger, type Logger } from "../logger";
import { MONITOR_CALLER, upstreamContext } from "../service/context";
import { sendDigests } from "./alerts/digest";
import { buildReport } from "./build-report";
import { refreshListCache } from "./cache-refresh";
import { reconcile } from "./dedupe";
import { type ExecuteOutput, executeChecks } from "./execute";
import type { Notification } from "./notifications";
import { type Outcomes, outcomesOf } from "./outcomes";
import { type Plan, planRun } from "./plan";
import { scopeKeyOfProblem } from "./problems";
import { remediate, remediationNotices } from "./remediate";
import { loadReport, type RemediationAttempt, type Report, saveReport } from "./report";
import { configuredSources, type Source } from "./sources";
import { createSpend } from "./spend";
import { loadState, type MonitorState, saveState } from "./state";

export { REMEDIATION_RESERVE } from "./spend";
export const REPORT_PATH = "/v1/report";

export interface MonitorOptions {
  trigger: "cron" | "manual";
  /** The invocation's waitUntil: cache refreshes finish after the run returns. Awaited when absent. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** The isolate's list cache, so invalidations by the API are honoured; default: a new one. */
  listCache?: ListCache;
}

/** What every step of one run shares. */
interface Run {
  deps: Deps;
  config: Config;
  runId: string;
  startedAt: number;
  logger: Logger;
  sources: Source[];
}

export async function runMonitor(deps: Deps, config: Config, options: MonitorOptions): Promise<Report> {
  const startedAt = deps.now();
  const runId = `run_${startedAt.toString(36)}_${Math.floor(deps.random() * 36 ** 6).toString(36)}`;
  const logger = createLogger(deps, config.secrets, { component: "monitor", run_id: runId });
  const run: Run = { deps, config, runId, startedAt, logger, sources: configuredSources(config) };
  const [state, previousReport] = await stateStore(() =>
    Promise.all([
      loadState(config.state, (issues) => logger.log("warn", "monitor_state_discarded", { issues })),
      loadReport(config.state),
    ]),
  );
  const spend = createSpend(config.monitor);
  const plan = planRun({ sources: run.sources, state, available: spend.available, now: startedAt });

  const cacheWrites: Promise<unknown>[] = [];
  const executed = await check(
    run,
    plan,
    spend.available,
    options.listCache ?? createListCache(),
    cacheWrites,
  );
  spend.checked(executed.calls);

  const now = deps.now();
  const outcomes = await outcomesOf(config, run.sources, state, plan, executed, now);
  const { fresh, attempts } = await remediateAndReconcile(run, state, outcomes, spend, now);
  const digests = await sendDigests({
    deps,
    config,
    logger,
    state,
    fresh,
    context: {
      runId,
      generatedAt: new Date(now).toISOString(),
      openProblems: {
        critical: outcomes.next.problems.filter((p) => p.severity === "critical").length,
        warning: outcomes.next.problems.filter((p) => p.severity === "warning").length,
      },
      reportPath: REPORT_PATH,
    },
    take: spend.take("alerts", 0),
  });
  outcomes.next.outbox = digests.outbox;
  outcomes.next.dropped = digests.dropped;

  const report = buildReport({
    runId,
    trigger: options.trigger,
    startedAt,
    finishedAt: deps.now(),
    sources: run.sources,
    state: outcomes.next,
    outcomes: outcomes.byScope,
    problems: outcomes.next.problems,
    channels: digests.channels,
    notifications: fresh.length,
    notificationsByScope: countByScope(fresh),
    remediation: attempts,
    subrequests: spend.totals(),
  });
  await stateStore(async () => {
    await saveState(config.state, outcomes.next);
    await saveReport(config.state, report, previousReport);
  });
  await finish(run, options, cacheWrites, report, fresh.length);
  return report;
}

/** Checks the planned scopes, handing each list to the list cache (the API then serves it fresh). */
function check(
  run: Run,
  plan: Plan,
  available: number,
  cache: ListCache,
  cacheWrites: Promise<unknown>[],
): Promise<ExecuteOutput> {
  const { deps, config, logger } = run;
  const refresh = { cache, config, deps, logger, waitUntil: (p: Promise<unknown>) => cacheWrites.push(p) };
  return executeChecks({
    deps,
    config,
    runId: run.runId,
    // In plan order: the least recently checked scopes start first.
    selected: plan.selected,
    estimates: plan.estimates,
    available,
    onList: (s, list, at) => cacheWrites.push(refreshListCache(refresh, s, list, at)),
    previousList: (s) =>
      cache.previous({ kv: config.cache, deps, logger }, { scope: s.scope }, (v) =>
        s.provider.instance.parseRaw(v),
      ),
  });
}

/**
 * Optional remediation within what the budget leaves (keeping the alert deliveries' share), then the
 * dedupe against the last run: the open problems go to the next STATE; this run's notifications
 * (transitions, then remediation attempts) and its remediation attempts are returned.
 */
async function remediateAndReconcile(
  run: Run,
  state: MonitorState,
  outcomes: Outcomes,
  spend: ReturnType<typeof createSpend>,
  now: number,
): Promise<{ fresh: Notification[]; attempts: RemediationAttempt[] }> {
  const { deps, config, runId } = run;
  const m = config.monitor;
  const remediation =
    m.remediate && m.remediateMaxPerDay > 0
      ? await remediate({
          candidates: outcomes.candidates,
          history: state.remediation,
          maxPerDay: m.remediateMaxPerDay,
          now,
          take: spend.take("remediation", spend.channels),
          context: (provider) =>
            upstreamContext({ deps, config, requestId: runId }, provider, MONITOR_CALLER),
        })
      : { attempts: [], history: state.remediation };
  outcomes.next.remediation = remediation.history;

  const reconciled = reconcile({
    previous: state.problems,
    current: outcomes.current,
    evaluated: outcomes.evaluated,
    attempted: outcomes.attempted,
    configured: new Set(run.sources.map((s) => s.key)),
    now,
    runId,
  });
  outcomes.next.problems = reconciled.open;
  const notices = remediationNotices(
    remediation.attempts,
    outcomes.candidates,
    reconciled.open,
    runId,
    now,
    reconciled.notifications.length,
  );
  return { fresh: [...reconciled.notifications, ...notices], attempts: remediation.attempts };
}

/** Lets the list cache writes finish (after the run returns, with a waitUntil) and logs the run. */
async function finish(
  run: Run,
  options: MonitorOptions,
  cacheWrites: Promise<unknown>[],
  report: Report,
  notifications: number,
): Promise<void> {
  const writes = Promise.allSettled(cacheWrites);
  if (options.waitUntil) options.waitUntil(writes);
  else await writes;
  run.logger.log("info", "monitor_run", {
    trigger: options.trigger,
    duration_ms: report.run.duration_ms,
    checked: report.totals.checked,
    failed: report.totals.failed,
    skipped: report.totals.skipped,
    problems: report.totals.problems,
    notifications,
    subrequests: report.run.subrequests.used,
  });
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
      { cause: err },
    );
  }
}
