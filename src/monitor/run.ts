/**
 * One monitor run (cron every MONITOR_INTERVAL_MINUTES, or POST /v1/report/run), in its steps:
 *   take the lease, one run at a time (lease.ts) -> load STATE -> plan scopes within the subrequest
 *   budget (plan.ts) -> check them, 6 at a time, through the budgeted fetch (execute.ts) -> outcomes and
 *   problems per scope, under each scope's policy (outcomes.ts, policies.ts) -> renew the lease ->
 *   optional remediation (remediate.ts) -> dedupe against STATE, transitions only (dedupe.ts) ->
 *   acknowledgements mute what they cover (acks.ts) -> one digest per channel, routed by policy
 *   (alerts/digest.ts) -> heartbeat ping (heartbeat.ts) -> report (build-report.ts) -> save -> release.
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
import { type AckStore, ackStore, applyAcks, type MuteOutput, type StoredAck } from "./acks";
import { sendDigests } from "./alerts/digest";
import { buildReport } from "./build-report";
import { refreshListCache } from "./cache-refresh";
import { reconcile } from "./dedupe";
import { type ExecuteOutput, executeChecks } from "./execute";
import { pingHeartbeat } from "./heartbeat";
import { acquireRunLease, monitorBusy, type RunLease } from "./lease";
import type { Notification } from "./notifications";
import { type Outcomes, outcomesOf } from "./outcomes";
import { type Plan, planRun } from "./plan";
import { type PolicyBook, policyBook } from "./policies";
import { countBySeverity, scopeKeyOfProblem } from "./problems";
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
  policies: PolicyBook;
  lease: RunLease;
}

/**
 * A run id, unique even for runs started in the same millisecond (the lease tells runs apart by it):
 * the start time, then random characters.
 */
