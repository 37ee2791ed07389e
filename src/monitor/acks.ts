/**
 * Acknowledging a problem mutes it: it stays in the report with its `ack` (who, why, until when) and
 * leaves the digests, until the first of:
 * - `until` passes (the mute expires),
 * - the problem's severity rises above the severity it had when acknowledged (a warning that turns
 *   critical is news),
 * - the certificate behind it is replaced (another serial/id under the same fingerprint; a new expiry is
 *   a new fingerprint anyway): a new lifecycle never inherits an old acknowledgement.
 * A void acknowledgement is removed; the problem comes back into the digests (an `unmuted` notice when
 * nothing else about it is said in that run). `DELETE` on the acknowledgement ends the mute the same way.
 *
 * The acknowledgements live in the MonitorAcks Durable Object (src/durable/monitor-acks.ts says why not
 * in STATE). A run reads them once, after the dedupe; each open problem's active acknowledgement is also
 * copied into STATE, so a run that cannot reach the object keeps the mutes it knew.
 */
import type { Config } from "../config/load";
import { MONITOR_ACKS_NAME, type StoredAck } from "../durable/monitor-acks";
import type { Notification } from "./notifications";
import { type Problem, severityRank } from "./problems";
import type { Ack } from "./report";
import type { OpenProblem } from "./state";

export type { StoredAck };

/** How long a problem may be muted at most: an acknowledgement is a pause, not a way to stop watching. */
export const MAX_ACK_MS = 90 * 86_400_000;

export interface AckStore {
  list(now: number): Promise<StoredAck[]>;
  get(fingerprint: string): Promise<StoredAck | null>;
  put(now: number, ack: StoredAck): Promise<StoredAck>;
  /** Removes the acknowledgement (only the one made at `at`, when given); returns what it removed. */
  remove(fingerprint: string, at?: number): Promise<StoredAck | null>;
}

/** The store of the MONITOR_ACKS binding, or null when the deployment has not bound it. */
export function ackStore(monitor: Config["monitor"]): AckStore | null {
  const ns = monitor.acks;
  if (!ns) return null;
  const stub = () => ns.get(ns.idFromName(MONITOR_ACKS_NAME));
  return {
    list: (now) => stub().list({ now }),
    get: (fingerprint) => stub().get({ fingerprint }),
    put: (now, ack) => stub().put({ now, ack }),
    remove: (fingerprint, at) => stub().remove(at === undefined ? { fingerprint } : { fingerprint, at }),
  };
}

export type AckVerdict = "active" | "expired" | "severity_rose" | "replaced";

/** Whether `ack` still mutes `problem` at `now`. */
export function judgeAck(
  ack: StoredAck,
  problem: Pick<Problem, "severity" | "details">,
  now: number,
): AckVerdict {
  if (now >= ack.until) return "expired";
  if ((problem.details.issued_certificate ?? null) !== ack.issued_certificate) return "replaced";
  if (severityRank(problem.severity) > severityRank(ack.severity)) return "severity_rose";
  return "active";
}

/** As the report and the ack routes show it. */
export function ackView(ack: StoredAck): Ack {
  return {
    by: ack.by,
    reason: ack.reason,
    until: new Date(ack.until).toISOString(),
    at: new Date(ack.at).toISOString(),
  };
}

export interface MuteInput {
  /** The open problems after the dedupe (their `ack` is last run's copy). */
  open: readonly OpenProblem[];
  /** This run's notifications (transitions, then remediation notices). */
  notifications: readonly Notification[];
  /** The acknowledgements read now; null when the store could not be read (last run's copies hold). */
  acks: readonly StoredAck[] | null;
  now: number;
  runId: string;
}

export interface MuteOutput {
  /** The open problems, each with its active acknowledgement or null. */
  open: OpenProblem[];
  /** What goes to the digests: every notification about a problem that is not muted, and `unmuted` notices. */
  notifications: Notification[];
  /** Notifications kept out of the digests because their problem is muted. */
  muted: number;
  /** Acknowledgements found void: the run removes them (each by its `at`). */
  void: Array<{ ack: StoredAck; verdict: Exclude<AckVerdict, "active"> }>;
}

const ENDED: Record<Exclude<AckVerdict, "active"> | "removed", string> = {
  expired: "acknowledgement expired",
  severity_rose: "severity rose above the acknowledged one",
  replaced: "certificate replaced",
  removed: "acknowledgement removed",
};

export function applyAcks(input: MuteInput): MuteOutput {
  const { now } = input;
  const byFingerprint = new Map<string, StoredAck>();
  if (input.acks) for (const a of input.acks) byFingerprint.set(a.fingerprint, a);
  else for (const p of input.open) if (p.ack) byFingerprint.set(p.fingerprint, p.ack);

  const out: MuteOutput = { open: [], notifications: [], muted: 0, void: [] };
  const voided = new Map<string, Exclude<AckVerdict, "active">>();
  const judge = (fingerprint: string, problem: Pick<Problem, "severity" | "details">): StoredAck | null => {
    const ack = byFingerprint.get(fingerprint);
    if (!ack) return null;
    const verdict = judgeAck(ack, problem, now);
    if (verdict === "active") return ack;
    if (!voided.has(fingerprint)) {
      voided.set(fingerprint, verdict);
      out.void.push({ ack, verdict });
    }
    return null;
  };

  const activeByFingerprint = new Map<string, StoredAck>();
  for (const p of input.open) {
    const ack = judge(p.fingerprint, p);
    if (ack) activeByFingerprint.set(p.fingerprint, ack);
    out.open.push({ ...p, ack });
  }

  const told = new Set<string>();
  for (const n of input.notifications) {
    const fp = n.problem.fingerprint;
    // A resolved problem is not open any more: its acknowledgement is judged against its last state.
    const muted = activeByFingerprint.has(fp) || (n.event === "resolved" && judge(fp, n.problem) !== null);
    if (muted) {
      out.muted += 1;
      continue;
    }
    told.add(fp);
    out.notifications.push(n);
  }

  // A mute that ended while the problem is still open: say so once, unless this run already speaks of it.
  for (const p of input.open) {
    const wasMuted = p.ack !== null;
    if (!wasMuted || activeByFingerprint.has(p.fingerprint) || told.has(p.fingerprint)) continue;
    const { first_seen, last_seen: _ls, event_until: _eu, ack: _ack, ...problem } = p;
    out.notifications.push({
      id: `${input.runId}:u${out.notifications.length + 1}`,
      event: "unmuted",
      at: new Date(now).toISOString(),
      note: ENDED[voided.get(p.fingerprint) ?? "removed"],
      problem: { ...problem, first_seen: new Date(first_seen).toISOString() },
    });
  }
  return out;
}
