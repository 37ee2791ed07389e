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
    not_before: z.string().nullable(),
    expires_at: z.string().nullable().meta({ description: "Earliest expiry among the certificates" }),
    days_remaining: z.number().int().nullable(),
    validation: z.object({
      method: z.string().nullable(),
      records: z.array(ValidationRecordSchema),
      errors: z.array(z.string()),
    }),
    updated_at: z.string().nullable(),
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
