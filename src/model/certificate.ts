/**
 * The one certificate model every provider is normalized into (docs/model.md, which also says where each
 * field comes from for each provider). These zod schemas are the source of the OpenAPI document as well
 * as the response contract. Fields a provider does not report are null.
 */
import * as z from "zod";
import { SCOPE_KINDS } from "./scope";

/** A registered provider's name (the request schemas check it against the registry). */
export const ProviderNameSchema = z
  .string()
  .meta({ description: "A provider's name (see the provider query)" });

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

/** A scope as answers show it: its kind and id (its provider is named beside it). */
export const ScopeSchema = z.object({
  kind: z.enum(SCOPE_KINDS).meta({ description: "A zone or a project of the provider" }),
  id: z.string(),
});

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
    /** Where in the provider's object it was reported (the wire field's name). */
    source: z.string(),
  })
  .meta({ description: "One record a user must publish (or one mailbox to answer) for validation" });
export type ValidationRecord = z.infer<typeof ValidationRecordSchema>;

const nullableIso = z.string().nullable();

/**
 * One X.509 certificate behind a model entry, as the provider describes it: each certificate of a pack,
 * or the certificate itself where the entry is one. Fields a provider does not report are null.
 */
export const IssuedCertificateSchema = z
  .object({
    id: z.string().nullable().meta({ description: "The provider's id of this certificate" }),
    hosts: z.array(z.string()),
    status: z.string().nullable().meta({ description: "The provider's status of this certificate" }),
    issuer: z.string().nullable(),
    signature_algorithm: z
      .string()
      .nullable()
      .meta({ description: "Signature algorithm, as the provider names it (e.g. ECDSAWithSHA256)" }),
    serial_number: z.string().nullable(),
    public_key_info: z.string().nullable(),
    bundle_method: z.string().nullable(),
    not_before: nullableIso.meta({ description: "Start of validity; null when the provider does not say" }),
    expires_at: nullableIso,
    uploaded_at: nullableIso.meta({ description: "When the provider stored it (not a validity start)" }),
    modified_at: nullableIso,
    priority: z.number().nullable(),
    geo_restriction: z.string().nullable(),
    primary: z.boolean().meta({ description: "This is the entry's primary certificate" }),
  })
  .meta({ id: "IssuedCertificate" });
export type IssuedCertificate = z.infer<typeof IssuedCertificateSchema>;

/** Who may use a certificate (a project, the organization), where the provider has that notion: not the model's `scope`. */
export const CertificateScopeSchema = z
  .object({
    name: z
      .string()
      .nullable()
      .meta({ description: "The certificate scope's name (e.g. Project, Organization)" }),
    id: z.number().int().nullable().meta({ description: "Its id; PATCH scope_id sets it" }),
    options: z
      .record(z.string(), z.number())
      .meta({ description: "Scope name -> id, as the provider offers them" }),
  })
  .meta({ id: "CertificateScope" });
export type CertificateScope = z.infer<typeof CertificateScopeSchema>;

export const CertificateSchema = z
  .object({
    id: z.string().meta({ description: "{provider}:{zone or project id}:{the provider's certificate id}" }),
    provider: ProviderNameSchema,
    scope: ScopeSchema,
    hosts: z.array(z.string()),
    status: NormalizedStatusSchema,
    provider_status: z.string().meta({ description: "The provider's raw status, always kept" }),
    type: z.string().nullable(),
    certificate_authority: z.string().nullable(),
    issuer: z.string().nullable(),
    validity_days: z.number().int().nullable(),
    not_before: z.string().nullable().meta({
      description: "Start of validity where the provider reports one; else null",
    }),
    expires_at: z.string().nullable().meta({ description: "Earliest expiry among the certificates" }),
    days_remaining: z.number().int().nullable(),
    validation: z.object({
      method: z.string().nullable(),
      records: z.array(ValidationRecordSchema),
      errors: z.array(z.string()),
    }),
    updated_at: z.string().nullable(),
    cloudflare_branding: z.boolean().nullable().meta({
      description: "The pack's branding flag where the provider has one (PATCH can add it); else null",
    }),
    primary_certificate: z
      .string()
      .nullable()
      .meta({ description: "Id of the entry's primary certificate, where the provider names one" }),
    certificates: z.array(IssuedCertificateSchema).meta({
      description: "Each certificate behind this entry: a pack's certificates, or the one certificate",
    }),
    certificate_scope: CertificateScopeSchema.nullable().meta({
      description: "Who may use the certificate, where the provider has that notion; else null",
    }),
    raw: z.unknown().optional().meta({ description: "The provider's full object, with ?include=raw" }),
  })
  .meta({ id: "Certificate" });
export type Certificate = z.infer<typeof CertificateSchema>;

export const QuotaSchema = z
  .object({
    provider: ProviderNameSchema,
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

/**
 * When `daysRemaining(expiresMs, ·)` next changes after `nowMs` (epoch ms): an answer showing it holds
 * until then. Infinity when there is no expiry.
 */
export function daysRemainingChangesAt(expiresMs: number | null, nowMs: number): number {
  if (expiresMs === null || !Number.isFinite(expiresMs)) return Number.POSITIVE_INFINITY;
  const days = Math.floor((expiresMs - nowMs) / DAY_MS);
  // floor((e - t) / DAY) stays `days` while t <= e - days * DAY; one millisecond later it is days - 1.
  return expiresMs - days * DAY_MS + 1;
}

/** The unified id: `{provider}:{scope id}:{the provider's certificate id}`. */
export function certificateId(provider: string, scopeId: string, id: string): string {
  return `${provider}:${scopeId}:${id}`;
}

/** Validity in days: the provider's field, else measured from the certificate's own dates. */
export function validityDaysOf(
  cert: Pick<Certificate, "validity_days" | "not_before" | "expires_at">,
): number | null {
  if (cert.validity_days !== null) return cert.validity_days;
  if (cert.not_before && cert.expires_at) {
    const ms = Date.parse(cert.expires_at) - Date.parse(cert.not_before);
    if (Number.isFinite(ms) && ms > 0) return Math.round(ms / DAY_MS);
  }
  return null;
}
