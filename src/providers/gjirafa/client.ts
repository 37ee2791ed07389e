/**
 * Gjirafa CDN certificates over HTTP, nothing else (Gjirafa's API documentation,
 * https://docs.captain.gjirafa.tech/cdn/api/certificates):
 * `{apiBase}/api/{apiVersion}/projects/{projectId}/certificates[/import|/{id}|/{id}/validate]`.
 * Auth: `X-API-Key: <key>` or `Authorization: Bearer <key>` (GJIRAFA_AUTH_SCHEME).
 * Ids are int32 and project ids uuids: both are checked before a request is built.
 */
import * as z from "zod";
import { AppError } from "../../errors";
import { emptyNotes, mergeNotes } from "../../model/list-notes";
import type { UpstreamContext } from "../../upstream/context";
import { joinUrl, pathSegment } from "../../upstream/path";
import { type HttpMethod, upstreamRequest } from "../../upstream/request";
import { parseItems, upstreamNotes } from "../answers";
import type { ScopeList } from "../types";
import { gjirafaErrors } from "./errors";
import { CERTIFICATE_ID_RULE, parseCertificateIdText, UUID } from "./ids";
import type { CreateBody, ImportBody, ListQuery, UpdateBody } from "./requests";
import {
  CertificateEnvelope,
  CertificateListEnvelope,
  type CertificateListResponse,
  type CertificateResponse,
  type GjirafaCertificate,
  GjirafaCertificateSchema,
  gjirafaEnvelope,
} from "./schemas";
import type { GjirafaConnection } from "./settings";

/** Paging guard: never walk more than this many pages (the server chooses the page size). */
export const MAX_LIST_PAGES = 500;

/**
 * A write's answer as it came (any JSON the core accepted: 2xx, not `success: false`); the provider reads
 * it leniently (answers.ts) and the native door returns it unchanged.
 */
export type WriteBody = unknown;
const WriteEnvelope = z.unknown();
const DetailAnswerEnvelope = gjirafaEnvelope(z.unknown());

function gjirafaAuthHeaders(connection: GjirafaConnection): Record<string, string> {
  const auth = connection.auth;
  return auth.scheme === "bearer" ? { authorization: `Bearer ${auth.key}` } : { "x-api-key": auth.key };
}

function invalid(field: string, message: string): AppError {
  return new AppError("validation_failed", `Invalid ${field}`, {
    fields: [{ path: `path.${field}`, message }],
  });
}

/** An int32 certificate id as it appears in a path, by THE rule (ids.ts). */
function parseCertificateId(value: string): number {
  const id = parseCertificateIdText(value);
  if (id === null) throw invalid("id", CERTIFICATE_ID_RULE);
  return id;
}

function certificatesUrl(
  connection: GjirafaConnection,
  project: string,
  rest: string[] = [],
  query?: Record<string, string>,
) {
  if (!UUID.test(project)) throw invalid("project", "must be a project uuid");
  const segments = [
    "api",
    pathSegment(connection.apiVersion, "version"),
    "projects",
    project,
    "certificates",
  ];
  return joinUrl(connection.apiBase, [...segments, ...rest], query);
}

function idSegment(id: string): string {
  return String(parseCertificateId(id));
}

