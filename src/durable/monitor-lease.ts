/**
 * MonitorLease: at most one monitor run at a time. A singleton (`idFromName(MONITOR_LEASE_NAME)`).
 *
 * Guarantees: at any caller time `now`, at most one run holds an unexpired lease; `acquire` either grants
 * it or names the holder; a run that dies stops blocking at `expiresAt`; only the holder renews or
 * releases. Time is the caller's `now` (epoch ms): a lease is held while `now < expiresAt`.
 *
 * Does not guarantee: that a holder notices it lost the lease. A run that outlives its lease (a stall
 * longer than `ttlMs`) keeps running until it calls `renew` and gets `false`; renew more often than the
 * ttl and stop on `false`. Nor does it fence the run's own writes (KV has no compare-and-set).
 */
import { DurableObject } from "cloudflare:workers";
import * as z from "zod";
import { parseInput } from "./input";
import { applySchema, countRows, firstRow } from "./sql";

export const MONITOR_LEASE_NAME = "monitor";

/** A run may hold the lease for at most a day per acquire or renew (a cron run lasts minutes). */
const MAX_TTL_MS = 24 * 60 * 60_000;

const Now = z.number().int().nonnegative();
const RunId = z.string().min(1).max(128);
const TtlMs = z.number().int().positive().max(MAX_TTL_MS);

export const LeaseTriggerSchema = z.enum(["cron", "manual"]);
export type LeaseTrigger = z.infer<typeof LeaseTriggerSchema>;

export const AcquireLeaseSchema = z.object({
  now: Now,
  runId: RunId,
  trigger: LeaseTriggerSchema,
  ttlMs: TtlMs,
});
export const RenewLeaseSchema = z.object({ now: Now, runId: RunId, ttlMs: TtlMs });
export const ReleaseLeaseSchema = z.object({ runId: RunId });
export const CurrentLeaseSchema = z.object({ now: Now });

export interface Lease {
  runId: string;
  trigger: LeaseTrigger;
  startedAt: number;
  expiresAt: number;
}

export type AcquireLeaseResult = { ok: true; lease: Lease } | { ok: false; holder: Lease };

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS lease (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     run_id TEXT NOT NULL,
     run_trigger TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   )`,
];

type LeaseRow = { run_id: string; run_trigger: string; started_at: number; expires_at: number };

export class MonitorLease extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applySchema(ctx.storage.sql, SCHEMA);
  }

  /**
   * Takes the lease for `runId` if nobody holds it (or the holder's lease expired). The holder asking
   * again (a retried call) keeps its lease, extended to `now + ttlMs`.
   */
  async acquire(input: z.input<typeof AcquireLeaseSchema>): Promise<AcquireLeaseResult> {
    const { now, runId, trigger, ttlMs } = parseInput(AcquireLeaseSchema, input, "MonitorLease.acquire");
    const held = this.#held(now);
    if (held && held.runId !== runId) return { ok: false, holder: held };
    const lease: Lease = { runId, trigger, startedAt: held?.startedAt ?? now, expiresAt: now + ttlMs };
    this.ctx.storage.sql.exec(
      `INSERT INTO lease (id, run_id, run_trigger, started_at, expires_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, run_trigger = excluded.run_trigger,
         started_at = excluded.started_at, expires_at = excluded.expires_at`,
      lease.runId,
      lease.trigger,
      lease.startedAt,
      lease.expiresAt,
    );
    return { ok: true, lease };
  }

  /** Extends the lease to `now + ttlMs`; false when `runId` does not hold an unexpired lease. */
  async renew(input: z.input<typeof RenewLeaseSchema>): Promise<boolean> {
    const { now, runId, ttlMs } = parseInput(RenewLeaseSchema, input, "MonitorLease.renew");
    const held = this.#held(now);
    if (held?.runId !== runId) return false;
    this.ctx.storage.sql.exec("UPDATE lease SET expires_at = ? WHERE id = 1", now + ttlMs);
    return true;
  }

  /** Ends `runId`'s lease; true when it held the lease row (expired or not), false (a no-op) otherwise. */
  async release(input: z.input<typeof ReleaseLeaseSchema>): Promise<boolean> {
    const { runId } = parseInput(ReleaseLeaseSchema, input, "MonitorLease.release");
    return (
      countRows(this.ctx.storage.sql, "DELETE FROM lease WHERE id = 1 AND run_id = ? RETURNING id", runId) ===
      1
    );
  }

  /** The unexpired lease at `now`, or null. */
  async current(input: z.input<typeof CurrentLeaseSchema>): Promise<Lease | null> {
    const { now } = parseInput(CurrentLeaseSchema, input, "MonitorLease.current");
    return this.#held(now);
  }

  #held(now: number): Lease | null {
    const row = firstRow<LeaseRow>(
      this.ctx.storage.sql,
      "SELECT run_id, run_trigger, started_at, expires_at FROM lease WHERE id = 1",
    );
    if (!row || row.expires_at <= now) return null;
    return {
      runId: row.run_id,
      trigger: LeaseTriggerSchema.parse(row.run_trigger),
      startedAt: row.started_at,
      expiresAt: row.expires_at,
    };
  }
}
