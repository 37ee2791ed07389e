/**
 * The monitor's stored report as the read-only views (/metrics, /status) read it: the latest run, with
 * the fields the monitor adds for on-call (each problem's `owner`, `runbook` and `ack`, each scope's
 * `owner` and `runbook`) read when present and absent in reports stored before they existed.
 *
 * One reader per isolate per STATE namespace: it keeps the text it last read and what it parsed to, so a
 * view re-parses the report only when the monitor wrote a new one, and a caller may reuse a read younger
 * than `maxAgeMs` without asking KV at all (a 15 s scrape costs no KV read most of the time).
 */
import * as z from "zod";
import { REPORT_KEY, ReportedProblemSchema, ReportSchema, ScopeReportSchema } from "../monitor/report";

export const AckSchema = z.object({
  by: z.string(),
  reason: z.string(),
  /** RFC 3339. */
  until: z.string(),
  at: z.string(),
});
export type Ack = z.infer<typeof AckSchema>;

const onCall = {
  owner: z.string().nullable().optional(),
  runbook: z.string().nullable().optional(),
};

export const ViewProblemSchema = ReportedProblemSchema.extend({
  ...onCall,
  ack: AckSchema.nullable().optional(),
});
export type ViewProblem = z.infer<typeof ViewProblemSchema>;

export const ViewScopeSchema = ScopeReportSchema.extend(onCall);
export type ViewScopeReport = z.infer<typeof ViewScopeSchema>;

export const ViewReportSchema = ReportSchema.extend({
  problems: z.array(ViewProblemSchema),
  scopes: z.array(ViewScopeSchema),
});
export type ViewReport = z.infer<typeof ViewReportSchema>;

const StoredSchema = z.object({ latest: ViewReportSchema });

interface Remembered {
  text: string | null;
  report: ViewReport | null;
  /** When KV was last read (epoch ms). */
  readAt: number;
}

export interface ReportReader {
  /**
   * The latest report (null: none yet, or one this version cannot read). Reads KV unless this isolate
   * read it less than `maxAgeMs` ago. A KV failure throws.
   */
  latest(kv: KVNamespace, now: number, maxAgeMs: number): Promise<ViewReport | null>;
}

export function parseStoredReport(text: string): ViewReport | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = StoredSchema.safeParse(data);
  return parsed.success ? parsed.data.latest : null;
}

export function createReportReader(): ReportReader {
  const remembered = new WeakMap<KVNamespace, Remembered>();
  return {
    async latest(kv, now, maxAgeMs) {
      const known = remembered.get(kv);
      if (known && now - known.readAt < maxAgeMs && now >= known.readAt) return known.report;
      const text = await kv.get(REPORT_KEY, "text");
      const report =
        known && known.text === text ? known.report : text === null ? null : parseStoredReport(text);
      remembered.set(kv, { text, report, readAt: now });
      return report;
    },
  };
}
