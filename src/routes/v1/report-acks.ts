/**
 * Acknowledging monitor problems: POST /v1/report/problems/{fingerprint}/ack mutes a problem until a
 * time, with a reason; DELETE on the same path ends the mute (src/monitor/acks.ts says what a mute does and
 * when it ends by itself). Permission `reports:ack` (or `admin`), and only on problems of the key's zones
 * and projects: the scope is read from the fingerprint and checked before anything is looked up, so a
 * 403 never tells whether a problem exists elsewhere.
 */
import type { Context } from "hono";
import * as z from "zod";
import { assertAllowed, currentPrincipal } from "../../auth/authorize";
import type { Config } from "../../config/load";
import type { AppEnv } from "../../context";
import { successBody } from "../../envelope";
import { AppError } from "../../errors";
import { type Route, route } from "../../http/route";
import { createLogger, type Logger } from "../../logger";
import type { AuditTarget } from "../../model/audit-notes";
import { type AckStore, ackStore, ackView, MAX_ACK_MS, type StoredAck } from "../../monitor/acks";
import { scopeOfFingerprint } from "../../monitor/problems";
import { AckSchema, loadReport, ReportedProblemSchema } from "../../monitor/report";

const ACK_PATH = "/v1/report/problems/:fingerprint/ack";

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters
const CONTROL = /[\u0000-\u001f\u007f]/;

const AckParams = z.object({
  fingerprint: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[a-z_]+:[\x21-\x7e]+$/, "must be a problem fingerprint (as GET /v1/report lists them)")
    .meta({ description: "The problem's fingerprint, as GET /v1/report lists it (URL-encoded or not)" }),
});

const AckBody = z
  .strictObject({
    until: z.iso
      .datetime({ offset: true, error: "must be an RFC 3339 date-time with a time zone (Z or ±hh:mm)" })
      .meta({ description: "The mute ends then (RFC 3339); at most 90 days ahead" }),
    reason: z
      .string({ error: "must be a string" })
      .trim()
      .min(1, { error: "must not be empty" })
      .max(500, { error: "at most 500 characters" })
      .refine((s) => !CONTROL.test(s), { error: "must not contain control characters" }),
  })
  .meta({ id: "AckProblem" });

const RemovedAckSchema = z
  .object({ fingerprint: z.string(), removed: AckSchema.nullable() })
  .meta({ id: "RemovedAck" });

/** The scope the fingerprint names, checked against the caller's grants (403 before any lookup). */
function scopeOf(
  config: Config,
  fingerprint: string,
): { provider: string; kind: "zone" | "project"; id: string } {
  const named = scopeOfFingerprint(fingerprint);
  const descriptor = config.providers.find((p) => p.descriptor.name === named?.provider)?.descriptor;
  if (!named || !descriptor) throw new AppError("not_found", "No open problem with this fingerprint");
  return { provider: named.provider, kind: descriptor.scopeKind, id: named.id };
}

/** The audit record's scope: the one the fingerprint names, when it names a configured provider. */
function auditScope(c: Context<AppEnv>, fingerprint: string): AuditTarget | undefined {
  try {
    return { scope: scopeOf(c.get("config"), fingerprint) };
  } catch {
    return undefined;
  }
}

function storeOf(config: Config): AckStore {
  const store = ackStore(config.monitor);
  if (!store) {
    throw new AppError("config_invalid", "Acknowledgements need the MONITOR_ACKS Durable Object binding");
  }
  return store;
}

/** Who did what is logged and audited (the `audit` field); the reason stays in the store only. */
function logger(c: Context<AppEnv>): Logger {
  return createLogger(c.get("deps"), c.get("config").secrets, { request_id: c.get("requestId") });
}

async function reach<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (cause) {
    throw new AppError("upstream_unavailable", `The ${what} is unavailable; try again`, {}, undefined, {
      cause,
    });
  }
}

export function reportAckRoutes(): Route[] {
  return [
    route({
      method: "POST",
      path: ACK_PATH,
      access: "reports:ack",
      audit: "report.ack",
      auditTarget: ({ params }, c) => auditScope(c, params.fingerprint),
      summary:
        "Acknowledge a monitor problem: it stays in the report with its ack and leaves the digests until `until`",
      params: AckParams,
      body: AckBody,
      result: ReportedProblemSchema,
      async handler({ params, body }, c) {
        const config = c.get("config");
        const deps = c.get("deps");
        const principal = currentPrincipal(c);
        const scope = scopeOf(config, params.fingerprint);
        assertAllowed(principal, scope);
        const now = deps.now();
        const until = Date.parse(body.until);
        if (until <= now || until > now + MAX_ACK_MS) {
          throw new AppError("validation_failed", "The acknowledgement's end is out of range", {
            fields: [{ path: "body.until", message: "must be in the future and at most 90 days ahead" }],
          });
        }
        const store = storeOf(config);
        const stored = await reach("report store (KV)", () => loadReport(config.state));
        const problem = stored?.latest.problems.find((p) => p.fingerprint === params.fingerprint);
        if (!problem) throw new AppError("not_found", "No open problem with this fingerprint");
        const ack: StoredAck = {
          fingerprint: problem.fingerprint,
          provider: scope.provider,
          scope_kind: scope.kind,
          scope_id: problem.scope.id,
          issued_certificate: problem.details.issued_certificate ?? null,
          severity: problem.severity,
          by: principal.name,
          reason: body.reason,
          until,
          at: now,
        };
        await reach("acknowledgement store (Durable Object MONITOR_ACKS)", () => store.put(now, ack));
        logger(c).log("info", "monitor_problem_acknowledged", {
          fingerprint: ack.fingerprint,
          by: ack.by,
          until: body.until,
        });
        return c.json(successBody({ ...problem, ack: ackView(ack) }), 200, { "Cache-Control": "no-store" });
      },
    }),
    route({
      method: "DELETE",
      path: ACK_PATH,
      access: "reports:ack",
      audit: "report.unack",
      auditTarget: ({ params }, c) => auditScope(c, params.fingerprint),
      summary: "Remove a problem's acknowledgement: it comes back into the digests",
      params: AckParams,
      result: RemovedAckSchema,
      async handler({ params }, c) {
        const config = c.get("config");
        const principal = currentPrincipal(c);
        assertAllowed(principal, scopeOf(config, params.fingerprint));
        const store = storeOf(config);
        const removed = await reach("acknowledgement store (Durable Object MONITOR_ACKS)", () =>
          store.remove(params.fingerprint),
        );
        if (removed) {
          logger(c).log("info", "monitor_problem_unacknowledged", {
            fingerprint: removed.fingerprint,
            by: principal.name,
          });
        }
        return c.json(
          successBody({ fingerprint: params.fingerprint, removed: removed ? ackView(removed) : null }),
          200,
          { "Cache-Control": "no-store" },
        );
      },
    }),
  ];
}