/** The client of one configuration: every call uses its base URL, API version and key. */
export function createGjirafaClient(connection: GjirafaConnection) {
  function call<S extends z.ZodType>(
    ctx: UpstreamContext,
    operation: string,
    method: HttpMethod,
    url: string,
    schema: S,
    body?: unknown,
  ) {
    return upstreamRequest(ctx, {
      dialect: gjirafaErrors,
      operation,
      method,
      url,
      headers: gjirafaAuthHeaders(connection),
      body,
      idempotent: method === "GET",
      schema,
    });
  }

  async function listCertificates(
    ctx: UpstreamContext,
    project: string,
    query: ListQuery = {},
  ): Promise<CertificateListResponse> {
    const q: Record<string, string> = {};
    if (query.pageIndex !== undefined) q.pageIndex = String(query.pageIndex);
    if (query.pageSize !== undefined) q.pageSize = String(query.pageSize);
    return call(ctx, "list", "GET", certificatesUrl(connection, project, [], q), CertificateListEnvelope);
  }

  /**
   * Every certificate of a project, whichever way the server counts its pages:
   * - the first request is the documented one, without paging parameters;
   * - while `resultInfo.hasNextPage` is true, the next request asks for `pageIndex` = the index the server
   *   reported + 1 (right for servers counting from 0 and from 1) and `pageSize` = the size it reported;
   * - the walk stops once `totalCount` items have been seen, at `totalPages` pages, or when no next page
   *   is announced.
   * A walk that cannot be complete is an upstream fault (`upstream_invalid_response`, so the cache serves
   * its last copy), never a silent partial list: a page other than the one asked for, a page of items
   * already seen, an empty page announcing another, or fewer items than `totalCount` at the end.
   * Items are read one by one: an unusable one is left out and reported in `notes` (it still counts
   * against `totalCount`).
   */
  async function listAllCertificates(
    ctx: UpstreamContext,
    project: string,
  ): Promise<ScopeList<GjirafaCertificate>> {
    const items: GjirafaCertificate[] = [];
    const seen = new Set<number>();
    let notes = emptyNotes();
    let counted = 0;
    let query: ListQuery = {};
    for (let pages = 1; pages <= MAX_LIST_PAGES; pages += 1) {
      const answer = await listCertificates(ctx, project, query);
      const info = answer.resultInfo ?? null;
      if (
        query.pageIndex !== undefined &&
        typeof info?.pageIndex === "number" &&
        info.pageIndex !== query.pageIndex
      ) {
        throw pagingFault(`answered page ${info.pageIndex} when asked for page ${query.pageIndex}`);
      }
      const parsed = parseItems(GjirafaCertificateSchema, answer.result);
      notes = mergeNotes(notes, {
        skipped: parsed.skipped,
        messages: upstreamNotes("Gjirafa", answer, ctx.secrets),
      });
      const fresh = parsed.items.filter((c) => !seen.has(c.id));
      if (pages > 1 && parsed.items.length > 0 && fresh.length === 0) throw pagingFault("repeated a page");
      for (const c of fresh) {
        seen.add(c.id);
        items.push(c);
      }
      counted += fresh.length + parsed.skipped.length;
      const total = typeof info?.totalCount === "number" ? info.totalCount : null;
      const totalPages = typeof info?.totalPages === "number" ? info.totalPages : null;
      if (total !== null && counted >= total) return { items, notes };
      const more = info?.hasNextPage === true && (totalPages === null || pages < totalPages);
      if (!more) {
        if (total !== null) {
          throw pagingFault(`ended its pages after ${counted} of the ${total} certificates it announced`);
        }
        return { items, notes };
      }
      if (answer.result.length === 0) throw pagingFault("announced another page after an empty one");
      const index = info?.pageIndex;
      if (typeof index !== "number" || !Number.isInteger(index) || index < 0) {
        throw pagingFault("announced another page without saying which page this one was");
      }
      const size = info?.pageSize;
      query = { pageIndex: index + 1 };
      if (typeof size === "number" && Number.isInteger(size) && size >= 1) query.pageSize = size;
    }
    throw pagingFault(`announced more than ${MAX_LIST_PAGES} pages`);
  }

  function pagingFault(what: string): AppError {
    return new AppError(
      "upstream_invalid_response",
      `Gjirafa ${what} while listing certificates: the list would be incomplete`,
      { provider: "gjirafa" },
    );
  }

  async function getCertificate(
    ctx: UpstreamContext,
    project: string,
    id: string,
  ): Promise<CertificateResponse> {
    return call(
      ctx,
      "get",
      "GET",
      certificatesUrl(connection, project, [idSegment(id)]),
      CertificateEnvelope,
    );
  }

  /** GET of one certificate whose `result` the caller reads itself (list enrichment: a detail it cannot use is not a failed list). */
  async function getCertificateAnswer(
    ctx: UpstreamContext,
    project: string,
    id: string,
  ): Promise<z.infer<typeof DetailAnswerEnvelope>> {
    return call(
      ctx,
      "get",
      "GET",
      certificatesUrl(connection, project, [idSegment(id)]),
      DetailAnswerEnvelope,
    );
  }

  async function createCertificate(
    ctx: UpstreamContext,
    project: string,
    body: CreateBody,
  ): Promise<WriteBody> {
    return call(ctx, "create", "POST", certificatesUrl(connection, project), WriteEnvelope, body);
  }

  /** The body holds a private key: the core never logs request bodies, and POST is never retried. */
  async function importCertificate(
    ctx: UpstreamContext,
    project: string,
    body: ImportBody,
  ): Promise<WriteBody> {
    return call(ctx, "import", "POST", certificatesUrl(connection, project, ["import"]), WriteEnvelope, body);
  }

  async function updateCertificate(
    ctx: UpstreamContext,
    project: string,
    id: string,
    body: UpdateBody,
  ): Promise<WriteBody> {
    const url = certificatesUrl(connection, project, [idSegment(id)]);
    return call(ctx, "update", "PUT", url, WriteEnvelope, body);
  }

  /** PUT .../{id}/validate: asks Gjirafa to check the DNS challenge. No request body. */
  async function validateCertificate(ctx: UpstreamContext, project: string, id: string): Promise<WriteBody> {
    const url = certificatesUrl(connection, project, [idSegment(id), "validate"]);
    return call(ctx, "validate", "PUT", url, WriteEnvelope);
  }

  async function deleteCertificate(ctx: UpstreamContext, project: string, id: string): Promise<WriteBody> {
    return call(
      ctx,
      "delete",
      "DELETE",
      certificatesUrl(connection, project, [idSegment(id)]),
      WriteEnvelope,
    );
  }

  return Object.freeze({
    listCertificates,
    listAllCertificates,
    getCertificate,
    getCertificateAnswer,
    createCertificate,
    importCertificate,
    updateCertificate,
    validateCertificate,
    deleteCertificate,
  });
}

export type GjirafaClient = ReturnType<typeof createGjirafaClient>;
