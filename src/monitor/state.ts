/**
 * What the monitor remembers between runs, in ONE STATE key written once per run (KV allows one write
 * per second per key and 1,000 writes a day on the Free plan: https://developers.cloudflare.com/kv/platform/limits/).
 *
 *   certgate:v1:monitor:state -> MonitorState (JSON, validated with zod on read; `v` is its format)
 *
 * It holds per-scope observations (first-seen times, last known certificates, coverage, last cost),
 * the open problems with their dedupe level, the alert outbox per channel, remediation attempts and
 * provider cool-downs after a rate limit. Format 2 names every field in words; a format 1 state (its
 * observations in short keys) is migrated on read, so a deployment keeps its dedupe state across the
 * upgrade. A stored value that parses as neither is discarded (logged): the next run starts afresh
 * rather than failing forever.
 */
import * as z from "zod";
import { StoredAckSchema } from "../durable/monitor-acks";
import { QuotaSchema } from "../model/certificate";
import { SkippedItemSchema } from "../model/list-notes";
import { NotificationSchema } from "./notifications";
import { type Problem, ProblemSchema, severityRank } from "./problems";

export const STATE_KEY = "certgate:v1:monitor:state";

const ObservationSchema = z.object({
  certificate_id: z.string(),
  hosts: z.array(z.string()),
  /** Normalized status. */
  status: z.string(),
  provider_status: z.string(),
  /** First time the monitor saw it in `provider_status` (epoch ms): the "stuck" clock. */
  status_since: z.number(),
  expires_at: z.string().nullable(),
});

/** Format 1's observation: the same facts in short keys. */
const ObservationV1Schema = z
  .object({
    cid: z.string(),
    hosts: z.array(z.string()),
    n: z.string(),
    s: z.string(),
    since: z.number(),
    exp: z.string().nullable(),
  })
  .transform((o) => ({
    certificate_id: o.cid,
    hosts: o.hosts,
    status: o.n,
    provider_status: o.s,
    status_since: o.since,
    expires_at: o.exp,
  }));

export const ScopeErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  retry_after: z.number().optional(),
});

const scopeStateSchema = <O extends z.ZodType>(observation: O) =>
  z.object({
    last_attempt_at: z.number().nullable(),
    last_success_at: z.number().nullable(),
    /** Subrequests the last successful check used (the planner's estimate). */
    last_cost: z.number().nullable(),
    last_error: ScopeErrorSchema.nullable(),
    counts: z.record(z.string(), z.number()),
    total: z.number(),
    quota: QuotaSchema.nullable(),
    /** Observations keyed by the provider's own id. */
    certs: z.record(z.string(), observation),
    /** Upstream items the last successful check left out as unusable (absent in older states: none). */
    skipped: z.array(SkippedItemSchema).optional(),
  });
const ScopeStateSchema = scopeStateSchema(ObservationSchema);
export type ScopeState = z.infer<typeof ScopeStateSchema>;

export const OpenProblemSchema = ProblemSchema.extend({
  first_seen: z.number(),
  last_seen: z.number(),
  /** Events (deletions) are not conditions that clear: they stay listed until then, then drop silently. */
  event_until: z.number().nullable(),
  /**
   * The acknowledgement muting it as of this run (a copy: MonitorAcks holds the acknowledgements), so
   * the next run knows a mute ended, and keeps it when the object cannot be read. Absent before it existed.
   */
  ack: StoredAckSchema.nullable().default(null),
});
export type OpenProblem = z.infer<typeof OpenProblemSchema>;

const monitorStateSchema = <V extends number, O extends z.ZodType>(v: V, observation: O) =>
  z.object({
    v: z.literal(v),
    scopes: z.record(z.string(), scopeStateSchema(observation)),
    problems: z.array(OpenProblemSchema),
    outbox: z.object({ webhook: z.array(NotificationSchema), slack: z.array(NotificationSchema) }),
    /** Outbox entries dropped over OUTBOX_LIMIT, per channel (reported in the next digest). */
    dropped: z.object({ webhook: z.number(), slack: z.number() }),
    /** Remediation attempt times (epoch ms) per certificate id, last 24 hours. */
    remediation: z.record(z.string(), z.array(z.number())),
    /** No calls to a provider (by name) before this time (epoch ms), after a long Retry-After. */
    cooldown: z.record(z.string(), z.number()),
  });