function newRunId(startedAt: number): string {
  return `run_${startedAt.toString(36)}_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
}

/**
 * Runs the monitor once, unless another run holds the lease: then it throws 409 `monitor_busy` naming
 * the running run, without touching STATE or any upstream.
 */
export async function runMonitor(deps: Deps, config: Config, options: MonitorOptions): Promise<Report> {
  const startedAt = deps.now();
  const runId = newRunId(startedAt);
  const logger = createLogger(deps, config.secrets, { component: "monitor", run_id: runId });
  const leased = await dependency("lease (Durable Object MONITOR_LEASE)", () =>
    acquireRunLease(config.monitor, { runId, trigger: options.trigger, now: startedAt }),
  );
  if (!leased.ok) throw monitorBusy(leased.holder);
  const { lease } = leased;
  if (!lease.exclusive) logger.log("warn", "monitor_lease_unbound", { binding: "MONITOR_LEASE" });
  const run: Run = {
    deps,
    config,
    runId,
    startedAt,
    logger,
    sources: configuredSources(config),
    policies: policyBook(config.monitor),
    lease,
  };
  try {
    return await leasedRun(run, options);
  } finally {
    // A release that fails leaves the lease to expire (its ttl): the next run waits at most that long.
    await lease
      .release()
      .catch((error: unknown) =>
        logger.log("warn", "monitor_lease_release_failed", { error: errorName(error) }),
      );
  }
}

async function leasedRun(run: Run, options: MonitorOptions): Promise<Report> {
  const { deps, config, runId, startedAt, logger } = run;
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
  const outcomes = await outcomesOf(config, run.sources, state, plan, executed, now, run.policies);
  // The commit point: from here the run acts (remediation, alerts, STATE). A run that outlived its lease
  // (a stall longer than its ttl) stops here, so two runs never both act.
  if (!(await dependency("lease (Durable Object MONITOR_LEASE)", () => run.lease.renew(deps.now())))) {
    logger.log("error", "monitor_lease_lost", {});
    throw new AppError("monitor_busy", "This run outlived its lease: it stopped without acting or saving");
  }
  const { fresh: transitions, attempts } = await remediateAndReconcile(run, state, outcomes, spend, now);
  const store = ackStore(config.monitor);
  const muting = applyAcks({
    open: outcomes.next.problems,
    notifications: transitions,
    acks: await readAcks(run, store, now),
    now,
    runId,
  });
  outcomes.next.problems = muting.open;
  const fresh = muting.notifications;
  const unmuted = muting.open.filter((p) => p.ack === null);
  const digests = await sendDigests({
    deps,
    config,
    logger,
    state,
    fresh,
    context: {
      runId,
      generatedAt: new Date(now).toISOString(),
      openProblems: { ...countBySeverity(unmuted), acknowledged: muting.open.length - unmuted.length },
      reportPath: REPORT_PATH,
    },
    routes: (n) => run.policies.channels(n.problem),
    take: spend.take("alerts", spend.heartbeat),
  });
  outcomes.next.outbox = digests.outbox;
  outcomes.next.dropped = digests.dropped;
  const heartbeat = await pingHeartbeat({
    deps,
    config,
    logger,
    allScopesChecked: run.sources.every((s) => outcomes.byScope.get(s.key)?.outcome === "checked"),
    take: spend.take("heartbeat", 0),
  });

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
    heartbeat,
    policies: run.policies,
  });
  await stateStore(async () => {
    await saveState(config.state, outcomes.next);
    await saveReport(config.state, report, previousReport);
  });
  await removeVoidAcks(run, store, muting.void);
  await finish(run, options, cacheWrites, report, fresh.length, muting.muted);
  return report;
}

/** The acknowledgements now; null (last run's copies hold) when the store cannot be read. */
async function readAcks(run: Run, store: AckStore | null, now: number): Promise<StoredAck[] | null> {
  if (!store) return [];
  try {
    return await store.list(now);
  } catch (error) {
    run.logger.log("warn", "monitor_acks_unavailable", { error: errorName(error) });
    return null;
  }
}

/** Removes the acknowledgements this run found void (each the very one it read: a newer one stays). */
async function removeVoidAcks(run: Run, store: AckStore | null, found: MuteOutput["void"]): Promise<void> {
  if (!store) return;
  for (const { ack, verdict } of found) {
    try {
      await store.remove(ack.fingerprint, ack.at);
      run.logger.log("info", "monitor_ack_ended", { fingerprint: ack.fingerprint, reason: verdict });
    } catch (error) {
      // Judged void again next run.
      run.logger.log("warn", "monitor_acks_unavailable", { error: errorName(error) });
    }
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "error";
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
          take: spend.take("remediation", spend.channels + spend.heartbeat),
          context: (provider) =>
            upstreamContext({ deps, config, requestId: runId }, provider, MONITOR_CALLER),
        })
      : { attempts: [], history: state.remediation };
  outcomes.next.remediation = remediation.history;

  // Owners and runbooks of the scope's policy now, also on what resolves and what is carried over.
  const reconciled = reconcile({
    previous: state.problems.map(run.policies.stamp),
    current: outcomes.current.map(run.policies.stamp),
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
  const stamped = notices.map((n) => ({ ...n, problem: run.policies.stamp(n.problem) }));
  return { fresh: [...reconciled.notifications, ...stamped], attempts: remediation.attempts };
}

/** Lets the list cache writes finish (after the run returns, with a waitUntil) and logs the run. */
async function finish(
  run: Run,
  options: MonitorOptions,
  cacheWrites: Promise<unknown>[],
  report: Report,
  notifications: number,
  muted: number,
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
    muted,
    subrequests: report.run.subrequests.used,
    heartbeat: report.run.heartbeat?.ok ?? null,
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
function stateStore<T>(operation: () => Promise<T>): Promise<T> {
  return dependency("state store (KV STATE)", operation);
}

/** A dependency of the run (KV, a Durable Object) that fails: 502 `upstream_unavailable`, not a 500. */
async function dependency<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(
      "upstream_unavailable",
      `The monitor's ${what} is unavailable; try again`,
      {},
      undefined,
      {
        cause: err,
      },
    );
  }
}
