/**
 * MonitorAcks: the acknowledgements of monitor problems (POST/DELETE /v1/report/problems/{fingerprint}/ack).
 * A singleton (`idFromName(MONITOR_ACKS_NAME)`), one row per problem fingerprint.
 *
 * Why here and not in the monitor's STATE (KV): a run reads STATE at its start and writes it once at its
 * end; an acknowledgement written into STATE while a run is going would be overwritten by that run's write
 * (last write wins, KV has no compare-and-set). In this object an acknowledgement is written once, at
 * once, and never by a run: a run only reads them, and removes one it found void (expired, outgrown by
 * the problem's severity, or of a replaced certificate) by naming the exact acknowledgement it read
 * (`at`), so an acknowledgement renewed meanwhile survives.
 *
 * Guarantees: one acknowledgement per fingerprint (a new one replaces the old); `remove` with `at` only
 * removes that very acknowledgement; rows whose `until` is more than RETENTION_MS in the past (by the
 * callers' `now`) are pruned on the next `list` or `put`. Time is the caller's `now` (epoch ms).
 * Does not guarantee: anything about the problem itself (the caller checked it exists and may be
 * acknowledged by this caller); strings are stored as given (the caller validated them at the edge).
 */
import { DurableObject } from "cloudflare:workers";
import * as z from "zod";
import { parseInput } from "./input";
import { applySchema, firstRow } from "./sql";

export const MONITOR_ACKS_NAME = "monitor";

/** Expired acknowledgements stay this long (a run reports the end of a mute), then are pruned. */
const RETENTION_MS = 7 * 24 * 60 * 60_000;

const Now = z.number().int().nonnegative();
const Fingerprint = z.string().min(1).max(512);

export const StoredAckSchema = z.object({
  fingerprint: Fingerprint,
  provider: z.string().min(1).max(64),
  scope_kind: z.enum(["zone", "project"]),
  scope_id: z.string().min(1).max(128),
  /** The X.509 certificate(s) behind the problem when acknowledged: a replaced one voids the ack. */
  issued_certificate: z.string().max(2048).nullable(),
  /** The problem's severity when acknowledged: a higher one voids the ack. */
  severity: z.enum(["info", "warning", "critical"]),
  by: z.string().min(1).max(200),
  reason: z.string().min(1).max(1000),
  /** Epoch ms: the mute ends here. */
  until: z.number().int().nonnegative(),
  /** Epoch ms: when it was made (also its version, for `remove`). */
  at: z.number().int().nonnegative(),
});
export type StoredAck = z.infer<typeof StoredAckSchema>;

export const PutAckSchema = z.object({ now: Now, ack: StoredAckSchema });
export const RemoveAckSchema = z.object({ fingerprint: Fingerprint, at: z.number().int().optional() });
export const ListAcksSchema = z.object({ now: Now });
export const GetAckSchema = z.object({ fingerprint: Fingerprint });

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS acks (
     fingerprint TEXT PRIMARY KEY,
     provider TEXT NOT NULL,
     scope_kind TEXT NOT NULL,
     scope_id TEXT NOT NULL,
     issued_certificate TEXT,
     severity TEXT NOT NULL,
     acked_by TEXT NOT NULL,
     reason TEXT NOT NULL,
     until INTEGER NOT NULL,
     acked_at INTEGER NOT NULL
   )`,
];

type AckRow = {
  fingerprint: string;
  provider: string;
  scope_kind: string;
  scope_id: string;
  issued_certificate: string | null;
  severity: string;
  acked_by: string;
  reason: string;
  until: number;
  acked_at: number;
};

const COLUMNS =
  "fingerprint, provider, scope_kind, scope_id, issued_certificate, severity, acked_by, reason, until, acked_at";

function fromRow(row: AckRow): StoredAck {
  return StoredAckSchema.parse({
    fingerprint: row.fingerprint,
    provider: row.provider,
    scope_kind: row.scope_kind,
    scope_id: row.scope_id,
    issued_certificate: row.issued_certificate,
    severity: row.severity,
    by: row.acked_by,
    reason: row.reason,
    until: row.until,
    at: row.acked_at,
  });
}

export class MonitorAcks extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applySchema(ctx.storage.sql, SCHEMA);
  }

  /** Stores `ack`, replacing any acknowledgement of the same fingerprint. */
  async put(input: z.input<typeof PutAckSchema>): Promise<StoredAck> {
    const { now, ack } = parseInput(PutAckSchema, input, "MonitorAcks.put");
    this.#prune(now);
    this.ctx.storage.sql.exec(
      `INSERT INTO acks (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (fingerprint) DO UPDATE SET provider = excluded.provider, scope_kind = excluded.scope_kind,
         scope_id = excluded.scope_id, issued_certificate = excluded.issued_certificate,
         severity = excluded.severity, acked_by = excluded.acked_by, reason = excluded.reason,
         until = excluded.until, acked_at = excluded.acked_at`,
      ack.fingerprint,
      ack.provider,
      ack.scope_kind,
      ack.scope_id,
      ack.issued_certificate,
      ack.severity,
      ack.by,
      ack.reason,
      ack.until,
      ack.at,
    );
    return ack;
  }

  /**
   * Removes the acknowledgement of `fingerprint` (only the one made at `at`, when given) and returns it,
   * or null when there was none (or a newer one, which stays).
   */
  async remove(input: z.input<typeof RemoveAckSchema>): Promise<StoredAck | null> {
    const { fingerprint, at } = parseInput(RemoveAckSchema, input, "MonitorAcks.remove");
    const row =
      at === undefined
        ? firstRow<AckRow>(
            this.ctx.storage.sql,
            `DELETE FROM acks WHERE fingerprint = ? RETURNING ${COLUMNS}`,
            fingerprint,
          )
        : firstRow<AckRow>(
            this.ctx.storage.sql,
            `DELETE FROM acks WHERE fingerprint = ? AND acked_at = ? RETURNING ${COLUMNS}`,
            fingerprint,
            at,
          );
    return row ? fromRow(row) : null;
  }

  /** Every acknowledgement, expired ones included until they are pruned (the caller judges `until`). */
  async list(input: z.input<typeof ListAcksSchema>): Promise<StoredAck[]> {
    const { now } = parseInput(ListAcksSchema, input, "MonitorAcks.list");
    this.#prune(now);
    return this.ctx.storage.sql
      .exec<AckRow>(`SELECT ${COLUMNS} FROM acks ORDER BY fingerprint`)
      .toArray()
      .map(fromRow);
  }

  async get(input: z.input<typeof GetAckSchema>): Promise<StoredAck | null> {
    const { fingerprint } = parseInput(GetAckSchema, input, "MonitorAcks.get");
    const row = firstRow<AckRow>(
      this.ctx.storage.sql,
      `SELECT ${COLUMNS} FROM acks WHERE fingerprint = ?`,
      fingerprint,
    );
    return row ? fromRow(row) : null;
  }

  #prune(now: number): void {
    this.ctx.storage.sql.exec("DELETE FROM acks WHERE until <= ?", now - RETENTION_MS);
  }
}
