/**
 * Alerts are transitions, not repetitions. Given the open problems of the last run and the problems
 * found now, `reconcile` returns the new open set and one notification per transition:
 *   new key                      -> opened
 *   same key, another level      -> escalated / deescalated (expiry threshold tightened, quota worse/better);
 *                                   silent when only the way of measuring changed (ladder <-> lifetime)
 *   key gone, scope checked      -> resolved (the recovery notice; a renewal is one: new expiry, new key)
 *   key gone, scope not checked  -> carried over untouched (skipped by rotation, failed, rate limited)
 *   same key, another certificate behind it (`details.issued_certificate`: replaced under the same id
 *   and expiry)                  -> resolved + opened: a new lifecycle, nothing inherited
 * Deletion events do not "clear": they stay listed for EVENT_RETENTION_MS, then drop without a notice.
 * Acknowledgements (acks.ts) are applied after this, to what it says.
 */
import { EXPIRY_LEVELS, type ExpiryLevel, expiryLevelRank } from "./lifetime/classify";
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

/** An expiry level key (`late`, `critical:7d`): its level and its rung in days, if any. */
function expiryKey(level: string): { level: ExpiryLevel; rung: number | null } | null {
  const [name, rung] = level.split(":", 2);
  if (!EXPIRY_LEVELS.includes(name as ExpiryLevel)) return null;
  const days = rung === undefined ? Number.NaN : Number.parseInt(rung, 10);
  return { level: name as ExpiryLevel, rung: Number.isFinite(days) ? days : null };
}

/**
 * Which way a problem moved. By severity first; at the same severity, an expiry problem by its level's
 * rank (late -> critical is worse; only time moving back, or a changed policy, goes the other way),
 * then by its rung (a tighter rung of the ladder is worse). Anything else at the same severity: escalated.
 */
function levelChange(prev: OpenProblem, cur: Problem): NotificationEvent {
  const diff = severityRank(cur.severity) - severityRank(prev.severity);
  if (diff !== 0) return diff > 0 ? "escalated" : "deescalated";
  const before = expiryKey(prev.level);
  const after = expiryKey(cur.level);
  if (!before || !after) return "escalated";
  const rank = expiryLevelRank(after.level) - expiryLevelRank(before.level);
  if (rank !== 0) return rank > 0 ? "escalated" : "deescalated";
  return before.rung !== null && after.rung !== null && after.rung > before.rung
    ? "deescalated"
    : "escalated";
}

/**
 * The same expiry level at the same severity, measured another way (a rung of the ladder on one side
 * only): the policy's mode changed (MONITOR_EXPIRY_DAYS removed, a policy switched), not the certificate.
 * Nothing to tell.
 */
function modeOnly(prev: Problem, cur: Problem): boolean {
  const before = expiryKey(prev.level);
  const after = expiryKey(cur.level);
  return (
    before !== null &&
    after !== null &&
    prev.severity === cur.severity &&
    before.level === after.level &&
    (before.rung === null) !== (after.rung === null)
  );
}

/** The same fingerprint over another X.509 certificate: the old one was replaced. */
function replaced(prev: Problem, cur: Problem): boolean {
  const a = prev.details.issued_certificate;
  const b = cur.details.issued_certificate;
  return a !== undefined && b !== undefined && a !== b;
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
    const { first_seen, last_seen: _ls, event_until: _eu, ack: _ack, ...problem } = p;
    notifications.push({
      id: `${runId}:${notifications.length + 1}`,
      event,
      at,
      problem: { ...problem, first_seen: new Date(first_seen).toISOString() },
    });
  };

  for (const cur of current.values()) {
    const found = previous.get(cur.fingerprint);
    if (found && replaced(found, cur)) notify("resolved", { ...found, last_seen: now });
    const prev = found && !replaced(found, cur) ? found : undefined;
    const next: OpenProblem = {
      ...cur,
      first_seen: prev?.first_seen ?? now,
      last_seen: now,
      event_until: prev?.event_until ?? (EVENT_KINDS.has(cur.kind) ? now + EVENT_RETENTION_MS : null),
      // Last run's acknowledgement, judged again by acks.ts (a new lifecycle starts without one).
      ack: prev?.ack ?? null,
    };
    open.push(next);
    if (!prev) notify("opened", next);
    else if (prev.level !== cur.level && !modeOnly(prev, cur)) notify(levelChange(prev, cur), next);
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
