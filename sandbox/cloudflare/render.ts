/**
 * A pack in wire form: the fields of seed 000/003 that apply to its state. Optional arrays appear only
 * when they hold something (validation data while validating, errors when the CA reported some), as the
 * real API omits them; `certificates` is required by the schema and is `[]` before issuance.
 */
import { isoSeconds } from "../clock";
import type { Pack, PackCertificate } from "./model";

function renderCertificate(cert: PackCertificate, zoneId: string) {
  return {
    id: cert.id,
    hosts: [...cert.hosts],
    status: cert.status,
    issuer: cert.issuer,
    signature: cert.signature,
    bundle_method: cert.bundleMethod,
    uploaded_on: isoSeconds(cert.uploadedOn),
    modified_on: isoSeconds(cert.modifiedOn),
    expires_on: isoSeconds(cert.expiresOn),
    priority: cert.priority,
    zone_id: zoneId,
  };
}

export function renderPack(pack: Pack): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: pack.id,
    type: pack.type,
    hosts: [...pack.hosts],
    status: pack.status,
    validation_method: pack.validationMethod,
    validity_days: pack.validityDays,
    certificate_authority: pack.certificateAuthority,
    cloudflare_branding: pack.cloudflareBranding,
    certificates: pack.certificates.map((c) => renderCertificate(c, pack.zoneId)),
  };
  const primary = pack.certificates[0];
  if (primary !== undefined) wire.primary_certificate = primary.id;
  if (pack.validationRecords.length > 0)
    wire.validation_records = pack.validationRecords.map((r) => ({ ...r }));
  if (pack.dcvDelegationRecords.length > 0) {
    wire.dcv_delegation_records = pack.dcvDelegationRecords.map((r) => ({ ...r }));
  }
  if (pack.validationErrors.length > 0)
    wire.validation_errors = pack.validationErrors.map((message) => ({ message }));
  return wire;
}
