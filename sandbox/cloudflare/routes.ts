/**
 * Request handling for the six certificate-pack operations (seed 000). The path is matched on its suffix
 * `/zones/{zone_id}/ssl/certificate_packs[/order|/quota|/{id}]`, so the simulator answers under
 * `/client/v4` (the real base), under any other prefix, or at the root.
 * Order of checks: route -> method -> identifier shape -> credentials -> zone -> operation.
 */

import { isRecord, parseJson } from "../http";
import { CLOUDFLARE_ID } from "../ids";
import { authenticate, type CloudflareCredential } from "./auth";
import { CF_CODES, cfError, cfErrors, cfSuccess, rateLimitMessage } from "./errors";
import { markDeleted, restartValidation } from "./lifecycle";
import { DELETING_STATUSES, type Pack, type Timings, type Zone } from "./model";
import { type Order, validateOrder } from "./order";
import type { RateLimiter, RateLimitOptions } from "./rate-limit";
import { renderPackAs, type WireShape } from "./render";
import { findPack, quotaOf, refreshZone } from "./zones";

export interface CloudflareState {
  zones: Map<string, Zone>;
  credentials: readonly CloudflareCredential[];
  timings: Timings;
  now: () => number;
  /** Older responses lack `result_info.total_pages` (domain.md): clients must stop on a short page. */
  legacyResultInfo: boolean;
  /** How packs are rendered (render.ts WireShape). */
  shape: WireShape;
  /** Successes carry non-empty `errors` and `messages` (errors.ts SUCCESS_NOTE). */
  successNotes: boolean;
  /** Per-credential rate limit; null when off. */
  rateLimiter: RateLimiter | null;
  rateLimit: RateLimitOptions | null;
  /** Creates a pack from a validated order (owned by the simulator, which knows ids and the clock). */
  createPack: (zone: Zone, order: Order) => Pack;
}

const ROUTE = /\/zones\/([^/]*)\/ssl\/certificate_packs(?:\/([^/]+))?\/?$/;

type Operation = "list" | "order" | "quota" | "get" | "patch" | "delete";

function operationOf(method: string, sub: string | undefined): Operation | "method_not_allowed" {
  if (sub === undefined) return method === "GET" ? "list" : "method_not_allowed";
  if (sub === "order") return method === "POST" ? "order" : "method_not_allowed";
  if (sub === "quota") return method === "GET" ? "quota" : "method_not_allowed";
  if (method === "GET") return "get";
  if (method === "PATCH") return "patch";
  if (method === "DELETE") return "delete";
  return "method_not_allowed";
}

function couldNotRoute(path: string): Response {
  return cfError(
    400,
    CF_CODES.noRoute,
    `Could not route to ${path}, perhaps your object identifier is invalid?`,
  );
}

function parseIntParam(value: string | null, fallback: number): number | null {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : null;
}

function listPacks(state: CloudflareState, zone: Zone, url: URL): Response {
  const q = url.searchParams;
  const page = parseIntParam(q.get("page"), 1);
  const perPage = parseIntParam(q.get("per_page"), 20);
  const status = q.get("status");
  const deploy = q.get("deploy");
  // Query rules of the published schema: page >= 1, per_page 5..50, status only "all", deploy staging|production.
  if (page === null || page < 1) return cfError(400, CF_CODES.invalidRequest, "page must be an integer >= 1");
  if (perPage === null || perPage < 5 || perPage > 50) {
    return cfError(400, CF_CODES.invalidRequest, "per_page must be an integer between 5 and 50");
  }
  if (status !== null && status !== "all")
    return cfError(400, CF_CODES.invalidRequest, 'status must be "all"');
  if (deploy !== null && deploy !== "staging" && deploy !== "production") {
    return cfError(400, CF_CODES.invalidRequest, "deploy must be staging or production");
  }
  const packs = refreshZone(zone, state.now(), state.timings).filter(
    (p) => status === "all" || p.status === "active",
  );
  const slice = packs.slice((page - 1) * perPage, page * perPage);
  const info: Record<string, number> = {
    page,
    per_page: perPage,
    count: slice.length,
    total_count: packs.length,
  };
  if (!state.legacyResultInfo) info.total_pages = Math.ceil(packs.length / perPage);
  return cfSuccess(
    slice.map((p) => renderPackAs(p, state.shape, "read")),
    info,
    state.successNotes,
  );
}

function orderPack(state: CloudflareState, zone: Zone, bodyText: string): Response {
  const parsed = parseJson(bodyText);
  if (!parsed.ok) return cfError(400, CF_CODES.invalidRequest, "Request body is not valid JSON");
  const result = validateOrder(parsed.value, zone.name);
  if (!result.ok) return cfErrors(400, result.errors);
  const quota = quotaOf(zone, state.now(), state.timings);
  if (quota.used >= quota.allocated) {
    return cfError(
      400,
      CF_CODES.quotaExceeded,
      `Advanced certificate pack quota exceeded: ${quota.used} of ${quota.allocated} used. Delete a pack or raise the quota.`,
    );
  }
  return written(state, state.createPack(zone, result.order));
}

