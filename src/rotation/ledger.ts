/**
 * RotationLedger: the visible state of a zone's rotation operations (one object per zone,
 * `idFromName(zone)`), read by `GET /v1/operations/{id}` and written by the rotation Workflow at every
 * transition. It is also where a cancel and the engine's delete meet: both are one SQLite transaction
 * here, so an operation ends cancelled or deletes its old pack, never both (journal.ts).
 *
 * Why here and not in the Workflow instance: a Workflow binding shows an instance's status and, only once
 * it has finished, its output; the records to publish while the replacement awaits validation, and the
 * exclusion between cancel and delete, need state the API can read and change while the instance runs.
 *
 * Guarantees: at most one live (not final) rotation per old pack; transitions follow `canMove`
 * (operation.ts); a final record never changes again except to learn the replacement's id. Final records
 * are pruned RETENTION_MS after their last change, judged by the callers' `now` (never the wall clock).
 */
import { DurableObject } from "cloudflare:workers";
import * as z from "zod";
import { parseInput } from "../durable/input";
import { applySchema, firstRow } from "../durable/sql";
import {
  CANCELLABLE_STATES,
  canMove,
  FINAL_STATES,
  isFinal,
  type OperationRecord,
  OperationRecordSchema,
  type RotationState,
  TransitionSchema,
} from "./operation";

/** How long a finished operation stays readable. */
export const RETENTION_MS = 90 * 24 * 60 * 60_000;
/** Entries of `history` kept per operation (a long validation wait repeats awaiting_validation once only). */
const MAX_HISTORY = 50;

const Now = z.number().int().nonnegative();
const OperationId = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/, "a Workflow instance id");

export const BeginSchema = z.object({
  id: OperationId,
  /** The provider whose rotation capability runs it (its name: unified ids, authorization). */
  provider: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  zone: z.string().min(1).max(64),
  old_pack_id: z.string().min(1).max(64),
  hosts: z.array(z.string()).max(50),
  now: Now,
});

export type BeginResult =
  | { started: true; record: OperationRecord }
  /** Another rotation of the same pack has not finished: its record. */
  | { started: false; live: OperationRecord };

export type CancelResult =
  | { outcome: "cancelled"; record: OperationRecord }
  /** The operation had already ended (done, failed or cancelled): nothing changed. */
  | { outcome: "already_final"; record: OperationRecord }
  /** The engine holds the claim on the delete (deleting_old): too late to cancel. */
  | { outcome: "too_late"; record: OperationRecord };

