/**
 * The audit log's use cases over the AuditLog Durable Object (src/durable/audit-log.ts, one object):
 * appending what the audit hook (http/audit.ts) and the rotation Workflow record, the admin's query and
 * export, and the retention prune the cron runs.
 *
 * Appends never fail a request: the write they describe has already happened. An append that fails is
 * logged with the whole record (records hold certgate's own words, never a secret), so the log is the
 * fallback copy of what the object missed.
 */
import type { Config } from "../config/load";
import type { Deps } from "../deps";
import {
  AUDIT_LOG_NAME,
  type AuditPage,
  type AuditQuery,
  type AuditRecord,
  MAX_QUERY_LIMIT,
} from "../durable/audit-log";
import { createLogger } from "../logger";

export type { AuditPage, AuditRecord } from "../durable/audit-log";

const DAY_MS = 24 * 60 * 60_000;

/** The filters of a query or an export (AuditLog.query's, without paging). */
export type AuditFilters = Omit<AuditQuery, "limit" | "cursor">;

function auditLog(config: Pick<Config, "audit">) {
  const namespace = config.audit.log;
  return namespace.get(namespace.idFromName(AUDIT_LOG_NAME));
}

export async function appendAudit(
  deps: Deps,
  config: Pick<Config, "audit" | "secrets">,
  records: AuditRecord[],
): Promise<void> {
  if (records.length === 0) return;
  try {
    const result = await auditLog(config).append(records);
    if (result.redacted > 0) {
      // A value shaped like a secret reached a record: certgate's own words never should. Investigate.
      createLogger(deps, config.secrets).log("warn", "audit_value_redacted", {
        ids: records.map((r) => r.id),
        redacted: result.redacted,
      });
    }
  } catch (error) {
    createLogger(deps, config.secrets).log("error", "audit_append_failed", {
      error: error instanceof Error ? error.message : String(error),
      records,
    });
  }
}

/** One page, newest first. */
export function queryAudit(config: Pick<Config, "audit">, query: AuditQuery): Promise<AuditPage> {
  return auditLog(config).query(query);
}

/** Every record matching the filters, newest first, a page of MAX_QUERY_LIMIT at a time. */
export async function* exportAudit(
  config: Pick<Config, "audit">,
  filters: AuditFilters,
  startCursor?: string,
): AsyncGenerator<AuditRecord[]> {
  let cursor = startCursor;
  for (;;) {
    const page = await auditLog(config).query({
      ...filters,
      limit: MAX_QUERY_LIMIT,
      ...(cursor === undefined ? {} : { cursor }),
    });
    if (page.records.length > 0) yield page.records;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

/** Deletes records older than AUDIT_RETENTION_DAYS (the cron); returns how many. */
export async function pruneAudit(deps: Deps, config: Pick<Config, "audit" | "secrets">): Promise<number> {
  const before = deps.now() - config.audit.retentionDays * DAY_MS;
  const pruned = await auditLog(config).prune({ before: Math.max(0, before) });
  createLogger(deps, config.secrets).log("info", "audit_pruned", {
    before: new Date(Math.max(0, before)).toISOString(),
    pruned,
  });
  return pruned;
}
