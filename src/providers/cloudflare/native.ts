/**
 * What the native pass-through routes (/cloudflare/...) need: the request schemas of the published API
 * and one function per operation that validates the caller's input, calls Cloudflare and returns its
 * envelope (loose: unknown fields kept). Reads are validated leniently; a write's 2xx answer is returned
 * exactly as it came, whatever its shape (a write Cloudflare accepted is never reported as failed).
 * Routes stay thin: they pass path values, the query object and the parsed body, and return the envelope.
 *
 * The zone-apex rule of an order cannot be checked without the zone's name: Cloudflare enforces it and
 * its 400 (with its own code and message) reaches the caller through the error table.
 */
import { validate } from "../../validation";
import type { UpstreamContext } from "../types";
import {
  deleteCertificatePack,
  getCertificatePack,
  getCertificatePackQuota,
  listCertificatePacks,
  orderCertificatePack,
  patchCertificatePack,
  type WriteBody,
} from "./client";
import { PackIdSchema } from "./ids";
import { ListQuerySchema, OrderBodySchema, PatchBodySchema } from "./requests";
import type { PackListResponse, PackResponse, QuotaResponse } from "./schemas";

export type { WriteBody } from "./client";
export type { ListQuery, OrderBody, PatchBody } from "./requests";
export { ListQuerySchema, OrderBodySchema, PatchBodySchema } from "./requests";
export type { PackListResponse, PackResponse, QuotaResponse } from "./schemas";

export const cloudflareNative = Object.freeze({
  listQuery: ListQuerySchema,
  orderBody: OrderBodySchema,
  patchBody: PatchBodySchema,
  /** THE pack id rule (ids.ts), the same one `/v1` ids use. */
  packId: PackIdSchema,

  /** GET /zones/{zone}/ssl/certificate_packs with the caller's query (page, per_page, status, deploy). */
  async list(ctx: UpstreamContext, zone: string, query: unknown): Promise<PackListResponse> {
    return listCertificatePacks(ctx, zone, validate(ListQuerySchema, query, "query"));
  },
  async order(ctx: UpstreamContext, zone: string, body: unknown): Promise<WriteBody> {
    return orderCertificatePack(ctx, zone, validate(OrderBodySchema, body, "body"));
  },
  async quota(ctx: UpstreamContext, zone: string): Promise<QuotaResponse> {
    return getCertificatePackQuota(ctx, zone);
  },
  async get(ctx: UpstreamContext, zone: string, packId: string): Promise<PackResponse> {
    return getCertificatePack(ctx, zone, packId);
  },
  /** `{}` restarts validation (Cloudflare decides whether the status allows it); branding otherwise. */
  async patch(ctx: UpstreamContext, zone: string, packId: string, body: unknown): Promise<WriteBody> {
    return patchCertificatePack(ctx, zone, packId, validate(PatchBodySchema, body, "body"));
  },
  async remove(ctx: UpstreamContext, zone: string, packId: string): Promise<WriteBody> {
    return deleteCertificatePack(ctx, zone, packId);
  },
});
