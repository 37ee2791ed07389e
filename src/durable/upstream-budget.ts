/**
 * UpstreamBudget: the exact, global budget of one upstream credential. One object per credential
 * (`budgetObjectName`), so every isolate of every location asks the same counter.
 *
 * Guarantees, for callers whose clocks agree (production passes `Date.now()` everywhere):
 * - the permits granted in ANY 5-minute window never exceed `limitPer5Min`. Permits are counted in
 *   per-second buckets and a permit granted at second s counts until second s + 300 inclusive, so the
 *   window it checks is 300 to 301 s long: conservative by under a second, never over;
 * - the reserve: a "key" caller is granted only while the window holds at most
 *   `limitPer5Min - ceil(limitPer5Min * reservePercent / 100)` permits (everyone's); only the monitor
 *   spends the rest;
 * - per key: at most `perMinute` permits in any 60-second window (same bucket rule, 60 to 61 s);
 * - after `block`, nothing is granted to anyone (the monitor included: the upstream refuses everyone)
 *   until the longest block asked for has passed; the first `acquire` after that clears it and says
 *   so (`blockEnded`), once, so the callers log the end of a block exactly once;
 * - a grant is all-or-part: `granted` is the most of `permits` every cap allows at that moment.
 * Each `acquire` is one read statement and at most two upserts, all on primary keys (no scan); a
 * refusal adds one or two range reads of the window's buckets to compute its retry time.
 *
 * Does not guarantee: that a granted permit becomes an upstream call (it counts permits granted, not
 * calls sent; a caller that takes a batch and uses part of it wastes the rest), nor anything about
 * calls made without a permit. `limitPer5Min`, `reservePercent` and `perMinute` come from the caller on
 * every call (its configuration); changing them applies to the next call, against the permits already
 * counted. Refusals are counted per key (calls that got nothing), not per permit.
 */
import { DurableObject } from "cloudflare:workers";
import * as z from "zod";
import { KEY_WINDOW_SECONDS, WINDOW_SECONDS } from "./budget-terms";
import { parseInput } from "./input";
import { PruneAlarm } from "./prune-alarm";
import { applySchema, firstRow } from "./sql";

export { budgetObjectName, KEY_WINDOW_SECONDS, WINDOW_SECONDS } from "./budget-terms";
/** The most permits one call may take (a small batch per isolate, not a stockpile). */
export const MAX_PERMITS_PER_CALL = 100;
const PRUNE_INTERVAL_MS = 10 * 60_000;
/** Buckets are kept this long past their window, for a caller whose clock lags the newest `now` seen. */
const PRUNE_MARGIN_SECONDS = 300;

const Now = z.number().int().nonnegative();
const Limit = z.number().int().nonnegative();

export const BudgetCallerSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("key"), name: z.string().min(1).max(128), perMinute: Limit }),
  z.object({ kind: z.literal("monitor") }),
]);
export type BudgetCaller = z.infer<typeof BudgetCallerSchema>;

const BudgetConfig = {
  /** null: no global cap (an upstream that publishes none); per-key limits and blocks still apply. */
  limitPer5Min: Limit.nullable(),
  reservePercent: z.number().min(0).max(100),
};

export const AcquireSchema = z.object({
  now: Now,
  caller: BudgetCallerSchema,
  permits: z.number().int().min(1).max(MAX_PERMITS_PER_CALL),
  ...BudgetConfig,
});
export const BlockSchema = z.object({ now: Now, untilMs: Now, source: z.string().min(1).max(200) });
export const UsageSchema = z.object({ now: Now, ...BudgetConfig });

export type RefusalReason = "key_limit" | "budget" | "upstream_blocked";

export interface AcquireResult {
  /** 0..permits. */
  granted: number;
  /** Present when granted < permits: why, and when one more permit could be granted to this caller. */
  refused?: { reason: RefusalReason; retryAfterMs: number };
  /** Key callers: the key's own window after this call (for RateLimit headers). */
  key?: { used: number; limit: number; resetMs: number };
  window: { used: number; limit: number | null };
  /**
   * Key callers refused for their own allowance (`key_limit`) with no refusal counted for them in the
   * last minute: the start of a limited spell, for the caller's one log line.
   */
  keyLimitStarted?: true;
  /** The block that had passed when this call came, cleared by it: the caller logs its end once. */
  blockEnded?: { since: number; until: number; source: string };
}

