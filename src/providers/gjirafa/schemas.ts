/**
 * Gjirafa's wire shapes (https://docs.captain.gjirafa.tech/cdn/api/certificates), as zod. Objects are LOOSE (unknown fields kept). One certificate
 * schema covers both answers: the list item (id, distributionId, sslCertificateId, domainName,
 * additionalNames, certificateType, certificateStatus, scope, lastModified) and the detail (adds projectId,
 * scopeId, issuer, dnsRecords, certificateChallenge, notBefore, notAfter, ...). Fields a shape lacks are
 * simply absent; normalization reports them as null and never invents them.
 *
 * Lenient: only `id` is required (certgate cannot address a certificate without it); every other field
 * may be absent or null. Nothing is defaulted: a wire object stays what Gjirafa sent.
 */
import * as z from "zod";
import { WireCertificateIdSchema } from "./ids";

export { INT32_MAX } from "./ids";

const str = z.string().nullish();

export const GjirafaResultInfoSchema = z.looseObject({
  totalCount: z.number().nullish(),
  pageIndex: z.number().nullish(),
  pageSize: z.number().nullish(),
  totalPages: z.number().nullish(),
  hasNextPage: z.boolean().nullish(),
  hasPreviousPage: z.boolean().nullish(),
});

/**
 * `{success, errors: [string], messages: [string], result, resultInfo}`: errors are strings.
 * Non-empty `errors`/`messages` on a success (the documentation's examples show both) are still a success.
 */
export function gjirafaEnvelope<T extends z.ZodType>(result: T) {
  return z.looseObject({
    success: z.literal(true),
    errors: z.array(z.unknown()).nullish(),
    messages: z.array(z.unknown()).nullish(),
    result,
    resultInfo: GjirafaResultInfoSchema.nullish(),
  });
}

export const DnsRecordSchema = z.looseObject({ key: str, value: str });

export const GjirafaCertificateSchema = z.looseObject({
  id: WireCertificateIdSchema,
  domainName: str,
  /** ONE string holding the list, as the documentation shows it. */
  additionalNames: str,
  certificateType: str,
  /** Free text ("Active, Expired etc", the documentation says). */
  certificateStatus: str,
  sslCertificateId: str,
  // list item only
  distributionId: str,
  scope: str,
  lastModified: str,
  // detail only
  projectId: str,
  scopeId: z.number().int().nullish(),
  publicKeyInfo: str,
  signatureAlgorithm: str,
  issuer: str,
  certificateChallenge: str,
  serialNumber: str,
  dnsRecords: z.array(DnsRecordSchema).nullish(),
  notBefore: str,
  notAfter: str,
  scopeOptions: z.record(z.string(), z.unknown()).nullish(),
});
export type GjirafaCertificate = z.infer<typeof GjirafaCertificateSchema>;

/** A list page: items are read one by one (client.ts), so one unusable item never fails the page. */
export const CertificateListEnvelope = gjirafaEnvelope(z.array(z.unknown()));
export const CertificateEnvelope = gjirafaEnvelope(GjirafaCertificateSchema);

export type CertificateListResponse = z.infer<typeof CertificateListEnvelope>;
export type CertificateResponse = z.infer<typeof CertificateEnvelope>;
