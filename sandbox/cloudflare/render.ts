/**
 * A pack in wire form: the fields of seed 000/003 that apply to its state. Optional arrays appear only
 * when they hold something (validation data while validating, errors when the CA reported some), as the
 * real API omits them; `certificates` is `[]` before issuance by default.
 *
 * `WireShape` holds the answer shapes the published schema and its examples allow besides that default,
 * each a switch (simulator options), so clients are tested against every one of them.
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

/** Shapes the published schema and its examples allow, beyond the default rendering. */
export interface WireShape {
  /**
   * When a pack that has no certificates omits the `certificates` field: "never" (default), in the
   * answers of writes ("writes": the published schema's order and restart answers carry no
   * `certificates`), or in every answer ("always").
   */
  omitEmptyCertificates: "never" | "writes" | "always";
  /**
   * Optional fields are sent as null instead of being left out, and a pack without certificates lists
   * one certificate whose every field is null (the list example of the API reference prints exactly that).
   */
  nullFields: boolean;
}

export const DEFAULT_WIRE_SHAPE: WireShape = { omitEmptyCertificates: "never", nullFields: false };

const NULL_CERTIFICATE = {
  bundle_method: null,
  expires_on: null,
  geo_restrictions: null,
  hosts: null,
  id: null,
  issuer: null,
  modified_on: null,
  priority: null,
  signature: null,
  status: null,
  uploaded_on: null,
  zone_id: null,
};

const OPTIONAL_PACK_FIELDS = [
  "primary_certificate",
  "validation_records",
  "dcv_delegation_records",
  "validation_errors",
] as const;

/** A pack as one answer sends it: the default wire form, reshaped by `shape`. */
export function renderPackAs(
  pack: Pack,
  shape: WireShape,
  answer: "read" | "write",
): Record<string, unknown> {
  const wire: Record<string, unknown> = { ...renderPack(pack) };
  const empty = pack.certificates.length === 0;
  const omit =
    empty &&
    (shape.omitEmptyCertificates === "always" ||
      (shape.omitEmptyCertificates === "writes" && answer === "write"));
  if (shape.nullFields) {
    for (const field of OPTIONAL_PACK_FIELDS) wire[field] ??= null;
    if (empty) wire.certificates = [{ ...NULL_CERTIFICATE }];
  }
  if (omit) delete wire.certificates;
  return wire;
}