export const MonitorStateSchema = monitorStateSchema(2, ObservationSchema);
export type MonitorState = z.infer<typeof MonitorStateSchema>;

/** A format 1 state, read into format 2 (short observation keys named in words; nothing else changed). */
const MonitorStateV1Schema = monitorStateSchema(1, ObservationV1Schema).transform(
  (state): MonitorState => ({ ...state, v: 2 }),
);

export function emptyState(): MonitorState {
  return {
    v: 2,
    scopes: {},
    problems: [],
    outbox: { webhook: [], slack: [] },
    dropped: { webhook: 0, slack: 0 },
    remediation: {},
    cooldown: {},
  };
}

export function emptyScopeState(): ScopeState {
  return {
    last_attempt_at: null,
    last_success_at: null,
    last_cost: null,
    last_error: null,
    counts: {},
    total: 0,
    quota: null,
    certs: {},
  };
}

/** Reads the state. A KV failure propagates (running without dedupe state would re-send every alert). */
export async function loadState(kv: KVNamespace, onDiscard: (issues: string) => void): Promise<MonitorState> {
  const stored = await kv.get(STATE_KEY, "json");
  if (stored === null) return emptyState();
  const parsed = MonitorStateSchema.safeParse(stored);
  if (parsed.success) return withExpiryLifecycles(parsed.data);
  const older = MonitorStateV1Schema.safeParse(stored);
  if (older.success) return withExpiryLifecycles(older.data);
  onDiscard(parsed.error.issues.map((i) => i.path.join(".")).join(", "));
  return emptyState();
}

const EXPIRY_KINDS = new Set<Problem["kind"]>(["expiring", "late_renewal", "expired"]);
/** Earlier versions: 7 days or less on the ladder was critical. */
const LADDER_CRITICAL_DAYS = 7;

/**
 * Earlier versions kept a certificate's expiry as up to three problems (`expiring:<id>@<expiry>` at the
 * rung `30d`, `late_renewal:...`, `expired:...`). They are read as the one expiry problem of that
 * lifetime (`expiry:<id>@<expiry>`) with the level the ladder gives today (`renewal_due:30d`,
 * `late:30d`, `critical:7d`, `expired`), so an upgrade keeps the dedupe state: a deployment on the
 * ladder (MONITOR_EXPIRY_DAYS) sends nothing new for what it already alerted.
 */
export function withExpiryLifecycles(state: MonitorState): MonitorState {
  const merged = new Map<string, OpenProblem[]>();
  const rest: OpenProblem[] = [];
  for (const p of state.problems) {
    if (EXPIRY_KINDS.has(p.kind) && p.fingerprint.startsWith(`${p.kind}:`)) {
      const key = `expiry:${p.fingerprint.slice(p.kind.length + 1)}`;
      merged.set(key, [...(merged.get(key) ?? []), p]);
    } else rest.push(p);
  }
  if (merged.size === 0) return state;
  for (const [fingerprint, parts] of merged) {
    const worst = parts.reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a));
    const rung = parts.find((p) => p.kind === "expiring")?.level.match(/^(\d+)d$/)?.[1];
    const late = parts.some((p) => p.kind === "late_renewal");
    let level: string;
    if (parts.some((p) => p.kind === "expired")) level = "expired";
    else if (rung !== undefined && Number(rung) <= LADDER_CRITICAL_DAYS) level = `critical:${rung}d`;
    else if (late) level = rung === undefined ? "late" : `late:${rung}d`;
    else level = `renewal_due:${rung}d`;
    const kind: Problem["kind"] =
      level === "expired" ? "expired" : level.startsWith("late") ? "late_renewal" : "expiring";
    rest.push({
      ...worst,
      fingerprint,
      kind,
      level,
      first_seen: Math.min(...parts.map((p) => p.first_seen)),
      last_seen: Math.max(...parts.map((p) => p.last_seen)),
    });
  }
  return { ...state, problems: rest };
}

export async function saveState(kv: KVNamespace, state: MonitorState): Promise<void> {
  await kv.put(STATE_KEY, JSON.stringify(state));
}
