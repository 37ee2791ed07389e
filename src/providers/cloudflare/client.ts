/**
 * Cloudflare certificate packs over HTTP, nothing else: URLs, auth headers, paging. Every call goes
 * through the upstream core (deadline, retries for GET only, error table, zod on the answer).
 * Base URL: CLOUDFLARE_API_BASE (the sandbox simulator in tests and `npm start`).
 * API reference: https://developers.cloudflare.com/api/resources/ssl/subresources/certificate_packs/
 */
import * as z from "zod";
import { AppError } from "../../errors";
import { emptyNotes, mergeNotes } from "../../model/list-notes";
import type { UpstreamContext } from "../../upstream/context";
import { joinUrl, pathSegment } from "../../upstream/path";
import { type HttpMethod, upstreamRequest } from "../../upstream/request";
import { parseItems, upstreamNotes } from "../answers";
import type { DeployView, ScopeList } from "../types";
import { cloudflareErrors } from "./errors";
import { isPackId, PACK_ID_RULE } from "./ids";
import type { ListQuery, OrderBody, PatchBody } from "./requests";
import {
  type CertificatePack,
  CertificatePackSchema,
  PackEnvelope,
  PackListEnvelope,
  type PackListResponse,
  type PackResponse,
  QuotaEnvelope,
  type QuotaResponse,
} from "./schemas";
import type { CloudflareSettings } from "./settings";

/**
 * A write's answer as it came (any JSON the core accepted: 2xx, not `success: false`). A write the
 * upstream accepted is never turned into an error here; the provider reads it leniently (answers.ts)
 * and the native door returns it unchanged.
 */
export type WriteBody = unknown;
const WriteEnvelope = z.unknown();

/** The largest page the list accepts (published schema: per_page maximum 50). */
export const LIST_PAGE_SIZE = 50;
/** Paging guard: 100 pages of 50 is far beyond any zone's advanced quota. */
export const MAX_LIST_PAGES = 100;
/** The published zone identifier is at most 32 characters. */
const MAX_ID_LENGTH = 32;

/**
 * `Authorization: Bearer <token>` or the legacy `X-Auth-Email` + `X-Auth-Key`
 * (https://developers.cloudflare.com/fundamentals/api/get-started/keys/).
 */
function cloudflareAuthHeaders(settings: CloudflareSettings): Record<string, string> {
  const auth = settings.auth;
  if (auth === null) {
    throw new AppError("config_invalid", "Cloudflare credentials are not configured", {
      settings: [{ name: "UPSTREAM_CLOUDFLARE_TOKEN", message: "required for Cloudflare calls" }],
    });
  }
  return auth.kind === "token"
    ? { authorization: `Bearer ${auth.token}` }
    : { "x-auth-email": auth.email, "x-auth-key": auth.key };
}

function id(value: string, field: string): string {
  if (value.length > MAX_ID_LENGTH) {
    throw new AppError("validation_failed", `Invalid ${field}`, {
      fields: [{ path: `path.${field}`, message: `must be at most ${MAX_ID_LENGTH} characters` }],
    });
  }
  return pathSegment(value, field);
}

/** A pack id by THE rule (ids.ts), checked before any request is built. */
function packId(value: string): string {
  if (!isPackId(value)) {
    throw new AppError("validation_failed", "Invalid certificate_pack_id", {
      fields: [{ path: "path.certificate_pack_id", message: PACK_ID_RULE }],
    });
  }
  return pathSegment(value, "certificate_pack_id");
}

function packsUrl(
  settings: CloudflareSettings,
  zone: string,
  rest: string[] = [],
  query?: Record<string, string>,
): string {
  return joinUrl(
    settings.apiBase,
    ["zones", id(zone, "zone_id"), "ssl", "certificate_packs", ...rest],
    query,
  );
}