export interface BlockResult {
  /** The block in force after this call (the longest asked for), or null when none is. */
  blockedUntil: number | null;
  /** True when no block was in force before this call: log "upstream block started" once. */
  started: boolean;
}

export interface BudgetUsage {
  window: {
    limit: number | null;
    used: number;
    reserve: number;
    blockedUntil: number | null;
    blockedBy: string | null;
  };
  keys: Array<{ name: string; permitsThisMinute: number; refusalsThisMinute: number }>;
}

/** Permits only the monitor may spend. Rounded up: the reserve is never smaller than asked. */
export function reserveOf(limit: number, reservePercent: number): number {
  return Math.min(limit, Math.ceil((limit * reservePercent) / 100));
}

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS window_seconds (second INTEGER PRIMARY KEY, permits INTEGER NOT NULL)",
  `CREATE TABLE IF NOT EXISTS key_seconds (
     name TEXT NOT NULL,
     second INTEGER NOT NULL,
     granted INTEGER NOT NULL,
     refused INTEGER NOT NULL,
     PRIMARY KEY (name, second)
   ) WITHOUT ROWID`,
  // usage() lists every key of the last minute (without it, SQLite prefers reading the whole table in
  // name order), and the prune deletes by time.
  "CREATE INDEX IF NOT EXISTS key_seconds_by_second ON key_seconds (second)",
  `CREATE TABLE IF NOT EXISTS upstream_block (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     until_ms INTEGER NOT NULL,
     since_ms INTEGER NOT NULL,
     source TEXT NOT NULL
   )`,
];

/**
 * The whole state `acquire` needs, in one statement: window total, block, key total, the key's refusals
 * and its oldest bucket with a grant.
 */
export const READ_STATE_SQL = `SELECT
  (SELECT COALESCE(SUM(permits), 0) FROM window_seconds WHERE second >= ?1) AS used,
  (SELECT until_ms FROM upstream_block WHERE id = 1) AS blocked_until,
  (SELECT COALESCE(SUM(granted), 0) FROM key_seconds WHERE name = ?2 AND second >= ?3) AS key_used,
  (SELECT COALESCE(SUM(refused), 0) FROM key_seconds WHERE name = ?2 AND second >= ?3) AS key_refused,
  (SELECT MIN(second) FROM key_seconds WHERE name = ?2 AND second >= ?3 AND granted > 0) AS key_oldest`;
export const ADD_WINDOW_SQL = `INSERT INTO window_seconds (second, permits) VALUES (?, ?)
  ON CONFLICT (second) DO UPDATE SET permits = permits + excluded.permits`;
export const ADD_KEY_SQL = `INSERT INTO key_seconds (name, second, granted, refused) VALUES (?, ?, ?, ?)
  ON CONFLICT (name, second) DO UPDATE SET granted = granted + excluded.granted, refused = refused + excluded.refused`;
export const WINDOW_BUCKETS_SQL =
  "SELECT second, permits FROM window_seconds WHERE second >= ? ORDER BY second";
export const KEY_BUCKETS_SQL =
  "SELECT second, granted AS permits FROM key_seconds WHERE name = ? AND second >= ? AND granted > 0 ORDER BY second";
export const KEYS_USAGE_SQL = `SELECT name, SUM(granted) AS permits, SUM(refused) AS refusals
  FROM key_seconds INDEXED BY key_seconds_by_second WHERE second >= ? GROUP BY name ORDER BY name`;

type StateRow = {
  used: number;
  blocked_until: number | null;
  key_used: number;
  key_refused: number;
  key_oldest: number | null;
};
type BucketRow = { second: number; permits: number };
type BlockRow = { until_ms: number; since_ms: number; source: string };

type Acquire = z.infer<typeof AcquireSchema>;

export class UpstreamBudget extends DurableObject<Env> {
  readonly #prune: PruneAlarm;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applySchema(ctx.storage.sql, SCHEMA);
    this.#prune = new PruneAlarm(ctx.storage, PRUNE_INTERVAL_MS);
    void ctx.blockConcurrencyWhile(() => this.#prune.load());
  }

