/**
 * AuditLog: who did what to which certificate, and how it ended. A singleton (`idFromName(AUDIT_LOG_NAME)`),
 * append-only except for the retention prune.
 *
 * A Durable Object rather than D1: it needs no database to create and bind per deployment, runs on the
 * Workers Free plan, and its SQLite is the same engine the other objects use; one object serves the
 * admin's queries and a write rate far above certgate's (every write request is one small append).
 *
 * Guarantees: appends are idempotent by record `id` (a retried append adds nothing); `query` returns
 * newest first by (`at`, then arrival) and pages with a cursor that neither repeats nor skips a record
 * that existed when paging began, whatever is appended in between; every filter is served by an index.
 * Defence in depth: a free-text value that has the shape of a secret (a certgate key, a PEM block, a
 * bearer token, a JWT) is stored as "[REDACTED]" and counted in the answer; a fixed-format field
 * (action, method, door) with such a value is refused.
 *
 * Does not guarantee: that records are complete or true (the caller writes them), or that a secret of
 * no known shape is caught: records hold certgate's own words, never request bodies or headers.
 */
import { DurableObject } from "cloudflare:workers";
import * as z from "zod";
import { parseInput } from "./input";
import { applySchema, firstRow } from "./sql";

export const AUDIT_LOG_NAME = "audit";
export const MAX_QUERY_LIMIT = 500;
export const MAX_APPEND_BATCH = 500;
export const REDACTED = "[REDACTED]";

/** Shapes no audit value may have: certgate keys, PEM blocks, Authorization credentials, JWTs. */
const SECRET_SHAPES = [
  /\bcg_[A-Za-z0-9_-]{16,}/,
  /-----BEGIN [A-Z0-9 ]+-----/,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/i,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./,
];

export function looksLikeSecret(value: string): boolean {
  return SECRET_SHAPES.some((shape) => shape.test(value));
}

const Now = z.number().int().nonnegative();
const Text = z.string().min(1).max(256);
const Fixed = (schema: z.ZodString) =>
  schema.refine((v) => !looksLikeSecret(v), { message: "has the shape of a secret" });

export const AuditRecordSchema = z.strictObject({
  /** Chosen by the caller (a UUID), so a retried append is recognised. */
  id: Fixed(z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/)),
  at: Now,
  /** The key's name or the Access identity; "anonymous" for a request refused before it had one. */
  actor: Text,
  /** How the actor authenticated; "none" when it did not (a 401) or when certgate acted on its own. */
  actor_via: z.enum(["api_key", "access", "status_session", "none"]),
  /** e.g. "certificate.create", "report.ack", "monitor.run". */
  action: Fixed(
    z
      .string()
      .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/)
      .max(64),
  ),
  method: Fixed(z.string().regex(/^[A-Z]{1,16}$/)),
  /** Which API the request came through: "v1", "cloudflare", "gjirafa", ... */
  door: Fixed(z.string().regex(/^[a-z0-9_-]{1,32}$/)),
  provider: Text.nullable(),
  scope: Text.nullable(),
  certificate_id: Text.nullable(),
  created_id: Text.nullable(),
  outcome: z.strictObject({
    status: z.number().int().min(100).max(599),
    code: Text.nullable(),
    upstream_request_id: Text.nullable(),
  }),
  request_id: Text.nullable(),
  idempotency_key: Text.nullable(),
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

export const AppendSchema = z.array(AuditRecordSchema).max(MAX_APPEND_BATCH);

const Cursor = z.string().regex(/^\d{1,16}\.\d{1,16}$/, "a cursor from a previous page");
export const AuditQuerySchema = z.strictObject({
  actor: Text.optional(),
  provider: Text.optional(),
  scope: Text.optional(),
  /** Matches the certificate acted on or the one created. */
  certificate: Text.optional(),
  /** Inclusive, epoch ms. */
  since: Now.optional(),
  /** Exclusive, epoch ms. */
  until: Now.optional(),
  limit: z.number().int().min(1).max(MAX_QUERY_LIMIT),
  cursor: Cursor.optional(),
});
export type AuditQuery = z.input<typeof AuditQuerySchema>;
export const PruneSchema = z.strictObject({ before: Now });

export interface AppendResult {
  /** Records added (a record whose id is already stored is not added again). */
  appended: number;
  /** Values replaced by "[REDACTED]" because they looked like a secret. */
  redacted: number;
}

