/**
 * The Cloudflare provider behind `CertificateProvider`: certificate packs of the configured zones.
 * The wire object it hands out (`Raw`) is the validated, loose `CertificatePack`.
 */
import { AppError, isAppError } from "../../errors";
import type { Quota } from "../../model/certificate";
import { certificateId } from "../../model/certificate";
import { validate } from "../../validation";
import { readWriteAnswer, upstreamNotes, type WriteAnswer } from "../answers";
import type { CertificateProvider, CreateInput, DeleteOutcome, UpdateInput, UpstreamContext } from "../types";
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
import { type CertificatePack, CertificatePackSchema, isCloudflareStatus } from "./schemas";
import { normalizeCloudflareStatus } from "./status";

/**
 * Statuses in which a DELETE has already happened or is under way: every status the table maps to
 * `deleting` or `deleted` (pending_deletion, pending_cleanup, deactivating, deleted). A deleted pack
 * still answers GET with 200 for a while.
 */
export function isDeletingStatus(status: string | null | undefined): boolean {
  if (!status) return false;
  const normalized = normalizeCloudflareStatus(status);
  return normalized === "deleting" || normalized === "deleted";
}

/** Cloudflare's "Bad response certificate service", seen when deleting a pack that is mid-deletion (domain.md). */
export const CLOUDFLARE_MID_DELETION_CODE = 1406;

function readPack(
  ctx: UpstreamContext,
  zone: string,
  body: unknown,
  operation: string,
  knownId?: string,
): WriteAnswer<CertificatePack> {
  return readWriteAnswer(CertificatePackSchema, body, {
    label: "Cloudflare",
    operation,
    listHint: `the zone's packs (GET /v1/certificates?zone=${zone})`,
    secrets: ctx.config.secrets,
    knownId,
  });
}

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
): Promise<WriteAnswer<CertificatePack>> {
  const pack = (await getCertificatePack(ctx, zone, packId)).result;
  // Seed 002: a restart is only possible for a pack in validation_timed_out. Checked here so the caller
  // gets a 409 with the current status instead of Cloudflare's 400; a status certgate does not know
  // (or none) is left for Cloudflare to judge.
  const status = pack.status;
  if (typeof status === "string" && isCloudflareStatus(status) && status !== "validation_timed_out") {
    throw new AppError(
      "conflict",
      `Validation can be restarted only for a pack in validation_timed_out; this one is ${status}`,
      { provider: "cloudflare", current_status: status },
    );
  }
  return readPack(ctx, zone, await patchCertificatePack(ctx, zone, packId, {}), "restart", packId);
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
  const body = await patchCertificatePack(ctx, zone, packId, { cloudflare_branding: true });
  return readPack(ctx, zone, body, "update", packId);
}

/**
 * Idempotent delete: a pack already deleted or being deleted (any deleting status) is
 * `already_deleted: true` without a DELETE. A 1406 on DELETE means "already deleted" only when a fresh
 * GET confirms the pack is mid-deletion or gone; otherwise the 1406 stands. An unknown id stays 404.
 */
async function remove(ctx: UpstreamContext, zone: string, packId: string): Promise<DeleteOutcome> {
  const id = certificateId("cloudflare", zone, packId);
  const current = await getCertificatePack(ctx, zone, packId);
  if (isDeletingStatus(current.result.status)) {
    return { id, already_deleted: true, messages: upstreamNotes("Cloudflare", current, ctx.config.secrets) };
  }
  let body: unknown;
  try {
    body = await deleteCertificatePack(ctx, zone, packId);
  } catch (err) {
    if (isAppError(err) && err.details.upstream_code === CLOUDFLARE_MID_DELETION_CODE) {
      if (await confirmedDeleting(ctx, zone, packId)) return { id, already_deleted: true, messages: [] };
    }
    throw err;
  }
  return { id, already_deleted: false, messages: upstreamNotes("Cloudflare", body, ctx.config.secrets) };
}

/** After a 1406: is the pack really mid-deletion (or already purged)? A failed check says no. */
async function confirmedDeleting(ctx: UpstreamContext, zone: string, packId: string): Promise<boolean> {
  try {
    return isDeletingStatus((await getCertificatePack(ctx, zone, packId)).result.status);
  } catch (err) {
    return isAppError(err) && err.code === "not_found";
  }
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
  label: "Cloudflare",
  scopeKind: "zone",
  hasQuotaApi: true,
  configuredScopes: (config) => [...config.cloudflare.zones],
  isConfigured: (config) => config.cloudflare.auth !== null && config.cloudflare.zones.length > 0,
  deployViews: true,
  itemNoun: "pack",
  createOperation: "order",
  listAll: (ctx, zone, options) => listAllCertificatePacks(ctx, zone, options?.deploy),
  parseRaw(value) {
    const parsed = CertificatePackSchema.safeParse(value);
    return parsed.success ? parsed.data : null;
  },
  async get(ctx, zone, packId) {
    const answer = await getCertificatePack(ctx, zone, packId);
    return { raw: answer.result, messages: upstreamNotes("Cloudflare", answer, ctx.config.secrets) };
  },
  create: async (ctx, zone, input) =>
    readPack(ctx, zone, await orderCertificatePack(ctx, zone, toOrderBody(input)), "order"),
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
