/**
 * Cloudflare as a configured provider: certificate packs of the configured zones. The wire object it
 * hands out (`Raw`) is the validated, loose `CertificatePack`.
 */
import { AppError, isAppError } from "../../errors";
import { certificateId, type Quota } from "../../model/certificate";
import type { UpstreamContext } from "../../upstream/context";
import { readWriteAnswer, upstreamNotes, type WriteAnswer } from "../answers";
import type { DeleteOutcome, ProviderInstance } from "../types";
import { type CloudflareClient, createCloudflareClient } from "./client";
import { normalizeCloudflarePack } from "./normalize";
import { type CertificatePack, CertificatePackSchema, isCloudflareStatus } from "./schemas";
import type { CloudflareSettings } from "./settings";
import { normalizeCloudflareStatus } from "./status";
import { type CloudflareCreate, type CloudflareUpdate, toOrderBody } from "./unified";

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

/** Cloudflare's "Bad response certificate service", seen when deleting a pack that is mid-deletion. */
const CLOUDFLARE_MID_DELETION_CODE = 1406;

export interface CloudflareInstance extends ProviderInstance<CertificatePack> {
  /** The HTTP client of this configuration (the native door uses it). */
  readonly client: CloudflareClient;
  create(ctx: UpstreamContext, zone: string, input: CloudflareCreate): Promise<WriteAnswer<CertificatePack>>;
  update(
    ctx: UpstreamContext,
    zone: string,
    id: string,
    input: CloudflareUpdate,
  ): Promise<WriteAnswer<CertificatePack>>;
}

export function createCloudflareInstance(settings: CloudflareSettings): CloudflareInstance | null {
  if (settings.zones.length === 0) return null;
  const client = createCloudflareClient(settings);

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
      secrets: ctx.secrets,
      knownId,
    });
  }

  async function restartValidation(ctx: UpstreamContext, zone: string, packId: string) {
    const pack = (await client.getCertificatePack(ctx, zone, packId)).result;
    // A restart is possible only for a pack in validation_timed_out. Checked here so the caller gets a
    // 409 with the current status instead of Cloudflare's 400; a status certgate does not know (or none)
    // is left for Cloudflare to judge.
    const status = pack.status;
    if (typeof status === "string" && isCloudflareStatus(status) && status !== "validation_timed_out") {
      throw new AppError(
        "conflict",
        `Validation can be restarted only for a pack in validation_timed_out; this one is ${status}`,
        { provider: "cloudflare", current_status: status },
      );
    }
    return readPack(ctx, zone, await client.patchCertificatePack(ctx, zone, packId, {}), "restart", packId);
  }

  async function update(ctx: UpstreamContext, zone: string, packId: string, input: CloudflareUpdate) {
    if (input.cloudflare_branding === false) {
      // The PATCH can add branding; nothing documents removing it.
      throw new AppError("not_supported_by_provider", "Cloudflare branding can be added, not removed", {
        provider: "cloudflare",
      });
    }
    if (input.cloudflare_branding !== true) {
      throw new AppError("validation_failed", "Nothing to update: send cloudflare_branding: true", {
        fields: [{ path: "body.cloudflare_branding", message: "must be true" }],
      });
    }
    const body = await client.patchCertificatePack(ctx, zone, packId, { cloudflare_branding: true });
    return readPack(ctx, zone, body, "update", packId);
  }

  /**
   * Idempotent delete: a pack already deleted or being deleted (any deleting status) is
   * `already_deleted: true` without a DELETE. A 1406 on DELETE means "already deleted" only when a fresh
   * GET confirms the pack is mid-deletion or gone; otherwise the 1406 stands. An unknown id stays 404.
   */
  async function remove(ctx: UpstreamContext, zone: string, packId: string): Promise<DeleteOutcome> {
    const id = certificateId("cloudflare", zone, packId);
    const current = await client.getCertificatePack(ctx, zone, packId);
    if (isDeletingStatus(current.result.status)) {
      return { id, already_deleted: true, messages: upstreamNotes("Cloudflare", current, ctx.secrets) };
    }
    let body: unknown;
    try {
      body = await client.deleteCertificatePack(ctx, zone, packId);
    } catch (err) {
      if (isAppError(err) && err.details.upstream_code === CLOUDFLARE_MID_DELETION_CODE) {
        if (await confirmedDeleting(ctx, zone, packId)) return { id, already_deleted: true, messages: [] };
      }
      throw err;
    }
    return { id, already_deleted: false, messages: upstreamNotes("Cloudflare", body, ctx.secrets) };
  }

  /** After a 1406: is the pack really mid-deletion (or already purged)? A failed check says no. */
  async function confirmedDeleting(ctx: UpstreamContext, zone: string, packId: string): Promise<boolean> {
    try {
      return isDeletingStatus((await client.getCertificatePack(ctx, zone, packId)).result.status);
    } catch (err) {
      return isAppError(err) && err.code === "not_found";
    }
  }

  async function quota(ctx: UpstreamContext, zone: string): Promise<Quota> {
    const advanced = (await client.getCertificatePackQuota(ctx, zone)).result.advanced;
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

  return Object.freeze({
    client,
    scopes: [...settings.zones],
    listAll: (ctx, zone, options) => client.listAllCertificatePacks(ctx, zone, options?.deploy),
    parseRaw(value) {
      const parsed = CertificatePackSchema.safeParse(value);
      return parsed.success ? parsed.data : null;
    },
    async get(ctx, zone, packId) {
      const answer = await client.getCertificatePack(ctx, zone, packId);
      return { raw: answer.result, messages: upstreamNotes("Cloudflare", answer, ctx.secrets) };
    },
    create: async (ctx, zone, input) =>
      readPack(ctx, zone, await client.orderCertificatePack(ctx, zone, toOrderBody(input)), "order"),
    update,
    requestValidation: restartValidation,
    remove,
    quota,
    normalize: normalizeCloudflarePack,
    rawId: (pack) => pack.id,
  } satisfies CloudflareInstance);
}
