/**
 * Cloudflare's wire shapes (the API reference and its published OpenAPI schema,
 * https://github.com/cloudflare/api-schemas; a copy of its certificate-pack part is in
 * test/fixtures/cloudflare-schema/), as zod. Objects are LOOSE: unknown fields are kept,
 * so a field Cloudflare adds tomorrow still reaches the native pass-through and the `raw` view.
 *
 * Enumerations are checked at compile time (the status table in status.ts is keyed by them) but read
 * leniently at run time: an unknown status or type is kept as a string and normalized to `unknown`,
 * never dropped and never a reason to fail a whole list.
 *
 * Lenient in what is accepted (docs/model.md): only `id` is required of a pack, because certgate cannot
 * address a pack without it; every other field may be absent or null (the API reference's list example
 * prints every certificate and validation-record field as null; the order and restart answers of the
 * published schema carry no `certificates`). Nothing is defaulted here: a wire object stays what the
 * upstream sent, and the normalizer reads an absent list as empty.
 */
import * as z from "zod";
import { PackIdSchema } from "./ids";

/** Pack statuses of the published schema (`tls-certificates-and-hostnames_status-5`), all 21. */
export const CLOUDFLARE_STATUSES = [
  "initializing",
  "pending_validation",
  "deleted",
  "pending_issuance",
  "pending_deployment",
  "pending_deletion",
  "pending_expiration",
  "expired",
  "active",
  "initializing_timed_out",
  "validation_timed_out",
  "issuance_timed_out",
  "deployment_timed_out",
  "deletion_timed_out",
  "pending_cleanup",
  "staging_deployment",
  "staging_active",
  "deactivating",
  "inactive",
  "backup_issued",
  "holding_deployment",
] as const;
export type CloudflareStatus = (typeof CLOUDFLARE_STATUSES)[number];

/** Pack types in responses (`tls-certificates-and-hostnames_type-2`). Orders accept only "advanced". */
export const CLOUDFLARE_PACK_TYPES = [
  "mh_custom",
  "managed_hostname",
  "sni_custom",
  "universal",
  "advanced",
  "total_tls",
  "keyless",
  "legacy_custom",
] as const;

export const CERTIFICATE_AUTHORITIES = ["google", "lets_encrypt", "ssl_com"] as const;
export const VALIDATION_METHODS = ["txt", "http", "email"] as const;
export const VALIDITY_DAYS = [14, 30, 90, 365] as const;

/** A known value, or any other string kept as is (forward compatibility). */
const openEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.union([z.enum(values), z.string()]);

const str = z.string().nullish();

export const ResultInfoSchema = z.looseObject({
  page: z.number().nullish(),
  per_page: z.number().nullish(),
  count: z.number().nullish(),
  total_count: z.number().nullish(),
  /** Absent in older responses: clients stop on a short or empty page. */
  total_pages: z.number().nullish(),
});
export type ResultInfo = z.infer<typeof ResultInfoSchema>;

/**
 * The v4 success envelope around `result` (mcp-server-cloudflare's `V4Schema`). `errors` and `messages`
 * may be non-empty on a success (the SDK reference's example answer shows both): still a success.
 */
export function v4Envelope<T extends z.ZodType>(result: T) {
  return z.looseObject({
    success: z.literal(true),
    errors: z.array(z.unknown()).nullish(),
    messages: z.array(z.unknown()).nullish(),
    result,
    result_info: ResultInfoSchema.nullish(),
  });
}

export const ValidationRecordWireSchema = z.looseObject({
  txt_name: str,
  txt_value: str,
  http_url: str,
  http_body: str,
  cname: str,
  cname_target: str,
  emails: z.array(z.string()).nullish(),
  status: str,
});
export type ValidationRecordWire = z.infer<typeof ValidationRecordWireSchema>;

export const PackCertificateSchema = z.looseObject({
  id: str,
  hosts: z.array(z.string()).nullish(),
  status: str,
  issuer: str,
  signature: str,
  bundle_method: str,
  expires_on: str,
  uploaded_on: str,
  modified_on: str,
  priority: z.number().nullish(),
  zone_id: str,
  geo_restrictions: z.looseObject({ label: str }).nullish(),
});
export type PackCertificate = z.infer<typeof PackCertificateSchema>;

export const CertificatePackSchema = z.looseObject({
  id: PackIdSchema,
  type: openEnum(CLOUDFLARE_PACK_TYPES).nullish(),
  hosts: z.array(z.string()).nullish(),
  status: openEnum(CLOUDFLARE_STATUSES).nullish(),
  /** Absent from order and restart answers (published schema); `[]` before issuance otherwise. */
  certificates: z.array(PackCertificateSchema).nullish(),
  certificate_authority: openEnum(CERTIFICATE_AUTHORITIES).nullish(),
  cloudflare_branding: z.boolean().nullish(),
  validation_method: openEnum(VALIDATION_METHODS).nullish(),
  validity_days: z.number().int().nullish(),
  primary_certificate: str,
  validation_records: z.array(ValidationRecordWireSchema).nullish(),
  dcv_delegation_records: z.array(ValidationRecordWireSchema).nullish(),
  validation_errors: z.array(z.looseObject({ message: str })).nullish(),
});
export type CertificatePack = z.infer<typeof CertificatePackSchema>;

export const QuotaResultSchema = z.looseObject({
  advanced: z
    .looseObject({ allocated: z.number().int().nullish(), used: z.number().int().nullish() })
    .nullish(),
});

/** A list page: items are read one by one (client.ts), so one unusable pack never fails the page. */
export const PackListEnvelope = v4Envelope(z.array(z.unknown()));
export const PackEnvelope = v4Envelope(CertificatePackSchema);
export const QuotaEnvelope = v4Envelope(QuotaResultSchema);

export type PackListResponse = z.infer<typeof PackListEnvelope>;
export type PackResponse = z.infer<typeof PackEnvelope>;
export type QuotaResponse = z.infer<typeof QuotaEnvelope>;

export function isCloudflareStatus(value: string): value is CloudflareStatus {
  return (CLOUDFLARE_STATUSES as readonly string[]).includes(value);
}
