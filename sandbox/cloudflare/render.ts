/**
 * A pack in wire form: the fields of seed 000/003 that apply to its state. Optional arrays appear only
 * when they hold something (validation data while validating, errors when the CA reported some), as the
 * real API omits them; `certificates` is required by the schema and is `[]` before issuance.
 */
import { isoSeconds } from "../clock";
import type {
  CertificateAuthority,
  Pack,
  PackCertificate,
  PackStatus,
  PackType,
  ValidationRecord,
  ValidityDays,
} from "./model";

/** One certificate of a pack, as the API sends it (seed 003). */
export interface WireCertificate {
  id: string;
  hosts: string[];
  status: string;
  issuer: string;
  signature: string;
  bundle_method: string;
  uploaded_on: string;
  modified_on: string;
  expires_on: string;
  priority: number;
  zone_id: string;
}

/** A certificate pack as the API sends it (seed 000/003). */
export interface WirePack {
  id: string;
  type: PackType;
  hosts: string[];
  status: PackStatus;
  validation_method: string;
  validity_days: ValidityDays;
  certificate_authority: CertificateAuthority;
  cloudflare_branding: boolean;
  certificates: WireCertificate[];
  primary_certificate?: string;
  validation_records?: ValidationRecord[];
  dcv_delegation_records?: ValidationRecord[];
  validation_errors?: Array<{ message: string }>;
}

function renderCertificate(cert: PackCertificate, zoneId: string): WireCertificate {
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

export function renderPack(pack: Pack): WirePack {
  const wire: WirePack = {
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
