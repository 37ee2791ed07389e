/**
 * Cloudflare certificate packs over HTTP, nothing else: URLs, auth headers, paging. Every call goes
 * through the upstream core (deadline, retries for GET only, error table, zod on the answer).
 * Base URL: config.cloudflare.apiBase (the sandbox simulator in tests and `npm start`).
 */
import type * as z from "zod";
import type { Config } from "../../config";
import { AppError } from "../../errors";
import { joinUrl, pathSegment } from "../../upstream/path";
import { type HttpMethod, upstreamRequest } from "../../upstream/request";
import type { UpstreamContext } from "../types";
import type { ListQuery, OrderBody, PatchBody } from "./requests";
import {
  type CertificatePack,
  DeleteEnvelope,
  type DeleteResponse,
  PackEnvelope,
  PackListEnvelope,
  type PackListResponse,
  type PackResponse,
  QuotaEnvelope,
  type QuotaResponse,
} from "./schemas";

/** The largest page the list accepts (published schema: per_page maximum 50). */
export const LIST_PAGE_SIZE = 50;
/** Paging guard: 100 pages of 50 is far beyond any zone's advanced quota. */
export const MAX_LIST_PAGES = 100;
/** The published identifier is at most 32 characters. */
const MAX_ID_LENGTH = 32;

/** `Authorization: Bearer <token>` or the legacy `X-Auth-Email` + `X-Auth-Key` (seed 003 "Security"). */
export function cloudflareAuthHeaders(config: Config): Record<string, string> {
  const auth = config.cloudflare.auth;
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

function packsUrl(config: Config, zone: string, rest: string[] = [], query?: Record<string, string>): string {
  return joinUrl(
    config.cloudflare.apiBase,
    ["zones", id(zone, "zone_id"), "ssl", "certificate_packs", ...rest],
    query,
  );
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
    provider: "cloudflare",
    operation,
    method,
    url,
    headers: cloudflareAuthHeaders(ctx.config),
    body,
    idempotent: method === "GET",
    schema,
  });
}

/** One page, with exactly the query given (validated by ListQuerySchema). */
export async function listCertificatePacks(
  ctx: UpstreamContext,
  zone: string,
  query: ListQuery = {},
): Promise<PackListResponse> {
  const q: Record<string, string> = {};
  if (query.page !== undefined) q.page = String(query.page);
  if (query.per_page !== undefined) q.per_page = String(query.per_page);
  if (query.status !== undefined) q.status = query.status;
  if (query.deploy !== undefined) q.deploy = query.deploy;
  return call(ctx, "list", "GET", packsUrl(ctx.config, zone, [], q), PackListEnvelope);
}

/**
 * Every pack of a zone in every status (`status=all`: without it only active packs come back, seed 000).
 * Pages of 50 until `page >= total_pages`; when `total_pages` is missing (older responses, domain.md),
 * until a short or empty page. More than MAX_LIST_PAGES pages is an upstream fault, not a silent cut.
 */
export async function listAllCertificatePacks(
  ctx: UpstreamContext,
  zone: string,
): Promise<CertificatePack[]> {
  const packs: CertificatePack[] = [];
  const seen = new Set<string>();
  for (let page = 1; page <= MAX_LIST_PAGES; page += 1) {
    const answer = await listCertificatePacks(ctx, zone, { status: "all", page, per_page: LIST_PAGE_SIZE });
    // Offset paging shifts when a pack is created or purged between two pages: keep each id once.
    const before = seen.size;
    for (const pack of answer.result) {
      if (!seen.has(pack.id)) packs.push(pack);
      seen.add(pack.id);
    }
    // A later page of nothing but ids already seen means the upstream ignores `page`: stop now rather
    // than spend up to MAX_LIST_PAGES requests of the token's 1,200 per 5 minutes on repeats.
    if (page > 1 && answer.result.length > 0 && seen.size === before) {
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
      if (page >= totalPages) return packs;
    } else if (answer.result.length < LIST_PAGE_SIZE) {
      return packs;
    }
    if (answer.result.length === 0) return packs;
  }
  throw new AppError(
    "upstream_invalid_response",
    `Cloudflare kept announcing more pages after ${MAX_LIST_PAGES} pages of packs`,
    { provider: "cloudflare" },
  );
}

export async function orderCertificatePack(
  ctx: UpstreamContext,
  zone: string,
  body: OrderBody,
): Promise<PackResponse> {
  return call(ctx, "order", "POST", packsUrl(ctx.config, zone, ["order"]), PackEnvelope, body);
}

export async function getCertificatePackQuota(ctx: UpstreamContext, zone: string): Promise<QuotaResponse> {
  return call(ctx, "quota", "GET", packsUrl(ctx.config, zone, ["quota"]), QuotaEnvelope);
}

export async function getCertificatePack(
  ctx: UpstreamContext,
  zone: string,
  packId: string,
): Promise<PackResponse> {
  return call(
    ctx,
    "get",
    "GET",
    packsUrl(ctx.config, zone, [id(packId, "certificate_pack_id")]),
    PackEnvelope,
  );
}

/** `{}` restarts validation; `{cloudflare_branding: true}` adds branding (seed 002). Never retried. */
export async function patchCertificatePack(
  ctx: UpstreamContext,
  zone: string,
  packId: string,
  body: PatchBody,
): Promise<PackResponse> {
  const url = packsUrl(ctx.config, zone, [id(packId, "certificate_pack_id")]);
  return call(ctx, "patch", "PATCH", url, PackEnvelope, body);
}

/** The published schema marks DELETE's request body as required JSON (empty schema): `{}` conforms. */
export async function deleteCertificatePack(
  ctx: UpstreamContext,
  zone: string,
  packId: string,
): Promise<DeleteResponse> {
  const url = packsUrl(ctx.config, zone, [id(packId, "certificate_pack_id")]);
  return call(ctx, "delete", "DELETE", url, DeleteEnvelope, {});
}