export interface AuditPage {
  records: AuditRecord[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Free-text columns: screened for secret shapes, redacted rather than refused (the record still counts). */
const FREE_TEXT = [
  "actor",
  "provider",
  "scope",
  "certificate_id",
  "created_id",
  "request_id",
  "idempotency_key",
] as const;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS audit (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     actor_via TEXT NOT NULL,
     action TEXT NOT NULL,
     method TEXT NOT NULL,
     door TEXT NOT NULL,
     provider TEXT,
     scope TEXT,
     certificate_id TEXT,
     created_id TEXT,
     status INTEGER NOT NULL,
     code TEXT,
     upstream_request_id TEXT,
     request_id TEXT,
     idempotency_key TEXT
   )`,
  // Each index ends in `at` (and implicitly seq): a filter reads its rows already in page order.
  "CREATE INDEX IF NOT EXISTS audit_by_at ON audit (at)",
  "CREATE INDEX IF NOT EXISTS audit_by_actor ON audit (actor, at)",
  "CREATE INDEX IF NOT EXISTS audit_by_provider ON audit (provider, at)",
  "CREATE INDEX IF NOT EXISTS audit_by_scope ON audit (scope, at)",
  "CREATE INDEX IF NOT EXISTS audit_by_certificate ON audit (certificate_id, at)",
  "CREATE INDEX IF NOT EXISTS audit_by_created ON audit (created_id, at)",
];

const COLUMNS = `seq, id, at, actor, actor_via, action, method, door, provider, scope, certificate_id, created_id,
  status, code, upstream_request_id, request_id, idempotency_key`;

type AuditRow = {
  seq: number;
  id: string;
  at: number;
  actor: string;
  actor_via: string;
  action: string;
  method: string;
  door: string;
  provider: string | null;
  scope: string | null;
  certificate_id: string | null;
  created_id: string | null;
  status: number;
  code: string | null;
  upstream_request_id: string | null;
  request_id: string | null;
  idempotency_key: string | null;
};

/** The SELECT of one page: exported so tests can check its query plan uses the indexes. */
export function pageQuery(input: z.infer<typeof AuditQuerySchema>): {
  sql: string;
  bindings: SqlStorageValue[];
} {
  const where: string[] = [];
  const bindings: SqlStorageValue[] = [];
  const add = (clause: string, ...values: SqlStorageValue[]) => {
    where.push(clause);
    bindings.push(...values);
  };
  if (input.actor !== undefined) add("actor = ?", input.actor);
  if (input.provider !== undefined) add("provider = ?", input.provider);
  if (input.scope !== undefined) add("scope = ?", input.scope);
  if (input.certificate !== undefined)
    add("(certificate_id = ? OR created_id = ?)", input.certificate, input.certificate);
  if (input.since !== undefined) add("at >= ?", input.since);
  if (input.until !== undefined) add("at < ?", input.until);
  if (input.cursor !== undefined) {
    const [at, seq] = input.cursor.split(".").map(Number);
    add("(at, seq) < (?, ?)", at ?? 0, seq ?? 0);
  }
  const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
  bindings.push(input.limit + 1);
  return { sql: `SELECT ${COLUMNS} FROM audit ${clause} ORDER BY at DESC, seq DESC LIMIT ?`, bindings };
}

export class AuditLog extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applySchema(ctx.storage.sql, SCHEMA);
  }

  /** Adds records (all or none); values shaped like a secret are redacted, see the header. */
  async append(records: z.input<typeof AppendSchema>): Promise<AppendResult> {
    const parsed = parseInput(AppendSchema, records, "AuditLog.append");
    const sql = this.ctx.storage.sql;
    return this.ctx.storage.transactionSync(() => {
      let appended = 0;
      let redacted = 0;
      for (const record of parsed) {
        const safe = { ...record, outcome: { ...record.outcome } };
        for (const field of FREE_TEXT) {
          const value = safe[field];
          if (value !== null && looksLikeSecret(value)) {
            safe[field] = REDACTED;
            redacted++;
          }
        }
        for (const field of ["code", "upstream_request_id"] as const) {
          const value = safe.outcome[field];
          if (value !== null && looksLikeSecret(value)) {
            safe.outcome[field] = REDACTED;
            redacted++;
          }
        }
        appended += sql
          .exec(
            `INSERT INTO audit (id, at, actor, actor_via, action, method, door, provider, scope, certificate_id,
               created_id, status, code, upstream_request_id, request_id, idempotency_key)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING seq`,
            safe.id,
            safe.at,
            safe.actor,
            safe.actor_via,
            safe.action,
            safe.method,
            safe.door,
            safe.provider,
            safe.scope,
            safe.certificate_id,
            safe.created_id,
            safe.outcome.status,
            safe.outcome.code,
            safe.outcome.upstream_request_id,
            safe.request_id,
            safe.idempotency_key,
          )
          .toArray().length;
      }
      return { appended, redacted };
    });
  }

  /** One page, newest first; all filters combine (AND). */
  async query(input: AuditQuery): Promise<AuditPage> {
    const parsed = parseInput(AuditQuerySchema, input, "AuditLog.query");
    const { sql, bindings } = pageQuery(parsed);
    const rows = this.ctx.storage.sql.exec<AuditRow>(sql, ...bindings).toArray();
    const page = rows.slice(0, parsed.limit);
    const last = page.at(-1);
    return {
      records: page.map(recordOf),
      nextCursor: rows.length > parsed.limit && last ? `${last.at}.${last.seq}` : null,
    };
  }

  /** Deletes records older than `before` (the retention, from the cron); returns how many. */
  async prune(input: z.input<typeof PruneSchema>): Promise<number> {
    const { before } = parseInput(PruneSchema, input, "AuditLog.prune");
    const sql = this.ctx.storage.sql;
    return this.ctx.storage.transactionSync(() => {
      const count =
        firstRow<{ n: number }>(sql, "SELECT COUNT(*) AS n FROM audit WHERE at < ?", before)?.n ?? 0;
      if (count > 0) sql.exec("DELETE FROM audit WHERE at < ?", before);
      return count;
    });
  }
}

function recordOf(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    actor_via: AuditRecordSchema.shape.actor_via.parse(row.actor_via),
    action: row.action,
    method: row.method,
    door: row.door,
    provider: row.provider,
    scope: row.scope,
    certificate_id: row.certificate_id,
    created_id: row.created_id,
    outcome: { status: row.status, code: row.code, upstream_request_id: row.upstream_request_id },
    request_id: row.request_id,
    idempotency_key: row.idempotency_key,
  };
}