  /** Takes up to `permits` permits for `caller` at `now`; see the header for every cap that applies. */
  async acquire(input: z.input<typeof AcquireSchema>): Promise<AcquireResult> {
    const req = parseInput(AcquireSchema, input, "UpstreamBudget.acquire");
    // All reads and writes in one synchronous transaction: no other request runs in between.
    const result = this.ctx.storage.transactionSync(() => this.#acquire(req));
    if (result.granted > 0 || req.caller.kind === "key") await this.#prune.ensure();
    return result;
  }

  /** No permit to anyone until `untilMs` (an upstream 429's Retry-After, or a RateLimit header at 0). */
  async block(input: z.input<typeof BlockSchema>): Promise<BlockResult> {
    const { now, untilMs, source } = parseInput(BlockSchema, input, "UpstreamBudget.block");
    const sql = this.ctx.storage.sql;
    const row = firstRow<BlockRow>(sql, "SELECT until_ms, since_ms, source FROM upstream_block WHERE id = 1");
    const active = row !== null && now < row.until_ms;
    if (untilMs > now && (!active || untilMs > row.until_ms)) {
      sql.exec(
        `INSERT INTO upstream_block (id, until_ms, since_ms, source) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET until_ms = excluded.until_ms, since_ms = excluded.since_ms,
           source = excluded.source`,
        untilMs,
        active ? row.since_ms : now,
        source,
      );
    }
    const until = Math.max(active ? row.until_ms : 0, untilMs);
    return { blockedUntil: until > now ? until : null, started: !active && untilMs > now };
  }

  /** The window, the reserve, any block, and every key that asked in the last minute. */
  async usage(input: z.input<typeof UsageSchema>): Promise<BudgetUsage> {
    const { now, limitPer5Min, reservePercent } = parseInput(UsageSchema, input, "UpstreamBudget.usage");
    const sql = this.ctx.storage.sql;
    const second = Math.floor(now / 1000);
    const state = this.#state(second, null);
    const block = firstRow<BlockRow>(
      sql,
      "SELECT until_ms, since_ms, source FROM upstream_block WHERE id = 1",
    );
    const blocked = block !== null && now < block.until_ms;
    const keys = sql
      .exec<{ name: string; permits: number; refusals: number }>(KEYS_USAGE_SQL, second - KEY_WINDOW_SECONDS)
      .toArray()
      .map((row) => ({ name: row.name, permitsThisMinute: row.permits, refusalsThisMinute: row.refusals }));
    return {
      window: {
        limit: limitPer5Min,
        used: state.used,
        reserve: limitPer5Min === null ? 0 : reserveOf(limitPer5Min, reservePercent),
        blockedUntil: blocked ? block.until_ms : null,
        blockedBy: blocked ? block.source : null,
      },
      keys,
    };
  }

  /** Deletes buckets that no caller within the margin of the newest `now` seen can count again. */
  override async alarm(): Promise<void> {
    this.#prune.fired();
    const sql = this.ctx.storage.sql;
    const newest = firstRow<{ second: number | null }>(
      sql,
      `SELECT MAX(second) AS second FROM (
         SELECT MAX(second) AS second FROM window_seconds UNION ALL SELECT MAX(second) FROM key_seconds)`,
    )?.second;
    if (newest === null || newest === undefined) return;
    sql.exec("DELETE FROM window_seconds WHERE second < ?", newest - WINDOW_SECONDS - PRUNE_MARGIN_SECONDS);
    sql.exec("DELETE FROM key_seconds WHERE second < ?", newest - KEY_WINDOW_SECONDS - PRUNE_MARGIN_SECONDS);
  }

  #state(second: number, keyName: string | null): StateRow {
    const row = firstRow<StateRow>(
      this.ctx.storage.sql,
      READ_STATE_SQL,
      second - WINDOW_SECONDS,
      keyName,
      second - KEY_WINDOW_SECONDS,
    );
    if (!row) throw new Error("budget state query returned no row");
    return row;
  }

  #acquire({ now, caller, permits, limitPer5Min, reservePercent }: Acquire): AcquireResult {
    const sql = this.ctx.storage.sql;
    const second = Math.floor(now / 1000);
    const keyName = caller.kind === "key" ? caller.name : null;
    const state = this.#state(second, keyName);

