/**
 * Gjirafa CDN certificates over HTTP, nothing else (seed 004):
 * `{apiBase}/api/{apiVersion}/projects/{projectId}/certificates[/import|/{id}|/{id}/validate]`.
 * Auth: `X-API-Key: <key>` or `Authorization: Bearer <key>` (config.gjirafa.auth.scheme).
 * Ids are int32 and project ids uuids (seed 004): both are checked before a request is built.
 */
import type * as z from "zod";
import type { Config } from "../../config";
import { AppError } from "../../errors";
import { joinUrl, pathSegment } from "../../upstream/path";
import { type HttpMethod, upstreamRequest } from "../../upstream/request";
import type { UpstreamContext } from "../types";
import type { CreateBody, ImportBody, ListQuery, UpdateBody } from "./requests";
import {
  CertificateEnvelope,
  CertificateListEnvelope,
  type CertificateListResponse,
  type CertificateResponse,
  DeleteEnvelope,
  type DeleteResponse,
  type GjirafaCertificate,
  INT32_MAX,
} from "./schemas";

/** Certificates per page when listing everything (the paging parameters are undocumented). */
export const LIST_PAGE_SIZE = 100;
/** Paging guard: stop after `totalPages`, and never ask for more than this many pages. */
export const MAX_LIST_PAGES = 100;
/** The first page: resultInfo's `hasPreviousPage` is false on pageIndex 1. */
const FIRST_PAGE = 1;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function gjirafaAuthHeaders(config: Config): Record<string, string> {
  const auth = config.gjirafa.auth;
  if (auth === null) {
    throw new AppError("config_invalid", "Gjirafa credentials are not configured", {
      settings: [{ name: "UPSTREAM_GJIRAFA_KEY", message: "required for Gjirafa calls" }],
    });
  }
  return auth.scheme === "bearer" ? { authorization: `Bearer ${auth.key}` } : { "x-api-key": auth.key };
}

function invalid(field: string, message: string): AppError {
  return new AppError("validation_failed", `Invalid ${field}`, {
    fields: [{ path: `path.${field}`, message }],
  });
}

/** An int32 certificate id as it appears in a path (non-negative; seed 004 ids are identities). */
export function parseCertificateId(value: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) > INT32_MAX)
    throw invalid("id", "must be an int32 certificate id");
  return Number(value);
}

function certificatesUrl(
  config: Config,
  project: string,
  rest: string[] = [],
  query?: Record<string, string>,
) {
  const base = config.gjirafa.apiBase;
  if (base === null) {
    throw new AppError("config_invalid", "Gjirafa is not configured", {
      settings: [{ name: "GJIRAFA_API_BASE", message: "required for Gjirafa calls" }],
    });
  }
  if (!UUID.test(project)) throw invalid("project", "must be a project uuid");
  const segments = [
    "api",
    pathSegment(config.gjirafa.apiVersion, "version"),
    "projects",
    project,
    "certificates",
  ];
  return joinUrl(base, [...segments, ...rest], query);
}

function idSegment(id: string): string {
  return String(parseCertificateId(id));
}

function call<S extends z.ZodType>(
  ctx: UpstreamContext,
  operation: string,
  method: HttpMethod,
  url: string,
  schema: S,
  body?: unknown,
) {
  return upstreamRequest(ctx, {
    provider: "gjirafa",
    operation,
    method,
    url,
    headers: gjirafaAuthHeaders(ctx.config),
    body,
    idempotent: method === "GET",
    schema,
  });
}

export async function listCertificates(
  ctx: UpstreamContext,
  project: string,
  query: ListQuery = {},
): Promise<CertificateListResponse> {
  const q: Record<string, string> = {};
  if (query.pageIndex !== undefined) q.pageIndex = String(query.pageIndex);
  if (query.pageSize !== undefined) q.pageSize = String(query.pageSize);
  return call(ctx, "list", "GET", certificatesUrl(ctx.config, project, [], q), CertificateListEnvelope);
}

/**
 * Every certificate of a project: follows `resultInfo.hasNextPage`, asking for the page after the one
 * the answer says it is. Guards against a paging loop: stops at `totalPages` and after MAX_LIST_PAGES,
 * and a page that brings no new id (an upstream ignoring pageIndex) is an error, never a silent repeat.
 */
export async function listAllCertificates(
  ctx: UpstreamContext,
  project: string,
): Promise<GjirafaCertificate[]> {
  const all: GjirafaCertificate[] = [];
  const seen = new Set<number>();
  let pageIndex = FIRST_PAGE;
  for (let pages = 1; pages <= MAX_LIST_PAGES; pages += 1) {
    const answer = await listCertificates(ctx, project, { pageIndex, pageSize: LIST_PAGE_SIZE });
    const fresh = answer.result.filter((c) => !seen.has(c.id));
    if (answer.result.length > 0 && fresh.length === 0) throw pagingFault("repeated a page");
    for (const c of fresh) seen.add(c.id);
    all.push(...fresh);
    const info = answer.resultInfo;
    const current = typeof info?.pageIndex === "number" ? info.pageIndex : pageIndex;
    const totalPages = typeof info?.totalPages === "number" ? info.totalPages : null;
    if (info?.hasNextPage !== true || answer.result.length === 0) return all;
    if (totalPages !== null && current >= totalPages) return all;
    pageIndex = current + 1;
  }
  throw pagingFault(`announced more than ${MAX_LIST_PAGES} pages`);
}

function pagingFault(what: string): AppError {
  return new AppError("upstream_invalid_response", `Gjirafa ${what} while listing certificates`, {
    provider: "gjirafa",
  });
}

export async function getCertificate(
  ctx: UpstreamContext,
  project: string,
  id: string,
): Promise<CertificateResponse> {
  return call(ctx, "get", "GET", certificatesUrl(ctx.config, project, [idSegment(id)]), CertificateEnvelope);
}

export async function createCertificate(
  ctx: UpstreamContext,
  project: string,
  body: CreateBody,
): Promise<CertificateResponse> {
  return call(ctx, "create", "POST", certificatesUrl(ctx.config, project), CertificateEnvelope, body);
}

/** The body holds a private key: the core never logs request bodies, and POST is never retried. */
export async function importCertificate(
  ctx: UpstreamContext,
  project: string,
  body: ImportBody,
): Promise<CertificateResponse> {
  return call(
    ctx,
    "import",
    "POST",
    certificatesUrl(ctx.config, project, ["import"]),
    CertificateEnvelope,
    body,
  );
}

export async function updateCertificate(
  ctx: UpstreamContext,
  project: string,
  id: string,
  body: UpdateBody,
): Promise<CertificateResponse> {
  const url = certificatesUrl(ctx.config, project, [idSegment(id)]);
  return call(ctx, "update", "PUT", url, CertificateEnvelope, body);
}

/** PUT .../{id}/validate: asks Gjirafa to check the DNS challenge. No request body (seed 004). */
export async function validateCertificate(
  ctx: UpstreamContext,
  project: string,
  id: string,
): Promise<CertificateResponse> {
  const url = certificatesUrl(ctx.config, project, [idSegment(id), "validate"]);
  return call(ctx, "validate", "PUT", url, CertificateEnvelope);
}

export async function deleteCertificate(
  ctx: UpstreamContext,
  project: string,
  id: string,
): Promise<DeleteResponse> {
  return call(ctx, "delete", "DELETE", certificatesUrl(ctx.config, project, [idSegment(id)]), DeleteEnvelope);
}
