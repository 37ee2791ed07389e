/**
 * Cloudflare Advanced Certificate Manager certificate packs
 * (https://developers.cloudflare.com/api/resources/ssl/subresources/certificate_packs/): everything
 * certgate knows about Cloudflare, as one provider module.
 */
import { defineProvider } from "../module";
import { cloudflareEnvelope } from "./envelope";
import { cloudflareErrors } from "./errors";
import { PackIdSchema, ZoneIdSchema } from "./ids";
import { type CloudflareInstance, createCloudflareInstance } from "./instance";
import { CLOUDFLARE_MOUNT, cloudflareRoutes } from "./native-routes";
import { cloudflareRenewal } from "./renewal";
import { cloudflareRotationPort } from "./rotation";
import type { CertificatePack } from "./schemas";
import { type CloudflareSettings, cloudflareBudget, cloudflareSecrets, cloudflareSettings } from "./settings";
import { CloudflareCreateSchema, CloudflareUpdateSchema } from "./unified";

/**
 * Cloudflare allows 1,200 API calls per 5 minutes per token, shared with certgate's API traffic: a
 * monitor run spends at most a quarter of them, whatever its budget.
 */
export const CLOUDFLARE_CALLS_PER_RUN = 300;

export const cloudflare = defineProvider<CloudflareSettings, CertificatePack, CloudflareInstance>({
  name: "cloudflare",
  label: "Cloudflare",
  scopeKind: "zone",
  scopeId: ZoneIdSchema,
  scopeIdRule: "32-hex zone id",
  certificateId: PackIdSchema,
  itemNoun: "pack",
  createOperation: "order",
  hasQuotaApi: true,
  deployViews: true,
  // A listed pack is the object GET .../certificate_packs/{id} answers (the same schema).
  listedItemsComplete: true,
  errors: cloudflareErrors,
  renewal: cloudflareRenewal,
  monitor: { maxCallsPerRun: CLOUDFLARE_CALLS_PER_RUN },
  unified: { create: CloudflareCreateSchema, update: CloudflareUpdateSchema },
  settings: cloudflareSettings,
  configure: createCloudflareInstance,
  secrets: cloudflareSecrets,
  budget: cloudflareBudget,
  native: { mount: CLOUDFLARE_MOUNT, envelope: cloudflareEnvelope, routes: cloudflareRoutes },
  rotation: { port: cloudflareRotationPort },
});
