/**
 * The unified API's operations, as data: each names the zod schemas its route validates with and
 * the scope it needs. /openapi.json is generated from this table, so the document cannot drift
 * from what the routes enforce.
 */
import * as z from "zod";
import type { Scope } from "../config";
import { CertificateSchema, QuotaSchema } from "../model/certificate";
import { ReportSchema as MonitorReportSchema } from "../monitor/report";
import {
  CertificatePathSchema,
  CreateBodySchema,
  GetQuerySchema,
  ImportBodySchema,
  ListQuerySchema,
  QuotaQuerySchema,
  UpdateBodySchema,
} from "./schemas";

export interface Operation {
  method: "get" | "post" | "patch" | "delete";
  /** OpenAPI path form (`{id}`). */
  path: string;
  summary: string;
  scope: Scope;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  result: z.ZodType;
  list?: boolean;
  cached?: boolean;
}

const DeleteResultSchema = z.object({ id: z.string(), already_deleted: z.boolean() });
/**
 * A write the upstream accepted always answers 200. When its answer cannot be read in full, `result`
 * holds what could be read (null when not even the id) and `messages` says so: list to see the result.
 */
const WriteResultSchema = CertificateSchema.nullable().meta({
  description:
    "The certificate as the upstream answered; null when the upstream accepted the write but its answer named no readable certificate (see messages)",
});
/** What GET /v1/report answers (monitor/report-view.ts): the stored report, filtered, plus staleness. */
const ReportViewSchema = MonitorReportSchema.extend({
  run: MonitorReportSchema.shape.run.nullable(),
  stale: z.boolean().meta({ description: "The last run finished more than two intervals ago" }),
  stale_after: z.string().nullable(),
  history: z.array(z.object({ id: z.string(), started_at: z.string(), finished_at: z.string() }).loose()),
}).meta({ id: "Report" });

export const OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/v1/certificates",
    summary: "List certificates across every zone and project the key may see",
    scope: "certificates:read",
    query: ListQuerySchema,
    result: z.array(CertificateSchema),
    list: true,
    cached: true,
  },
  {
    method: "post",
    path: "/v1/certificates",
    summary: "Order (Cloudflare) or create (Gjirafa) a certificate",
    scope: "certificates:write",
    body: CreateBodySchema,
    result: WriteResultSchema,
  },
  {
    method: "post",
    path: "/v1/certificates/import",
    summary: "Import a PEM certificate and key (Gjirafa)",
    scope: "certificates:write",
    body: ImportBodySchema,
    result: WriteResultSchema,
  },
  {
    method: "get",
    path: "/v1/certificates/{id}",
    summary: "Get one certificate",
    scope: "certificates:read",
    params: CertificatePathSchema,
    query: GetQuerySchema,
    result: CertificateSchema,
  },
  {
    method: "patch",
    path: "/v1/certificates/{id}",
    summary: "Update: Cloudflare branding or Gjirafa scope",
    scope: "certificates:write",
    params: CertificatePathSchema,
    body: UpdateBodySchema,
    result: WriteResultSchema,
  },
  {
    method: "delete",
    path: "/v1/certificates/{id}",
    summary: "Delete (idempotent)",
    scope: "certificates:write",
    params: CertificatePathSchema,
    result: DeleteResultSchema,
  },
  {
    method: "post",
    path: "/v1/certificates/{id}/validate",
    summary: "Restart validation (Cloudflare, from validation_timed_out) or validate (Gjirafa)",
    scope: "certificates:write",
    params: CertificatePathSchema,
    result: WriteResultSchema,
  },
  {
    method: "get",
    path: "/v1/quotas",
    summary: "Certificate quotas per zone and project",
    scope: "certificates:read",
    query: QuotaQuerySchema,
    result: z.array(QuotaSchema),
    list: true,
    cached: true,
  },
  {
    method: "get",
    path: "/v1/report",
    summary: "The monitor's latest report, filtered to what the key may see",
    scope: "reports:read",
    result: ReportViewSchema,
  },
  {
    method: "post",
    path: "/v1/report/run",
    summary: "Run the monitor now",
    scope: "admin",
    result: ReportViewSchema,
  },
];