function patchPack(state: CloudflareState, pack: Pack, bodyText: string): Response {
  const parsed = parseJson(bodyText);
  const body = parsed.ok ? (parsed.value ?? {}) : undefined;
  if (!isRecord(body)) return cfError(400, CF_CODES.invalidRequest, "Request body must be a JSON object");
  if (pack.type !== "advanced") {
    return cfError(400, CF_CODES.notAdvanced, "Only advanced certificate packs can be updated");
  }
  if (DELETING_STATUSES.includes(pack.status)) {
    return cfError(400, CF_CODES.badResponseCertificateService, "Bad response certificate service");
  }
  if (body.cloudflare_branding !== undefined) {
    if (typeof body.cloudflare_branding !== "boolean") {
      return cfError(400, CF_CODES.invalidBranding, "cloudflare_branding must be a boolean");
    }
    pack.cloudflareBranding = body.cloudflare_branding;
    return written(state, pack);
  }
  // Seed 002: restarting validation is "only a validation operation for a Certificate Pack in a validation_timed_out status".
  if (pack.status !== "validation_timed_out") {
    return cfError(
      400,
      CF_CODES.restartNotAllowed,
      `Validation can only be restarted for a certificate pack in validation_timed_out status (current status: ${pack.status})`,
    );
  }
  restartValidation(pack, state.now(), state.timings);
  return written(state, pack);
}

/** The answer of a write that returns the pack (order, restart, branding). */
function written(state: CloudflareState, pack: Pack): Response {
  return cfSuccess(renderPackAs(pack, state.shape, "write"), undefined, state.successNotes);
}

function deletePack(state: CloudflareState, pack: Pack): Response {
  if (DELETING_STATUSES.includes(pack.status)) {
    // domain.md: deleting a pack that is mid-deletion answers 1406 "Bad response certificate service".
    return cfError(400, CF_CODES.badResponseCertificateService, "Bad response certificate service");
  }
  if (pack.type !== "advanced") {
    return cfError(400, CF_CODES.notAdvanced, "Only advanced certificate packs can be deleted");
  }
  markDeleted(pack, state.now());
  return cfSuccess({ id: pack.id }, undefined, state.successNotes);
}

export function handleCloudflare(
  state: CloudflareState,
  request: Request,
  url: URL,
  bodyText: string,
): Response {
  const match = ROUTE.exec(url.pathname);
  if (match === null) return cfError(404, CF_CODES.noRoute, "No route for the URI");
  const zoneId = match[1] ?? "";
  const sub = match[2];
  const method = request.method.toUpperCase();
  const operation = operationOf(method, sub);
  if (operation === "method_not_allowed") {
    return cfError(405, CF_CODES.methodNotAllowed, `Method ${method} not available for that URI.`);
  }
  if (!CLOUDFLARE_ID.test(zoneId)) return couldNotRoute(url.pathname);
  const packId = operation === "get" || operation === "patch" || operation === "delete" ? (sub ?? "") : "";
  if (packId !== "" && !CLOUDFLARE_ID.test(packId)) return couldNotRoute(url.pathname);

  const auth = authenticate(request.headers, state.credentials, zoneId, isWrite(operation));
  if (!auth.ok) return cfErrors(auth.status, auth.errors);
  const call: Call = { operation, zoneId, packId, url, bodyText };
  if (state.rateLimiter === null || state.rateLimit === null) return operate(state, call);

  const caller = request.headers.get("authorization") ?? request.headers.get("x-auth-email") ?? "";
  const decision = state.rateLimiter.check(caller);
  const seconds = Math.round(state.rateLimit.windowMs / 1000);
  const response = decision.allowed
    ? operate(state, call)
    : cfError(429, CF_CODES.rateLimited, rateLimitMessage(state.rateLimit.requests, seconds));
  for (const [name, value] of Object.entries(decision.headers)) response.headers.set(name, value);
  return response;
}

interface Call {
  operation: Operation;
  zoneId: string;
  packId: string;
  url: URL;
  bodyText: string;
}

function isWrite(operation: Operation): boolean {
  return operation === "order" || operation === "patch" || operation === "delete";
}

function operate(state: CloudflareState, call: Call): Response {
  const zone = state.zones.get(call.zoneId);
  if (zone === undefined) return cfError(404, CF_CODES.invalidZone, "Invalid zone identifier");
  if (isWrite(call.operation) && !zone.acm) {
    return cfError(
      403,
      CF_CODES.acmRequired,
      "Advanced Certificate Manager is required for this operation: the zone does not have it enabled",
    );
  }
  switch (call.operation) {
    case "list":
      return listPacks(state, zone, call.url);
    case "order":
      return orderPack(state, zone, call.bodyText);
    case "quota":
      return cfSuccess(
        { advanced: quotaOf(zone, state.now(), state.timings) },
        undefined,
        state.successNotes,
      );
  }
  const pack = findPack(zone, call.packId, state.now(), state.timings);
  if (pack === undefined) return cfError(404, CF_CODES.packNotFound, "Certificate pack not found");
  switch (call.operation) {
    case "get":
      return cfSuccess(renderPackAs(pack, state.shape, "read"), undefined, state.successNotes);
    case "patch":
      return patchPack(state, pack, call.bodyText);
    case "delete":
      return deletePack(state, pack);
  }
}
