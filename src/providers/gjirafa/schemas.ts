/**
 * Gjirafa's wire shapes (seed 004), as zod. Objects are LOOSE (unknown fields kept). One certificate
 * schema covers both answers: the list item (id, distributionId, sslCertificateId, domainName,
 * additionalNames, certificateType, certificateStatus, scope, lastModified) and the detail (adds projectId,
 * scopeId, issuer, dnsRecords, certificateChallenge, notBefore, notAfter, ...). Fields a shape lacks are
 * simply absent; normalization reports them as null and never invents them.
 */
import * as z from "zod";

export const INT32_MAX = 2_147_483_647;

const str = z.string().nullish();

export const GjirafaResultInfoSchema = z.looseObject({
  totalCount: z.number().nullish(),
  pageIndex: z.number().nullish(),
  pageSize: z.number().nullish(),
  totalPages: z.number().nullish(),
  hasNextPage: z.boolean().nullish(),
  hasPreviousPage: z.boolean().nullish(),
});
export type GjirafaResultInfo = z.infer<typeof GjirafaResultInfoSchema>;

/** `{success, errors: [string], messages: [string], result, resultInfo}` (domain.md: errors are strings). */
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
  id: z.number().int().min(0).max(INT32_MAX),
  domainName: z.string(),
  /** ONE string holding the list (seed 004; domain.md). */
  additionalNames: str,
  certificateType: str,
  /** Free text ("Active, Expired etc", seed 004). */
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

export const CertificateListEnvelope = gjirafaEnvelope(z.array(GjirafaCertificateSchema));
export const CertificateEnvelope = gjirafaEnvelope(GjirafaCertificateSchema);
/** Delete answers with the deleted certificate in seed 004; a null result is still a success. */
export const DeleteEnvelope = gjirafaEnvelope(z.unknown());

export type CertificateListResponse = z.infer<typeof CertificateListEnvelope>;
export type CertificateResponse = z.infer<typeof CertificateEnvelope>;
export type DeleteResponse = z.infer<typeof DeleteEnvelope>;
