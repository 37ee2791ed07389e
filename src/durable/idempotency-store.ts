/**
 * IdempotencyStore: what the first request under an Idempotency-Key answered, per caller identity
 * (`idFromName(principalName)`), after the IETF draft "The Idempotency-Key HTTP Header Field"
 * (https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/).
 *
 * Guarantees: for one key, at most one `begin` answers "new" until that attempt completes, is abandoned,
 * or the record expires (`ttlMs` after it was begun, or after it completed); a completed record is
 * replayed exactly (status, body string, headers) until it expires; another fingerprint under the same
 * key is a "mismatch". Only a 64-hex-digit fingerprint (a SHA-256 the caller computed over method, path
 * and body) is stored, never the request; the response is stored as the caller hands it, so hand it
 * what the client was sent (already free of secrets). `complete` and `abandon` only act for the attempt
 * that `begin` handed out, so a request that outlived its lease cannot overwrite its successor.
 *
 * An in-flight record whose lease passed (`leaseMs`: the worker that began it probably died) is
 * answered "expired_in_flight", not "new", and the record is left as it is: whether the first attempt
 * reached the upstream is unknown, and repeating a creating write (an order, an import) could create
 * twice, the very thing the key exists to prevent. The caller decides per operation: for a write that
 * is safe to repeat (a delete, a validation restart, an update with the same body) it passes
 * `takeOverExpired: true` and, atomically, gets "new" with a fresh attempt; otherwise it answers that
 * the outcome is unknown (a 409) and the client checks upstream or uses a new key. If the first attempt
 * was alive after all and completes, its answer is stored and replayed, unless it was taken over.
 *
 * Does not guarantee: that the upstream saw the request once when the caller takes over; that records
 * vanish from disk at expiry (an expired record is never answered; the prune runs on the alarm and
 * judges expiry by the newest `now` callers passed, so an object that gets no more calls keeps its last
 * day of records). Responses are limited to MAX_RESPONSE_BYTES of well-formed text.
 */
import { DurableObject } from "cloudflare:workers";
import * as z from "zod";
import { parseInput } from "./input";
import { PruneAlarm } from "./prune-alarm";
import { applySchema, countRows, firstRow } from "./sql";

/** How long a record lives by default: the draft's suggestion, and what certgate promises clients. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
const MAX_TTL_MS = 7 * 24 * 60 * 60_000;
/** Status, body and headers of one stored response, in bytes (a Durable Object row holds up to 2 MB). */
export const MAX_RESPONSE_BYTES = 512 * 1024;
const PRUNE_INTERVAL_MS = 60 * 60_000;
/** Expired records are kept this long past the newest `now` seen, for callers whose clock lags. */
const PRUNE_MARGIN_MS = 5 * 60_000;

const Now = z.number().int().nonnegative();
/** The header's value is an sf-string (RFC 8941): printable ASCII. */
export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x20-\x7e]+$/, "printable ASCII");
const Fingerprint = z.string().regex(/^[0-9a-f]{64}$/, "a lowercase hex SHA-256");
const Attempt = z.uuid();
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "an HTTP field name");

/** A UTF-16 string with a lone surrogate cannot survive UTF-8 at rest: refused, never replayed altered. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const StoredResponseSchema = z.object({
  status: z.number().int().min(100).max(599),
  body: z.string().refine((body) => !LONE_SURROGATE.test(body), "well-formed text (no lone surrogate)"),
  headers: z.record(HeaderName, z.string()),
});
export type StoredResponse = z.infer<typeof StoredResponseSchema>;

export const BeginSchema = z
  .object({
    now: Now,
    key: IdempotencyKeySchema,
    fingerprint: Fingerprint,
    ttlMs: z.number().int().positive().max(MAX_TTL_MS),
    leaseMs: z.number().int().positive(),
    /** For writes safe to repeat: an expired in-flight record is taken over instead of reported. */
    takeOverExpired: z.boolean().default(false),
  })
  .refine((v) => v.leaseMs <= v.ttlMs, { message: "leaseMs must not exceed ttlMs", path: ["leaseMs"] });

