/**
 * Gjirafa CDN certificates (Gjirafa's API documentation: https://docs.captain.gjirafa.tech/cdn/api/certificates): everything
 * certgate knows about Gjirafa, as one provider module.
 */
import { defineProvider } from "../module";
import { gjirafaEnvelope } from "./envelope";
import { gjirafaErrors } from "./errors";
import { CertificateIdTextSchema, ProjectIdSchema } from "./ids";
import { createGjirafaInstance, type GjirafaInstance } from "./instance";
import { GJIRAFA_MOUNT, gjirafaRoutes } from "./native-routes";
import { gjirafaRenewal } from "./renewal";
import type { GjirafaCertificate } from "./schemas";
import { type GjirafaSettings, gjirafaBudget, gjirafaSecrets, gjirafaSettings } from "./settings";
import { GjirafaCreateSchema, GjirafaImportSchema, GjirafaUpdateSchema } from "./unified";

export const gjirafa = defineProvider<GjirafaSettings, GjirafaCertificate, GjirafaInstance>({
  name: "gjirafa",
  label: "Gjirafa",
  scopeKind: "project",
  scopeId: ProjectIdSchema,
  scopeIdRule: "project uuid",
  certificateId: CertificateIdTextSchema,
  itemNoun: "certificate",
  createOperation: "create",
  hasQuotaApi: false,
  deployViews: false,
  // Its list items lack the detail (enrich.ts merges it in, or notes that it could not).
  listedItemsComplete: false,
  errors: gjirafaErrors,
  renewal: gjirafaRenewal,
  monitor: {},
  unified: { create: GjirafaCreateSchema, import: GjirafaImportSchema, update: GjirafaUpdateSchema },
  settings: gjirafaSettings,
  configure: createGjirafaInstance,
  secrets: gjirafaSecrets,
  budget: gjirafaBudget,
  native: { mount: GJIRAFA_MOUNT, envelope: gjirafaEnvelope, routes: gjirafaRoutes },
});
