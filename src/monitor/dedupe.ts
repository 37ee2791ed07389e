/**
 * Alerts are transitions, not repetitions. Given the open problems of the last run and the problems
 * found now, `reconcile` returns the new open set and one notification per transition:
 *   new key                      -> opened
 *   same key, another level      -> escalated / deescalated (expiry threshold tightened, quota worse/better)
 *   key gone, scope checked      -> resolved (the recovery notice; a renewal is one: new expiry, new key)
 *   key gone, scope not checked  -> carried over untouched (skipped by rotation, failed, rate limited)
 * Deletion events do not "clear": they stay listed for EVENT_RETENTION_MS, then drop without a notice.
 */
import type { Notification, NotificationEvent } from "./notifications";
import { type Problem, scopeKeyOfProblem, severityRank } from "./problems";
import type { OpenProblem } from "./state";

export const EVENT_RETENTION_MS = 7 * 86_400_000;
const EVENT_KINDS = new Set<Problem["kind"]>(["deleted_outside_certgate"]);
const SOURCE_KINDS = new Set<Problem["kind"]>(["source_down", "source_unauthorized", "source_rate_limited"]);

export interface ReconcileInput {
  previous: readonly OpenProblem[];
  current: readonly Problem[];
  /** Scopes whose certificates were evaluated this run (a successful check). */
  evaluated: ReadonlySet<string>;
  /** Scopes whose check was attempted (evaluated or failed): settles their source-health problems. */
  attempted: ReadonlySet<string>;
  /** Scopes still configured; problems of others are dropped silently. */
  configured: ReadonlySet<string>;
  now: number;
  runId: string;
}

export interface ReconcileResult {
  open: OpenProblem[];
  notifications: Notification[];
}

function levelChange(prev: OpenProblem, cur: Problem): NotificationEvent {
  const diff = severityRank(cur.severity) - severityRank(prev.severity);
  if (diff !== 0) return diff > 0 ? "escalated" : "deescalated";
  // Same severity, other level: the only such move is a tighter expiry threshold (time only moves on).
  const prevDays = Number.parseInt(prev.level, 10);
  const curDays = Number.parseInt(cur.level, 10);
  return Number.isFinite(prevDays) && Number.isFinite(curDays) && curDays > prevDays
    ? "deescalated"
    : "escalated";
}

export function reconcile(input: ReconcileInput): ReconcileResult {
  const { now, runId } = input;
  const at = new Date(now).toISOString();
  const previous = new Map(input.previous.map((p) => [p.fingerprint, p]));
  const current = new Map<string, Problem>();
  for (const p of input.current) if (!current.has(p.fingerprint)) current.set(p.fingerprint, p);

  const open: OpenProblem[] = [];
  const notifications: Notification[] = [];
  const notify = (event: NotificationEvent, p: OpenProblem) => {
    const { first_seen, last_seen: _ls, event_until: _eu, ...problem } = p;
    notifications.push({
      id: `${runId}:${notifications.length + 1}`,
      event,
      at,
      problem: { ...problem, first_seen: new Date(first_seen).toISOString() },
    });
  };

  for (const cur of current.values()) {
    const prev = previous.get(cur.fingerprint);
    const next: OpenProblem = {
      ...cur,
      first_seen: prev?.first_seen ?? now,
      last_seen: now,
      event_until: prev?.event_until ?? (EVENT_KINDS.has(cur.kind) ? now + EVENT_RETENTION_MS : null),
    };
    open.push(next);
    if (!prev) notify("opened", next);
    else if (prev.level !== cur.level) notify(levelChange(prev, cur), next);
  }

  for (const prev of previous.values()) {
    if (current.has(prev.fingerprint)) continue;
    const scope = scopeKeyOfProblem(prev);
    if (!input.configured.has(scope)) continue;
    if (prev.event_until !== null) {
      if (now < prev.event_until) open.push(prev);
      continue;
    }
    // A source problem is settled by any attempt (it failed differently, or it worked); a certificate
    // or quota problem only by a successful check.
    const settled = SOURCE_KINDS.has(prev.kind) ? input.attempted.has(scope) : input.evaluated.has(scope);
    if (settled) notify("resolved", { ...prev, last_seen: now });
    else open.push(prev);
  }
  return { open, notifications };
}
