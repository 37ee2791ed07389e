/**
 * The run report: what each run found, stored in STATE once per run together with a short history.
 *
 *   certgate:v1:monitor:report -> {"latest": Report, "history": RunSummary[] (newest first, 20)}
 *
 * GET /v1/report serves `latest` filtered to the caller's zones/projects (report-view.ts).
 */
import * as z from "zod";
import { ProviderNameSchema, ScopeSchema } from "../model/certificate";
import { SkippedItemSchema } from "../model/list-notes";
import { ALERT_CHANNELS } from "./lifetime/severity";
import { ProblemSchema, SeverityCountsSchema } from "./problems";

export const REPORT_KEY = "certgate:v1:monitor:report";
export const HISTORY_LIMIT = 20;

const iso = z.string();

export const ScopeReportSchema = z.object({
  provider: ProviderNameSchema,
  scope: ScopeSchema,
  /** What this run did with the scope. */
  outcome: z.enum(["checked", "failed", "skipped_budget", "skipped_rate_limited"]),
  /** Coverage: the last successful check (null: never). Counts and quota are from then. */
  last_checked_at: iso.nullable(),
  last_attempt_at: iso.nullable(),
  counts: z.record(z.string(), z.number()).meta({ description: "Certificates by normalized status" }),
  total: z.number(),
  quota: z
    .object({
      allocated: z.number(),
      used: z.number(),
      remaining: z.number().nullable(),
      percent: z.number().nullable(),
    })
    .nullable(),
  error: z.object({ code: z.string(), message: z.string(), retry_after: z.number().optional() }).nullable(),
  /** Upstream calls this run spent on the scope. */
  calls: z.number(),
  /**
   * Notifications this run queued about the scope (its share of `run.notifications`): what a caller
   * limited to some scopes is shown instead of the run-wide count. 0 in reports stored before it existed.
   */
  notifications: z.number().default(0),
  /**
   * Upstream items the last successful check could not use: left out of the counts, never a failed
   * scope. Absent in reports written before this field existed.
   */
  skipped: z
    .array(SkippedItemSchema)
    .optional()
    .meta({ description: "Upstream items the last check could not use (left out of the counts)" }),
  /** From MONITOR_POLICIES for the scope (else the default policy, else null); absent in older reports. */
  owner: z.string().nullable().default(null),
  runbook: z.string().nullable().default(null),
});
export type ScopeReport = z.infer<typeof ScopeReportSchema>;

/** An acknowledgement as the report shows it (POST /v1/report/problems/{fingerprint}/ack). */
export const AckSchema = z
  .object({
    /** The key name or Access identity that acknowledged. */
    by: z.string(),
    reason: z.string(),
    /** RFC 3339: the problem is muted until then. */
    until: iso,
    /** RFC 3339: when it was acknowledged. */
    at: iso,
  })
  .meta({ id: "ProblemAck" });
export type Ack = z.infer<typeof AckSchema>;

export const ReportedProblemSchema = ProblemSchema.extend({
  first_seen: iso,
  last_seen: iso,
  age_seconds: z.number(),
  /** Acknowledged and muted (out of the digests) until `ack.until`; null otherwise or in older reports. */
  ack: AckSchema.nullable().default(null),
}).meta({ id: "ReportedProblem" });
export type ReportedProblem = z.infer<typeof ReportedProblemSchema>;

export const RemediationAttemptSchema = z.object({
  certificate_id: z.string(),
  provider: ProviderNameSchema,
  scope: ScopeSchema,
  at: iso,
  outcome: z.enum(["restarted", "failed"]),
  provider_status: z.string().nullable(),
  error: z.string().nullable(),
});
export type RemediationAttempt = z.infer<typeof RemediationAttemptSchema>;

const ChannelReportSchema = z.object({
  channel: z.enum(ALERT_CHANNELS),
  configured: z.boolean(),
  delivered: z.boolean().nullable(),
  notifications: z.number(),
  pending: z.number(),
  error: z.string().nullable(),
});

export const HeartbeatReportSchema = z.object({
  url_configured: z.boolean(),
  ok: z.boolean().nullable(),
  status: z.number().nullable(),
});
export type HeartbeatReport = z.infer<typeof HeartbeatReportSchema>;

export const ReportSchema = z
  .object({
    run: z.object({
      id: z.string(),
      trigger: z.enum(["cron", "manual"]),
      started_at: iso,
      finished_at: iso,
      duration_ms: z.number(),
      /** Transitions (and remediation attempts) this run queued for the alert channels. */
      notifications: z.number(),
      subrequests: z.object({
        budget: z.number(),
        used: z.number(),
        upstream: z.number(),
        alerts: z.number(),
        remediation: z.number(),
        /** The heartbeat ping (0 or 1); absent in older reports. */
        heartbeat: z.number().default(0),
      }),
      /**
       * The heartbeat ping after the run (MONITOR_HEARTBEAT_URL, never shown): null when not configured
       * or in older reports; `ok`/`status` null when it was not sent (no budget left).
       */
      heartbeat: HeartbeatReportSchema.nullable().default(null),
    }),
    totals: z.object({
      scopes: z.number(),
      checked: z.number(),
      failed: z.number(),
      skipped: z.number(),
      certificates: z.number(),
      problems: SeverityCountsSchema,
    }),
    scopes: z.array(ScopeReportSchema),
    problems: z.array(ReportedProblemSchema),
    alerts: z.array(ChannelReportSchema),
    remediation: z.array(RemediationAttemptSchema),
  })
  .meta({ id: "MonitorReport" });
export type Report = z.infer<typeof ReportSchema>;

export const RunSummarySchema = z.object({
  id: z.string(),
  trigger: z.enum(["cron", "manual"]),
  started_at: iso,
  finished_at: iso,
  duration_ms: z.number(),
  scopes_checked: z.number(),
  scopes_failed: z.number(),
  scopes_skipped: z.number(),
  problems: SeverityCountsSchema,
  notifications: z.number(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

const StoredReportSchema = z.object({ latest: ReportSchema, history: z.array(RunSummarySchema) });
export type StoredReport = z.infer<typeof StoredReportSchema>;

export function summarize(report: Report): RunSummary {
  return {
    id: report.run.id,
    trigger: report.run.trigger,
    started_at: report.run.started_at,
    finished_at: report.run.finished_at,
    duration_ms: report.run.duration_ms,
    scopes_checked: report.totals.checked,
    scopes_failed: report.totals.failed,
    scopes_skipped: report.totals.skipped,
    problems: report.totals.problems,
    notifications: report.run.notifications,
  };
}

/** The stored report, or null when none (or an unreadable one: the next run replaces it). */
export async function loadReport(kv: KVNamespace): Promise<StoredReport | null> {
  const stored = await kv.get(REPORT_KEY, "json");
  if (stored === null) return null;
  const parsed = StoredReportSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/** One write: the new report and the history with it prepended. */
export async function saveReport(
  kv: KVNamespace,
  report: Report,
  previous: StoredReport | null,
): Promise<StoredReport> {
  const history = [summarize(report), ...(previous?.history ?? [])].slice(0, HISTORY_LIMIT);
  const stored: StoredReport = { latest: report, history };
  await kv.put(REPORT_KEY, JSON.stringify(stored));
  return stored;
}
