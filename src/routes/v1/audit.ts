/**
 * GET /v1/audit (admin): the audit log, newest first, filtered by actor, provider, scope, certificate and
 * time, paged by cursor (`result_info.next_cursor`, and a `Link: rel="next"`); with
 * `Accept: application/x-ndjson`, every matching record as one JSON line each (an export, streamed a
 * page at a time). Thin: validate, read, shape. docs/writes.md "The audit log".
 */
import * as z from "zod";
import { MAX_QUERY_LIMIT } from "../../durable/audit-log";
import { successBody } from "../../envelope";
import { type Route, route } from "../../http/route";
import { type AuditFilters, type AuditRecord, exportAudit, queryAudit } from "../../service/audit";

const Text = z.string().min(1).max(256);
const Instant = z.iso
  .datetime({ offset: true })
  .transform((s) => Date.parse(s))
  .meta({ description: "RFC 3339 date-time" });

const AuditQuerySchema = z
  .strictObject({
    actor: Text.optional().meta({ description: "A key's name or an Access identity; anonymous for 401s" }),
    provider: Text.optional(),
    scope: Text.transform((s) => s.toLowerCase())
      .optional()
      .meta({ description: "A zone id or project uuid" }),
    certificate: Text.optional().meta({
      description: "A unified certificate id ({provider}:{scope}:{id}): acted on or created",
    }),
    since: Instant.optional().meta({ description: "From (inclusive), RFC 3339" }),
    until: Instant.optional().meta({ description: "Before (exclusive), RFC 3339" }),
    per_page: z.coerce.number().int().min(1).max(MAX_QUERY_LIMIT).default(100),
    cursor: z
      .string()
      .regex(/^\d{1,16}\.\d{1,16}$/, "a cursor from result_info.next_cursor")
      .optional(),
  })
  .meta({ id: "AuditQuery" });

const AuditRecordViewSchema = z
  .object({
    id: z.string(),
    at: z.string().meta({ description: "RFC 3339" }),
    actor: z.string(),
    actor_via: z.enum(["api_key", "access", "none"]),
    action: z.string().meta({ description: 'What was done: "certificate.create", "monitor.run", ...' }),
    method: z.string(),
    door: z.string().meta({ description: '"v1", a native door (its provider\'s name), or "workflow"' }),
    provider: z.string().nullable(),
    scope: z.string().nullable(),
    certificate_id: z.string().nullable(),
    created_id: z.string().nullable(),
    outcome: z.object({
      status: z.number().int(),
      code: z.string().nullable(),
      upstream_request_id: z.string().nullable(),
    }),
    request_id: z.string().nullable(),
    idempotency_key: z.string().nullable(),
  })
  .meta({ id: "AuditRecord" });

function view(record: AuditRecord) {
  return { ...record, at: new Date(record.at).toISOString() };
}

function wantsNdjson(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*application\/x-ndjson\b/i.test(accept);
}

export function auditRoutes(): Route[] {
  return [
    route({
      method: "GET",
      path: "/v1/audit",
      access: "admin",
      summary:
        "The audit log: every write, refused write and manual monitor run (Accept: application/x-ndjson exports)",
      query: AuditQuerySchema,
      result: z.array(AuditRecordViewSchema),
      async handler({ query }, c) {
        const config = c.get("config");
        const { per_page, cursor, ...rest } = query;
        const filters: AuditFilters = rest;
        const headers = { "Cache-Control": "no-store" };
        if (wantsNdjson(c.req.header("accept"))) {
          const encoder = new TextEncoder();
          const pages = exportAudit(config, filters, cursor);
          const body = new ReadableStream<Uint8Array>({
            async pull(controller) {
              const next = await pages.next();
              if (next.done) return controller.close();
              controller.enqueue(
                encoder.encode(next.value.map((r) => `${JSON.stringify(view(r))}\n`).join("")),
              );
            },
          });
          return new Response(body, {
            status: 200,
            headers: { ...headers, "Content-Type": "application/x-ndjson; charset=utf-8" },
          });
        }
        const page = await queryAudit(config, { ...filters, limit: per_page, cursor });
        if (page.nextCursor !== null) {
          const next = new URL(c.req.url);
          next.searchParams.set("cursor", page.nextCursor);
          c.header("Link", `<${next.pathname}${next.search}>; rel="next"`);
        }
        return c.json(
          {
            ...successBody(page.records.map(view)),
            result_info: { per_page, count: page.records.length, next_cursor: page.nextCursor },
          },
          200,
          headers,
        );
      },
    }),
  ];
}