export const CompleteSchema = z.object({
  now: Now,
  key: IdempotencyKeySchema,
  fingerprint: Fingerprint,
  attempt: Attempt,
  response: StoredResponseSchema,
});
export const AbandonSchema = z.object({
  key: IdempotencyKeySchema,
  fingerprint: Fingerprint,
  attempt: Attempt,
});

export type BeginResult =
  /** Proceed, then `complete` or `abandon` with this attempt. `takenOverFrom`: the expired attempt's start. */
  | { state: "new"; attempt: string; takenOverFrom: number | null }
  | { state: "replay"; response: StoredResponse }
  /** The first request is still running (409 idempotency_key_in_flight; retry after leaseUntil). */
  | { state: "in_flight"; since: number; leaseUntil: number }
  /** The first request's lease passed without an answer: its outcome is unknown. */
  | { state: "expired_in_flight"; since: number; leaseUntil: number }
  /** Same key, another request (422 idempotency_key_reused). */
  | { state: "mismatch" };

/** "not_in_flight": the attempt is not the record's current one (taken over, completed, abandoned, expired). */
export type CompleteResult = "stored" | "not_in_flight" | "too_large";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS records (
     key TEXT PRIMARY KEY,
     fingerprint TEXT NOT NULL,
     attempt TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
     started_at INTEGER NOT NULL,
     lease_until INTEGER NOT NULL,
     ttl_ms INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     status INTEGER,
     body BLOB,
     headers TEXT
   ) WITHOUT ROWID`,
  "CREATE INDEX IF NOT EXISTS records_by_expiry ON records (expires_at)",
  // The newest `now` any caller passed: what the prune judges expiry by (never the wall clock).
  "CREATE TABLE IF NOT EXISTS clock (id INTEGER PRIMARY KEY CHECK (id = 1), newest INTEGER NOT NULL)",
];

type RecordRow = {
  fingerprint: string;
  attempt: string;
  state: string;
  started_at: number;
  lease_until: number;
  expires_at: number;
  status: number | null;
  body: ArrayBuffer | null;
  headers: string | null;
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class IdempotencyStore extends DurableObject<Env> {
  readonly #prune: PruneAlarm;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applySchema(ctx.storage.sql, SCHEMA);
    this.#prune = new PruneAlarm(ctx.storage, PRUNE_INTERVAL_MS);
    void ctx.blockConcurrencyWhile(() => this.#prune.load());
  }

  /** Where a request under `key` stands; "new" makes this caller the one that runs it. */
  async begin(input: z.input<typeof BeginSchema>): Promise<BeginResult> {
    const req = parseInput(BeginSchema, input, "IdempotencyStore.begin");
    const result = this.ctx.storage.transactionSync(() => this.#begin(req));
    if (result.state === "new") await this.#prune.ensure();
    return result;
  }

  /** Stores the answer of the attempt `begin` handed out; later begins with the same payload replay it. */
  async complete(input: z.input<typeof CompleteSchema>): Promise<CompleteResult> {
    const { now, key, fingerprint, attempt, response } = parseInput(
      CompleteSchema,
      input,
      "IdempotencyStore.complete",
    );
    const body = encoder.encode(response.body);
    const headers = JSON.stringify(response.headers);
    if (body.byteLength + encoder.encode(headers).byteLength > MAX_RESPONSE_BYTES) {
      // Left in flight: the write happened, so the key must not run it again; it ends as expired_in_flight.
      return "too_large";
    }
    return this.ctx.storage.transactionSync(() => {
      this.#noteClock(now);
      const stored = countRows(
        this.ctx.storage.sql,
        `UPDATE records SET state = 'done', status = ?, body = ?, headers = ?, lease_until = ?,
           expires_at = ? + ttl_ms
         WHERE key = ? AND fingerprint = ? AND attempt = ? AND state = 'in_flight' RETURNING key`,
        response.status,
        arrayBufferOf(body),
        headers,
        now,
        now,
        key,
        fingerprint,
        attempt,
      );
      return stored === 1 ? "stored" : "not_in_flight";
    });
  }

  /**
   * Frees the key: the attempt failed in a way that must not be replayed (it never reached the upstream).
   * True when this attempt's in-flight record was removed; a completed record is never abandoned.
   */
  async abandon(input: z.input<typeof AbandonSchema>): Promise<boolean> {
    const { key, fingerprint, attempt } = parseInput(AbandonSchema, input, "IdempotencyStore.abandon");
    return (
      countRows(
        this.ctx.storage.sql,
        `DELETE FROM records WHERE key = ? AND fingerprint = ? AND attempt = ? AND state = 'in_flight'
         RETURNING key`,
        key,
        fingerprint,
        attempt,
      ) === 1
    );
  }

  /** Deletes records expired by the newest `now` seen (less a margin): none can be answered again. */
  override async alarm(): Promise<void> {
    this.#prune.fired();
    const sql = this.ctx.storage.sql;
    const newest = firstRow<{ newest: number }>(sql, "SELECT newest FROM clock WHERE id = 1")?.newest;
    if (newest === undefined) return;
    sql.exec("DELETE FROM records WHERE expires_at <= ?", newest - PRUNE_MARGIN_MS);
  }

  #begin({
    now,
    key,
    fingerprint,
    ttlMs,
    leaseMs,
    takeOverExpired,
  }: z.infer<typeof BeginSchema>): BeginResult {
    const sql = this.ctx.storage.sql;
    this.#noteClock(now);
    const row = firstRow<RecordRow>(
      sql,
      `SELECT fingerprint, attempt, state, started_at, lease_until, expires_at, status, body, headers
       FROM records WHERE key = ?`,
      key,
    );
    const live = row !== null && now < row.expires_at;
    if (live && row.fingerprint !== fingerprint) return { state: "mismatch" };
    if (live && row.state === "done") return { state: "replay", response: responseOf(row) };
    if (live && now < row.lease_until) {
      return { state: "in_flight", since: row.started_at, leaseUntil: row.lease_until };
    }
    if (live && !takeOverExpired) {
      return { state: "expired_in_flight", since: row.started_at, leaseUntil: row.lease_until };
    }
    const attempt = crypto.randomUUID();
    sql.exec(
      `INSERT INTO records (key, fingerprint, attempt, state, started_at, lease_until, ttl_ms, expires_at)
       VALUES (?, ?, ?, 'in_flight', ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, attempt = excluded.attempt,
         state = excluded.state, started_at = excluded.started_at, lease_until = excluded.lease_until,
         ttl_ms = excluded.ttl_ms, expires_at = excluded.expires_at, status = NULL, body = NULL, headers = NULL`,
      key,
      fingerprint,
      attempt,
      now,
      now + leaseMs,
      ttlMs,
      now + ttlMs,
    );
    return { state: "new", attempt, takenOverFrom: live ? row.started_at : null };
  }

  #noteClock(now: number): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO clock (id, newest) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET newest = MAX(newest, excluded.newest)`,
      now,
    );
  }
}

/** The SQLite API binds an ArrayBuffer as a BLOB: exactly the encoded bytes, whatever view they came in. */
function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

function responseOf(row: RecordRow): StoredResponse {
  // Rows are only ever written by complete(), from a validated response: parse anyway, a corrupt row
  // must fail loudly rather than replay something else.
  return StoredResponseSchema.parse({
    status: row.status,
    body: row.body === null ? null : decoder.decode(row.body),
    headers: row.headers === null ? null : JSON.parse(row.headers),
  });
}