/** The client of one configuration: every call uses its base URL and credentials. */
export function createCloudflareClient(settings: CloudflareSettings) {
  function call<S extends z.ZodType>(
    ctx: UpstreamContext,
    operation: string,
    method: HttpMethod,
    url: string,
    schema: S,
    body?: unknown,
  ) {
    return upstreamRequest(ctx, {
      dialect: cloudflareErrors,
      operation,
      method,
      url,
      headers: cloudflareAuthHeaders(settings),
      body,
      idempotent: method === "GET",
      schema,
    });
  }

  /** One page, with exactly the query given (validated by ListQuerySchema). */
  async function listCertificatePacks(
    ctx: UpstreamContext,
    zone: string,
    query: ListQuery = {},
  ): Promise<PackListResponse> {
    const q: Record<string, string> = {};
    if (query.page !== undefined) q.page = String(query.page);
    if (query.per_page !== undefined) q.per_page = String(query.per_page);
    if (query.status !== undefined) q.status = query.status;
    if (query.deploy !== undefined) q.deploy = query.deploy;
    return call(ctx, "list", "GET", packsUrl(settings, zone, [], q), PackListEnvelope);
  }

  /**
   * Every pack of a zone in every status (`status=all`: without it only active packs come back),
   * or one deployment view (`deploy`). Pages of 50 until `page >= total_pages`; when `total_pages` is
   * missing (older responses lack it), until a short or empty page. More than MAX_LIST_PAGES pages is an
   * upstream fault, not a silent cut. Packs are read one by one: an unusable one is left out and reported
   * in `notes`, with what Cloudflare said beside its answers.
   */
  async function listAllCertificatePacks(
    ctx: UpstreamContext,
    zone: string,
    deploy?: DeployView,
  ): Promise<ScopeList<CertificatePack>> {
    const packs: CertificatePack[] = [];
    let notes = emptyNotes();
    const seen = new Set<string>();
    for (let page = 1; page <= MAX_LIST_PAGES; page += 1) {
      const query: ListQuery = { status: "all", page, per_page: LIST_PAGE_SIZE };
      if (deploy !== undefined) query.deploy = deploy;
      const answer = await listCertificatePacks(ctx, zone, query);
      const parsed = parseItems(CertificatePackSchema, answer.result);
      notes = mergeNotes(notes, {
        skipped: parsed.skipped,
        messages: upstreamNotes("Cloudflare", answer, ctx.secrets),
      });
      // Offset paging shifts when a pack is created or purged between two pages: keep each id once.
      const before = seen.size;
      for (const pack of parsed.items) {
        if (!seen.has(pack.id)) packs.push(pack);
        seen.add(pack.id);
      }
      // A later page of nothing but ids already seen means the upstream ignores `page`: stop now rather
      // than spend up to MAX_LIST_PAGES requests of the token's 1,200 per 5 minutes on repeats.
      if (page > 1 && parsed.items.length > 0 && seen.size === before) {
        throw new AppError(
          "upstream_invalid_response",
          `Cloudflare answered page ${page} with packs of earlier pages`,
          {
            provider: "cloudflare",
          },
        );
      }
      const totalPages = answer.result_info?.total_pages;
      if (typeof totalPages === "number") {
        if (page >= totalPages) return { items: packs, notes };
      } else if (answer.result.length < LIST_PAGE_SIZE) {
        return { items: packs, notes };
      }
      if (answer.result.length === 0) return { items: packs, notes };
    }
    throw new AppError(
      "upstream_invalid_response",
      `Cloudflare kept announcing more pages after ${MAX_LIST_PAGES} pages of packs`,
      { provider: "cloudflare" },
    );
  }

  async function orderCertificatePack(
    ctx: UpstreamContext,
    zone: string,
    body: OrderBody,
  ): Promise<WriteBody> {
    return call(ctx, "order", "POST", packsUrl(settings, zone, ["order"]), WriteEnvelope, body);
  }

  async function getCertificatePackQuota(ctx: UpstreamContext, zone: string): Promise<QuotaResponse> {
    return call(ctx, "quota", "GET", packsUrl(settings, zone, ["quota"]), QuotaEnvelope);
  }

  async function getCertificatePack(ctx: UpstreamContext, zone: string, pack: string): Promise<PackResponse> {
    return call(ctx, "get", "GET", packsUrl(settings, zone, [packId(pack)]), PackEnvelope);
  }

  /** `{}` restarts validation; `{cloudflare_branding: true}` adds branding (https://developers.cloudflare.com/ssl/edge-certificates/advanced-certificate-manager/manage-certificates/). Never retried. */
  async function patchCertificatePack(
    ctx: UpstreamContext,
    zone: string,
    pack: string,
    body: PatchBody,
  ): Promise<WriteBody> {
    const url = packsUrl(settings, zone, [packId(pack)]);
    return call(ctx, "patch", "PATCH", url, WriteEnvelope, body);
  }

  /** The published schema marks DELETE's request body as required JSON (empty schema): `{}` conforms. */
  async function deleteCertificatePack(ctx: UpstreamContext, zone: string, pack: string): Promise<WriteBody> {
    const url = packsUrl(settings, zone, [packId(pack)]);
    return call(ctx, "delete", "DELETE", url, WriteEnvelope, {});
  }

  return Object.freeze({
    listCertificatePacks,
    listAllCertificatePacks,
    orderCertificatePack,
    getCertificatePackQuota,
    getCertificatePack,
    patchCertificatePack,
    deleteCertificatePack,
  });
}

export type CloudflareClient = ReturnType<typeof createCloudflareClient>;