const FINAL_LIST = FINAL_STATES.map((s) => `'${s}'`).join(", ");

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS operations (
     id TEXT PRIMARY KEY,
     provider TEXT NOT NULL,
     zone TEXT NOT NULL,
     old_pack_id TEXT NOT NULL,
     new_pack_id TEXT,
     state TEXT NOT NULL,
     reason TEXT,
     message TEXT,
     hosts TEXT NOT NULL,
     new_pack_status TEXT,
     validation_records TEXT NOT NULL,
     dcv_delegation_records TEXT NOT NULL,
     validation_deadline INTEGER,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   ) WITHOUT ROWID`,
  // One live rotation per old pack: two would each order a replacement and race to delete the old one.
  `CREATE UNIQUE INDEX IF NOT EXISTS one_live_rotation_per_pack ON operations (old_pack_id)
     WHERE state NOT IN (${FINAL_LIST})`,
  `CREATE INDEX IF NOT EXISTS operations_by_update ON operations (updated_at) WHERE state IN (${FINAL_LIST})`,
  `CREATE TABLE IF NOT EXISTS history (
     operation_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     state TEXT NOT NULL,
     at INTEGER NOT NULL,
     PRIMARY KEY (operation_id, seq)
   ) WITHOUT ROWID`,
];

type OperationRow = {
  id: string;
  provider: string;
  zone: string;
  old_pack_id: string;
  new_pack_id: string | null;
  state: string;
  reason: string | null;
  message: string | null;
  hosts: string;
  new_pack_status: string | null;
  validation_records: string;
  dcv_delegation_records: string;
  validation_deadline: number | null;
  created_at: number;
  updated_at: number;
};

export class RotationLedger extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applySchema(ctx.storage.sql, SCHEMA);
  }

  /** Records a new operation in `ordering`, unless the pack already has a live one. Repeats are answered alike. */
  async begin(input: z.input<typeof BeginSchema>): Promise<BeginResult> {
    const req = parseInput(BeginSchema, input, "RotationLedger.begin");
    return this.ctx.storage.transactionSync(() => {
      const sql = this.ctx.storage.sql;
      this.#prune(req.now);
      const same = this.#load(req.id);
      if (same !== null) return { started: true, record: same };
      const live = firstRow<{ id: string }>(
        sql,
        `SELECT id FROM operations WHERE old_pack_id = ? AND state NOT IN (${FINAL_LIST})`,
        req.old_pack_id,
      );
      const liveRecord = live === null ? null : this.#load(live.id);
      if (liveRecord !== null) return { started: false, live: liveRecord };
      sql.exec(
        `INSERT INTO operations (id, provider, zone, old_pack_id, state, hosts, validation_records,
           dcv_delegation_records, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'ordering', ?, '[]', '[]', ?, ?)`,
        req.id,
        req.provider,
        req.zone,
        req.old_pack_id,
        JSON.stringify(req.hosts),
        req.now,
        req.now,
      );
      this.#enter(req.id, "ordering", req.now);
      return { started: true, record: this.#mustLoad(req.id) };
    });
  }

  async read(id: string): Promise<OperationRecord | null> {
    return this.#load(parseInput(OperationId, id, "RotationLedger.read"));
  }

  /** The engine's transitions (journal.ts `move`). */
  async move(id: string, transition: z.input<typeof TransitionSchema>): Promise<OperationRecord> {
    const opId = parseInput(OperationId, id, "RotationLedger.move");
    const t = parseInput(TransitionSchema, transition, "RotationLedger.move");
    return this.ctx.storage.transactionSync(() => {
      const current = this.#mustLoad(opId);
      const sql = this.ctx.storage.sql;
      if (t.new_pack_id !== undefined && current.new_pack_id === null) {
        sql.exec(
          "UPDATE operations SET new_pack_id = ?, updated_at = ? WHERE id = ?",
          t.new_pack_id,
          t.now,
          opId,
        );
      }
      if (!canMove(current.state, t.state)) return this.#mustLoad(opId);
      sql.exec(
        `UPDATE operations SET state = ?, updated_at = ?,
           reason = CASE WHEN ? = 'failed' THEN ? ELSE reason END,
           message = COALESCE(?, message),
           new_pack_status = COALESCE(?, new_pack_status),
           validation_records = COALESCE(?, validation_records),
           dcv_delegation_records = COALESCE(?, dcv_delegation_records),
           validation_deadline = COALESCE(?, validation_deadline)
         WHERE id = ?`,
        t.state,
        t.now,
        t.state,
        t.reason ?? "upstream_error",
        t.message ?? null,
        t.new_pack_status ?? null,
        t.validation_records === undefined ? null : JSON.stringify(t.validation_records),
        t.dcv_delegation_records === undefined ? null : JSON.stringify(t.dcv_delegation_records),
        t.validation_deadline ?? null,
        opId,
      );
      if (t.state !== current.state) this.#enter(opId, t.state, t.now);
      return this.#mustLoad(opId);
    });
  }

  /** Ends a live operation before the engine claims the delete. Never touches the packs themselves. */
  async cancel(id: string, now: number): Promise<CancelResult | null> {
    const opId = parseInput(OperationId, id, "RotationLedger.cancel");
    const at = parseInput(Now, now, "RotationLedger.cancel");
    return this.ctx.storage.transactionSync((): CancelResult | null => {
      const current = this.#load(opId);
      if (current === null) return null;
      if (isFinal(current.state)) return { outcome: "already_final", record: current };
      if (!CANCELLABLE_STATES.includes(current.state)) return { outcome: "too_late", record: current };
      const message =
        current.new_pack_id === null
          ? "cancelled; the old pack is untouched"
          : `cancelled; the old pack is untouched and the replacement ${current.new_pack_id} is left in place`;
      this.ctx.storage.sql.exec(
        "UPDATE operations SET state = 'cancelled', message = ?, updated_at = ? WHERE id = ?",
        message,
        at,
        opId,
      );
      this.#enter(opId, "cancelled", at);
      return { outcome: "cancelled", record: this.#mustLoad(opId) };
    });
  }

  #enter(id: string, state: RotationState, at: number): void {
    const sql = this.ctx.storage.sql;
    const last = firstRow<{ seq: number }>(
      sql,
      "SELECT seq FROM history WHERE operation_id = ? ORDER BY seq DESC LIMIT 1",
      id,
    );
    const seq = (last?.seq ?? 0) + 1;
    sql.exec("INSERT INTO history (operation_id, seq, state, at) VALUES (?, ?, ?, ?)", id, seq, state, at);
    sql.exec("DELETE FROM history WHERE operation_id = ? AND seq <= ?", id, seq - MAX_HISTORY);
  }

  #prune(now: number): void {
    const sql = this.ctx.storage.sql;
    const cutoff = now - RETENTION_MS;
    sql.exec(
      `DELETE FROM history WHERE operation_id IN
         (SELECT id FROM operations WHERE state IN (${FINAL_LIST}) AND updated_at < ?)`,
      cutoff,
    );
    sql.exec(`DELETE FROM operations WHERE state IN (${FINAL_LIST}) AND updated_at < ?`, cutoff);
  }

  #mustLoad(id: string): OperationRecord {
    const record = this.#load(id);
    if (record === null) throw new TypeError(`RotationLedger: no operation ${id}`);
    return record;
  }

  #load(id: string): OperationRecord | null {
    const sql = this.ctx.storage.sql;
    const row = firstRow<OperationRow>(sql, "SELECT * FROM operations WHERE id = ?", id);
    if (row === null) return null;
    const history = sql
      .exec<{ state: string; at: number }>(
        "SELECT state, at FROM history WHERE operation_id = ? ORDER BY seq",
        id,
      )
      .toArray();
    return OperationRecordSchema.parse({
      ...row,
      hosts: JSON.parse(row.hosts),
      validation_records: JSON.parse(row.validation_records),
      dcv_delegation_records: JSON.parse(row.dcv_delegation_records),
      history,
    });
  }
}
