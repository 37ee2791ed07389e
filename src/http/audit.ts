/**
 * The audit hook (docs/writes.md "The audit log"). A route declares `audit: "<action>"` and the router
 * mounts `auditHook` in front of its permission check (mount.ts): every call that got past
 * authentication is recorded once its answer is known, refused or not (403, 409, 422, 429 ... and every
 * success), with what the service noted on the way (model/audit-notes.ts): no handler writes audit code.
 *
 * A 401 happens before any route runs (the authenticator refuses it), so `auditRefusedCredentials` sits
 * in front of the authenticator and records a 401 to an audited route. It must not let a flood of
 * anonymous requests write a row each: within one minute, all 401s to one action through one door by
 * one kind of presented credential are one record (the first one's request id), whose id is derived
 * from those facts, so the AuditLog's idempotent append keeps one row however many isolates send it,
 * and each isolate sends each such record once. At most (audited routes x 3 credential kinds) rows per
 * minute, whatever the request rate; the request log still has one line per request.
 *
 * Records are appended after the answer (waitUntil when the platform gives one): a failed append never
 * fails the write it describes, and is logged with the whole record (service/audit.ts).
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { ACCESS_COOKIE } from "../auth/authenticate";
import type { AppEnv } from "../context";
import { sha256Hex } from "../durable/digest";
import { toAppError } from "../middleware/on-error";
import { newAuditNotes } from "../model/audit-notes";
import { type AuditRecord, appendAudit } from "../service/audit";
import type { Route } from "./route";
import { executionWaitUntil } from "./service-context";

/** One minute: the window in which 401s to one action are one record. */
export const REFUSED_CREDENTIALS_WINDOW_MS = 60_000;

/** The answer was replayed from the Idempotency-Key store: no upstream call was made. */
export const REPLAY_CODE = "idempotent_replay";

/** Which API a request came through: "v1" for certgate's own, else the native door's provider. */
function doorOf(c: Context<AppEnv>): string {
  const family = c.get("envelopeFamily")?.name ?? "certgate";
  return family === "certgate" ? "v1" : family;
}

/** After the answer, without delaying it when the platform can wait for us. */
async function record(c: Context<AppEnv>, audit: AuditRecord): Promise<void> {
  const config = c.get("config");
  const done = appendAudit(c.get("deps"), config, [audit]);
  const waitUntil = executionWaitUntil(c);
  if (waitUntil) waitUntil(done);
  else await done;
}

/** Mounted in front of an audited route's permission check. */
export function auditHook(action: string): MiddlewareHandler<AppEnv> {
  return async function auditMiddleware(c, next) {
    const notes = newAuditNotes();
    c.set("auditNotes", notes);
    await next();
    const principal = c.get("principal");
    const replayed = c.get("idempotentReplay") === true;
    const code = replayed ? REPLAY_CODE : c.error ? toAppError(c.error).code : null;
    await record(c, {
      id: crypto.randomUUID(),
      at: c.get("deps").now(),
      actor: principal?.name ?? "anonymous",
      actor_via: principal?.via ?? "none",
      action,
      method: c.req.method,
      door: doorOf(c),
      provider: notes.provider,
      scope: notes.scope,
      certificate_id: notes.certificate_id,
      created_id: notes.created_id,
      outcome: {
        status: c.res.status,
        code,
        // A replay made no upstream call: the id noted is none.
        upstream_request_id: replayed ? null : notes.upstream_request_id,
      },
      request_id: c.get("requestId") ?? null,
      idempotency_key: c.get("idempotencyKey") ?? null,
    });
  };
}

/** What credential a refused request presented (never its value). */
function presented(c: Context<AppEnv>): AuditRecord["actor_via"] {
  if (c.req.header("authorization") !== undefined || c.req.header("x-api-key") !== undefined)
    return "api_key";
  if (c.req.header("cf-access-jwt-assertion") !== undefined || getCookie(c, ACCESS_COOKIE) !== undefined)
    return "access";
  return "none";
}

/** A route's path pattern as a RegExp (`:param` matches one segment). */
function patternOf(path: string): RegExp {
  const source = path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}/?$`);
}

/**
 * In front of the authenticator: records a 401 to an audited route, at most once per minute per
 * (action, door, method, credential kind) — see the header. `sent` is this app's (one per isolate).
 */
export function auditRefusedCredentials(routes: readonly Route[]): MiddlewareHandler<AppEnv> {
  const audited = routes.flatMap((r) =>
    r.audit !== undefined && r.method !== "ALL"
      ? [{ method: r.method, pattern: patternOf(r.path), action: r.audit }]
      : [],
  );
  const sent = new Map<string, number>();
  return async function refusedCredentialsMiddleware(c, next) {
    await next();
    if (c.res.status !== 401) return;
    const match = audited.find((a) => a.method === c.req.method && a.pattern.test(c.req.path));
    if (!match) return;
    const now = c.get("deps").now();
    const window = Math.floor(now / REFUSED_CREDENTIALS_WINDOW_MS);
    for (const [id, at] of sent) if (at !== window) sent.delete(id);
    const via = presented(c);
    const door = doorOf(c);
    const digest = await sha256Hex(JSON.stringify([match.action, door, c.req.method, via]));
    const id = `u401-${window}-${digest.slice(0, 24)}`;
    if (sent.has(id)) return;
    sent.set(id, window);
    await record(c, {
      id,
      at: now,
      actor: "anonymous",
      actor_via: via,
      action: match.action,
      method: c.req.method,
      door,
      // Nothing the request names is trusted before authentication: no scope, no certificate.
      provider: null,
      scope: null,
      certificate_id: null,
      created_id: null,
      outcome: { status: 401, code: "unauthorized", upstream_request_id: null },
      request_id: c.get("requestId") ?? null,
      idempotency_key: null,
    });
  };
}
