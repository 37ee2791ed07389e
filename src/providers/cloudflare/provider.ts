/**
 * The Cloudflare provider behind `CertificateProvider`: certificate packs of the configured zones.
 * The wire object it hands out (`Raw`) is the validated, loose `CertificatePack`.
 */
import { AppError } from "../../errors";
import type { Quota } from "../../model/certificate";
import { certificateId } from "../../model/certificate";
import { validate } from "../../validation";
import type { CertificateProvider, CreateInput, UpdateInput, UpstreamContext } from "../types";
import {
  deleteCertificatePack,
  getCertificatePack,
  getCertificatePackQuota,
  listAllCertificatePacks,
  orderCertificatePack,
  patchCertificatePack,
} from "./client";
import { normalizeCloudflarePack } from "./normalize";
import { type OrderBody, OrderBodySchema } from "./requests";
import { type CertificatePack, CertificatePackSchema } from "./schemas";

/** Statuses in which a DELETE has already happened (domain.md: a deleted pack still answers GET with 200). */
const ALREADY_DELETED: ReadonlySet<string> = new Set(["deleted", "pending_deletion"]);

/** Cloudflare's "Bad response certificate service", seen when deleting a pack that is mid-deletion (domain.md). */
export const CLOUDFLARE_MID_DELETION_CODE = 1406;

/** Unified create input -> the order body of the published schema (validated before anything is sent). */
export function toOrderBody(input: CreateInput): OrderBody {
  if (input.provider !== "cloudflare") {
    throw new AppError("bad_request", "This create input is not for Cloudflare");
  }
  const body: Record<string, unknown> = {
    type: "advanced",
    hosts: input.hosts,
    validation_method: input.validation_method,
    validity_days: input.validity_days,
    certificate_authority: input.certificate_authority,
  };
  if (input.cloudflare_branding !== undefined) body.cloudflare_branding = input.cloudflare_branding;
  return validate(OrderBodySchema, body, "body");
}

async function restartValidation(
  ctx: UpstreamContext,
  zone: string,
  packId: string,
): Promise<CertificatePack> {
  const pack = (await getCertificatePack(ctx, zone, packId)).result;
  // Seed 002: a restart is only possible for a pack in validation_timed_out. Checked here so the caller
  // gets a 409 with the current status instead of Cloudflare's 400.
  if (pack.status !== "validation_timed_out") {
    throw new AppError(
      "conflict",
      `Validation can be restarted only for a pack in validation_timed_out; this one is ${pack.status}`,
      { provider: "cloudflare", current_status: pack.status },
    );
  }
  return (await patchCertificatePack(ctx, zone, packId, {})).result;
}

async function update(ctx: UpstreamContext, zone: string, packId: string, input: UpdateInput) {
  if (input.scope_id !== undefined) {
    throw new AppError("not_supported_by_provider", "Cloudflare packs have no scope_id", {
      provider: "cloudflare",
    });
  }
  if (input.cloudflare_branding === false) {
    // The PATCH of seed 002 can add branding; nothing documents removing it.
    throw new AppError("not_supported_by_provider", "Cloudflare branding can be added, not removed", {
      provider: "cloudflare",
    });
  }
  if (input.cloudflare_branding !== true) {
    throw new AppError("validation_failed", "Nothing to update: send cloudflare_branding: true", {
      fields: [{ path: "body.cloudflare_branding", message: "must be true" }],
    });
  }
  return (await patchCertificatePack(ctx, zone, packId, { cloudflare_branding: true })).result;
}

/**
 * Idempotent delete: a pack already deleted or pending deletion, or a 1406 on DELETE (mid-deletion),
 * is `already_deleted: true`. An unknown id stays 404.
 */
async function remove(ctx: UpstreamContext, zone: string, packId: string) {
  const id = certificateId("cloudflare", zone, packId);
  const pack = (await getCertificatePack(ctx, zone, packId)).result;
  if (ALREADY_DELETED.has(pack.status)) return { id, already_deleted: true };
  try {
    await deleteCertificatePack(ctx, zone, packId);
  } catch (err) {
    if (err instanceof AppError && err.details.upstream_code === CLOUDFLARE_MID_DELETION_CODE) {
      return { id, already_deleted: true };
    }
    throw err;
  }
  return { id, already_deleted: false };
}

async function quota(ctx: UpstreamContext, zone: string): Promise<Quota> {
  const advanced = (await getCertificatePackQuota(ctx, zone)).result.advanced;
  const allocated = advanced?.allocated ?? null;
  const used = advanced?.used ?? null;
  return {
    provider: "cloudflare",
    scope: { kind: "zone", id: zone },
    supported: true,
    allocated,
    used,
    remaining: allocated !== null && used !== null ? Math.max(0, allocated - used) : null,
    // One decimal; undefined (null) for a zero allocation rather than a division by zero.
    percent:
      allocated !== null && used !== null && allocated > 0
        ? Math.round((used / allocated) * 1000) / 10
        : null,
  };
}

export const cloudflareProvider: CertificateProvider<CertificatePack> = Object.freeze({
  name: "cloudflare",
  scopeKind: "zone",
  hasQuotaApi: true,
  configuredScopes: (config) => [...config.cloudflare.zones],
  isConfigured: (config) => config.cloudflare.auth !== null && config.cloudflare.zones.length > 0,
  listAll: (ctx, zone) => listAllCertificatePacks(ctx, zone),
  parseRaw(value) {
    const parsed = CertificatePackSchema.safeParse(value);
    return parsed.success ? parsed.data : null;
  },
  get: async (ctx, zone, packId) => (await getCertificatePack(ctx, zone, packId)).result,
  create: async (ctx, zone, input) => (await orderCertificatePack(ctx, zone, toOrderBody(input))).result,
  importCertificate: async () => {
    throw new AppError(
      "not_supported_by_provider",
      "Cloudflare certificate packs cannot be imported (custom certificates are another API)",
      { provider: "cloudflare" },
    );
  },
  update,
  validate: restartValidation,
  remove,
  quota,
  normalize: normalizeCloudflarePack,
  rawId: (pack) => pack.id,
} satisfies CertificateProvider<CertificatePack>);
