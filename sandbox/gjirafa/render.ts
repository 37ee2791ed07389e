/**
 * Wire shapes of the Gjirafa API documentation: the detail object and the (smaller) list item.
 * `GjirafaShape` holds the shapes the documentation allows besides the default rendering, each a
 * simulator switch.
 */
import type { GjirafaCertificate } from "./model";
import { GJIRAFA_STATUS, SCOPE_OPTIONS } from "./model";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface GjirafaShape {
  /**
   * Fields with nothing to say are null instead of empty: `additionalNames`, `dnsRecords`, `scope`,
   * `scopeOptions`, `lastModified`, `sslCertificateId` (nothing in the documentation says they are set).
   */
  nullFields: boolean;
}

export const DEFAULT_GJIRAFA_SHAPE: GjirafaShape = { nullFields: false };

/** The status as of `now`: an active certificate past its notAfter reads "Expired". */
export function statusAt(cert: GjirafaCertificate, now: number): string {
  if (cert.status === GJIRAFA_STATUS.active && cert.notAfter !== null && now >= cert.notAfter) {
    return GJIRAFA_STATUS.expired;
  }
  return cert.status;
}

/** Seed 004: `additionalNames` is ONE string holding the list (comma separated here). */
export function joinNames(names: readonly string[]): string {
  return names.join(",");
}

export function scopeName(scopeId: number): string {
  return Object.entries(SCOPE_OPTIONS).find(([, id]) => id === scopeId)?.[0] ?? "Project";
}

export function renderDetail(cert: GjirafaCertificate, now: number) {
  return {
    id: cert.id,
    projectId: cert.projectId,
    scopeId: cert.scopeId,
    sslCertificateId: cert.sslCertificateId,
    domainName: cert.domainName,
    additionalNames: joinNames(cert.additionalNames),
    publicKeyInfo: cert.publicKeyInfo,
    signatureAlgorithm: cert.signatureAlgorithm,
    issuer: cert.issuer,
    certificateType: cert.certificateType,
    certificateStatus: statusAt(cert, now),
    certificateChallenge: cert.certificateChallenge,
    serialNumber: cert.serialNumber,
    dnsRecords: cert.dnsRecords.map((r) => ({ ...r })),
    notBefore: iso(cert.notBefore),
    notAfter: iso(cert.notAfter),
    scopeOptions: { ...SCOPE_OPTIONS },
  };
}

export function renderListItem(cert: GjirafaCertificate, now: number) {
  return {
    id: cert.id,
    distributionId: cert.distributionId,
    sslCertificateId: cert.sslCertificateId,
    domainName: cert.domainName,
    additionalNames: joinNames(cert.additionalNames),
    certificateType: cert.certificateType,
    certificateStatus: statusAt(cert, now),
    scope: scopeName(cert.scopeId),
    lastModified: new Date(cert.lastModified).toISOString(),
  };
}

/** A wire object as an answer sends it: the default rendering, reshaped by `shape`. */
function reshape(wire: Record<string, unknown>, cert: GjirafaCertificate, shape: GjirafaShape) {
  if (!shape.nullFields) return wire;
  const out: Record<string, unknown> = { ...wire };
  for (const field of ["sslCertificateId", "scope", "scopeOptions", "lastModified"]) {
    if (field in out) out[field] = null;
  }
  if (cert.additionalNames.length === 0) out.additionalNames = null;
  if ("dnsRecords" in out && cert.dnsRecords.length === 0) out.dnsRecords = null;
  return out;
}

export function renderDetailAs(cert: GjirafaCertificate, now: number, shape: GjirafaShape) {
  return reshape(renderDetail(cert, now), cert, shape);
}

export function renderListItemAs(cert: GjirafaCertificate, now: number, shape: GjirafaShape) {
  return reshape(renderListItem(cert, now), cert, shape);
}
