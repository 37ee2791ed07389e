/**
 * The one certificate model both providers are normalized into (README: "The certificate model").
 * These zod schemas are the source of the OpenAPI document as well as the response contract.
 */
import * as z from "zod";

export const PROVIDERS = ["cloudflare", "gjirafa"] as const;
export const ProviderSchema = z.enum(PROVIDERS);

/** The small normalized status set; `provider_status` always keeps the raw value beside it. */
export const NORMALIZED_STATUSES = [
  "active",
  "pending",
  "pending_validation",
  "failed",
  "expired",
  "deleting",
  "deleted",
  "inactive",
  "staging",
  "unknown",
] as const;
export const NormalizedStatusSchema = z.enum(NORMALIZED_STATUSES);
export type NormalizedStatus = z.infer<typeof NormalizedStatusSchema>;

export const ScopeSchema = z.object({
  kind: z.enum(["zone", "project"]).meta({ description: "Cloudflare zone or Gjirafa project" }),
  id: z.string(),
});
export type ScopeRef = z.infer<typeof ScopeSchema>;

export const ValidationRecordSchema = z
  .object({
    kind: z.enum(["txt", "http", "cname", "email", "challenge"]),
    /** TXT/CNAME record name. */
    name: z.string().nullable(),
    /** TXT value, CNAME target, HTTP body or challenge token. */
    value: z.string().nullable(),
    /** HTTP validation URL. */
    url: z.string().nullable(),
    emails: z.array(z.string()),
    status: z.string().nullable(),
    /** Where the provider reported it (validation_records, dcv_delegation_records, dnsRecords, certificateChallenge). */
    source: z.string(),
  })
  .meta({ description: "One record a user must publish (or one mailbox to answer) for validation" });
export type ValidationRecord = z.infer<typeof ValidationRecordSchema>;

const nullableIso = z.string().nullable();

/**
 * One X.509 certificate behind a model entry, as the provider describes it: each of a Cloudflare pack's
 * `certificates[]`, or the Gjirafa certificate itself. Fields a provider does not report are null.
 */
export const IssuedCertificateSchema = z
  .object({
    id: z.string().nullable().meta({ description: "Cloudflare certificates[].id; Gjirafa sslCertificateId" }),
    hosts: z.array(z.string()),
    status: z.string().nullable().meta({ description: "The provider's status of this certificate" }),
    issuer: z.string().nullable(),
    signature_algorithm: z
      .string()
      .nullable()
      .meta({ description: "Cloudflare signature (e.g. ECDSAWithSHA256); Gjirafa signatureAlgorithm" }),
    serial_number: z.string().nullable().meta({ description: "Gjirafa serialNumber" }),
    public_key_info: z.string().nullable().meta({ description: "Gjirafa publicKeyInfo" }),
    bundle_method: z.string().nullable().meta({ description: "Cloudflare bundle_method" }),
    not_before: nullableIso.meta({ description: "Start of validity (Gjirafa notBefore); null when unknown" }),
    expires_at: nullableIso.meta({ description: "Cloudflare expires_on; Gjirafa notAfter" }),
    uploaded_at: nullableIso.meta({ description: "Cloudflare uploaded_on (not a validity start)" }),
    modified_at: nullableIso.meta({ description: "Cloudflare modified_on" }),
    priority: z.number().nullable().meta({ description: "Cloudflare priority" }),
    geo_restriction: z.string().nullable().meta({ description: "Cloudflare geo_restrictions.label" }),
    primary: z.boolean().meta({ description: "Cloudflare: this is the pack's primary_certificate" }),
  })
  .meta({ id: "IssuedCertificate" });
export type IssuedCertificate = z.infer<typeof IssuedCertificateSchema>;

/** Gjirafa's certificate scope (who may use it: a project or the organization), not the model's `scope`. */
export const CertificateScopeSchema = z
  .object({
    name: z.string().nullable().meta({ description: "Gjirafa `scope` (e.g. Project, Organization)" }),
    id: z.number().int().nullable().meta({ description: "Gjirafa `scopeId`; PATCH scope_id sets it" }),
    options: z
      .record(z.string(), z.number())
      .meta({ description: "Gjirafa `scopeOptions`: scope name -> scopeId" }),
  })
  .meta({ id: "CertificateScope" });
export type CertificateScope = z.infer<typeof CertificateScopeSchema>;

export const CertificateSchema = z
  .object({
    id: z.string().meta({ description: "cloudflare:{zone_id}:{pack_id} or gjirafa:{project_id}:{id}" }),
    provider: ProviderSchema,
    scope: ScopeSchema,
    hosts: z.array(z.string()),
    status: NormalizedStatusSchema,
    provider_status: z.string().meta({ description: "The provider's raw status, always kept" }),
    type: z.string().nullable(),
    certificate_authority: z.string().nullable(),
    issuer: z.string().nullable(),
    validity_days: z.number().int().nullable(),
    not_before: z.string().nullable().meta({
      description: "Start of validity where the provider reports one (Gjirafa notBefore); Cloudflare: null",
    }),
    expires_at: z.string().nullable().meta({ description: "Earliest expiry among the certificates" }),
    days_remaining: z.number().int().nullable(),
    validation: z.object({
      method: z.string().nullable(),
      records: z.array(ValidationRecordSchema),
      errors: z.array(z.string()),
    }),
    updated_at: z.string().nullable(),
    cloudflare_branding: z
      .boolean()
      .nullable()
      .meta({ description: "Cloudflare cloudflare_branding; PATCH can add it. Gjirafa: null" }),
    primary_certificate: z
      .string()
      .nullable()
      .meta({ description: "Cloudflare primary_certificate: id of the pack's primary certificate" }),
    certificates: z.array(IssuedCertificateSchema).meta({
      description: "Each certificate behind this entry: a Cloudflare pack's certificates, or the Gjirafa one",
    }),
    certificate_scope: CertificateScopeSchema.nullable().meta({
      description: "Gjirafa scope, scopeId and scopeOptions; Cloudflare: null",
    }),
    raw: z.unknown().optional().meta({ description: "The provider's full object, with ?include=raw" }),
  })
  .meta({ id: "Certificate" });
export type Certificate = z.infer<typeof CertificateSchema>;

export const QuotaSchema = z
  .object({
    provider: ProviderSchema,
    scope: ScopeSchema,
    supported: z
      .boolean()
      .meta({ description: "false: the provider has no quota API (not the same as zero)" }),
    allocated: z.number().int().nullable(),
    used: z.number().int().nullable(),
    remaining: z.number().int().nullable(),
    percent: z.number().nullable(),
  })
  .meta({ id: "Quota" });
export type Quota = z.infer<typeof QuotaSchema>;

export const DAY_MS = 86_400_000;

/** Whole days from `nowMs` until `expiresMs` (negative once expired): the one formula every provider uses. */
export function daysRemaining(expiresMs: number | null, nowMs: number): number | null {
  return expiresMs === null ? null : Math.floor((expiresMs - nowMs) / DAY_MS);
}

export function certificateId(provider: z.infer<typeof ProviderSchema>, scopeId: string, id: string): string {
  return `${provider}:${scopeId}:${id}`;
}