    const blocked = state.blocked_until !== null && now < state.blocked_until;
    // A block that has passed is cleared by the first call after it, which reports its end once.
    const ended = state.blocked_until !== null && !blocked ? this.#clearBlock() : null;
    const cap =
      limitPer5Min === null
        ? Number.POSITIVE_INFINITY
        : caller.kind === "monitor"
          ? limitPer5Min
          : limitPer5Min - reserveOf(limitPer5Min, reservePercent);
    const globalRoom = Math.max(0, cap - state.used);
    const keyRoom =
      caller.kind === "key" ? Math.max(0, caller.perMinute - state.key_used) : Number.POSITIVE_INFINITY;
    const granted = blocked ? 0 : Math.min(permits, globalRoom, keyRoom);

    if (granted > 0) sql.exec(ADD_WINDOW_SQL, second, granted);
    if (keyName !== null) sql.exec(ADD_KEY_SQL, keyName, second, granted, granted === 0 ? 1 : 0);

    const used = state.used + granted;
    const result: AcquireResult = { granted, window: { used, limit: limitPer5Min } };
    if (ended) result.blockEnded = ended;
    if (caller.kind === "key") {
      const keyUsed = state.key_used + granted;
      const oldest = granted > 0 ? Math.min(state.key_oldest ?? second, second) : state.key_oldest;
      const resetMs = oldest === null ? 0 : Math.max(0, expiryOf(oldest, KEY_WINDOW_SECONDS) - now);
      result.key = { used: keyUsed, limit: caller.perMinute, resetMs };
    }
    if (granted === permits) return result;

    if (blocked && state.blocked_until !== null) {
      result.refused = { reason: "upstream_blocked", retryAfterMs: state.blocked_until - now };
      return result;
    }
    // One more permit needs the binding cap(s) to free one: the time until enough old buckets expire.
    let freeAt = now;
    if (globalRoom - granted === 0) {
      const buckets = sql.exec<BucketRow>(WINDOW_BUCKETS_SQL, second - WINDOW_SECONDS);
      freeAt = Math.max(freeAt, freesAt(buckets, used - cap + 1, now, WINDOW_SECONDS));
    }
    if (caller.kind === "key" && keyRoom - granted === 0) {
      const buckets = sql.exec<BucketRow>(KEY_BUCKETS_SQL, caller.name, second - KEY_WINDOW_SECONDS);
      freeAt = Math.max(
        freeAt,
        freesAt(buckets, state.key_used + granted - caller.perMinute + 1, now, KEY_WINDOW_SECONDS),
      );
    }
    const reason = keyRoom <= globalRoom ? "key_limit" : "budget";
    result.refused = { reason, retryAfterMs: Math.max(1, freeAt - now) };
    if (reason === "key_limit" && granted === 0 && state.key_refused === 0) result.keyLimitStarted = true;
    return result;
  }

  /** Deletes the block row (it has passed) and returns what it was. */
  #clearBlock(): { since: number; until: number; source: string } | null {
    const sql = this.ctx.storage.sql;
    const row = firstRow<BlockRow>(sql, "SELECT until_ms, since_ms, source FROM upstream_block WHERE id = 1");
    sql.exec("DELETE FROM upstream_block WHERE id = 1");
    return row === null ? null : { since: row.since_ms, until: row.until_ms, source: row.source };
  }
}

/** First instant at which a permit counted in `second` no longer counts in a window of `windowSeconds`. */
function expiryOf(second: number, windowSeconds: number): number {
  return (second + windowSeconds + 1) * 1000;
}

/**
 * When `need` permits of these buckets (oldest first) will have expired. When they cannot free enough (a
 * cap of 0 frees nothing, ever), one window from now: the caller retries then and is told again.
 */
function freesAt(buckets: Iterable<BucketRow>, need: number, now: number, windowSeconds: number): number {
  let freed = 0;
  for (const bucket of buckets) {
    freed += bucket.permits;
    if (freed >= need) return expiryOf(bucket.second, windowSeconds);
  }
  return now + (windowSeconds + 1) * 1000;
}
