/**
 * Cloudflare pack -> the certgate model. Pure: no I/O, time comes in as `nowMs`.
 *
 * - expires_at: the EARLIEST `certificates[].expires_on` (expiry is per certificate, the pack
 *   has none; the first certificate to lapse is the one that breaks TLS for some clients).
 * - not_before: null. Cloudflare reports no start of validity: `uploaded_on` is when Cloudflare stored a
 *   certificate, not when it became valid, so it is shown as `certificates[].uploaded_at`, never here.
 * - issuer: of the primary certificate (`primary_certificate`), else of the first certificate with one.
 * - certificates: each of the pack's certificates with what Cloudflare says of it (id, hosts, status,
 *   issuer, signature, bundle method, dates, priority, geo restriction); an absent list reads as none.
 * - cloudflare_branding and primary_certificate as sent (null when absent).
 * - updated_at: the latest `certificates[].modified_on` (the pack itself has no timestamp).
 * - validation records: BOTH `validation_records` and `dcv_delegation_records`, one record per kind a
 *   wire record carries (txt, http, cname, email); users automate DNS from them, so none is dropped.
 *   A wire record with no publishable field at all (the API reference's list example is all nulls)
 *   yields none.
 */
import {
  type Certificate,
  certificateId,
  daysRemaining,
  type IssuedCertificate,
  type ValidationRecord,
} from "../../model/certificate";
import type { CertificatePack, PackCertificate, ValidationRecordWire } from "./schemas";
import { normalizeCloudflareStatus } from "./status";

export function normalizeCloudflarePack(zone: string, pack: CertificatePack, nowMs: number): Certificate {
  const certs = pack.certificates ?? [];
  const expiries = certs.map((c) => toMs(c.expires_on)).filter((ms): ms is number => ms !== null);
  const modified = certs.map((c) => toMs(c.modified_on)).filter((ms): ms is number => ms !== null);
  const expiresMs = expiries.length > 0 ? Math.min(...expiries) : null;
  const primaryId = pack.primary_certificate;
  const primary =
    certs.find((c) => primaryId && c.id === primaryId && c.issuer) ?? certs.find((c) => c.issuer);

  return {
    id: certificateId("cloudflare", zone, pack.id),
    provider: "cloudflare",
    scope: { kind: "zone", id: zone },
    hosts: [...(pack.hosts ?? [])],
    status: normalizeCloudflareStatus(pack.status ?? ""),
    provider_status: pack.status ?? "",
    type: pack.type ?? null,
    certificate_authority: pack.certificate_authority ?? null,
    issuer: primary?.issuer ?? null,
    validity_days: pack.validity_days ?? null,
    not_before: null,
    expires_at: expiresMs === null ? null : iso(expiresMs),
    days_remaining: daysRemaining(expiresMs, nowMs),
    validation: {
      method: pack.validation_method ?? null,
      records: [
        ...(pack.validation_records ?? []).flatMap((r) => toRecords(r, "validation_records")),
        ...(pack.dcv_delegation_records ?? []).flatMap((r) => toRecords(r, "dcv_delegation_records")),
      ],
      errors: (pack.validation_errors ?? [])
        .map((e) => e.message)
        .filter((m): m is string => typeof m === "string" && m !== ""),
    },
    updated_at: modified.length > 0 ? iso(Math.max(...modified)) : null,
    cloudflare_branding: pack.cloudflare_branding ?? null,
    primary_certificate: pack.primary_certificate ?? null,
    certificates: certs.map((c) => toIssued(c, pack.primary_certificate)),
    certificate_scope: null,
  };
}

/** One of the pack's certificates, as Cloudflare describes it. */
function toIssued(cert: PackCertificate, primary: string | null | undefined): IssuedCertificate {
  return {
    id: cert.id ?? null,
    hosts: [...(cert.hosts ?? [])],
    status: cert.status ?? null,
    issuer: cert.issuer ?? null,
    signature_algorithm: cert.signature ?? null,
    serial_number: null,
    public_key_info: null,
    bundle_method: cert.bundle_method ?? null,
    not_before: null,
    expires_at: isoOrNull(cert.expires_on),
    uploaded_at: isoOrNull(cert.uploaded_on),
    modified_at: isoOrNull(cert.modified_on),
    priority: cert.priority ?? null,
    geo_restriction: cert.geo_restrictions?.label ?? null,
    primary: typeof cert.id === "string" && cert.id !== "" && cert.id === primary,
  };
}

function isoOrNull(value: string | null | undefined): string | null {
  const ms = toMs(value);
  return ms === null ? null : iso(ms);
}

/** One wire record -> one model record per kind it carries. */
export function toRecords(wire: ValidationRecordWire, source: string): ValidationRecord[] {
  const noEmails: string[] = [];
  const base = { name: null, value: null, url: null, emails: noEmails, status: wire.status ?? null, source };
  const out: ValidationRecord[] = [];
  if (wire.txt_name || wire.txt_value) {
    out.push({ ...base, kind: "txt", name: wire.txt_name ?? null, value: wire.txt_value ?? null });
  }
  if (wire.http_url || wire.http_body) {
    out.push({ ...base, kind: "http", url: wire.http_url ?? null, value: wire.http_body ?? null });
  }
  if (wire.cname || wire.cname_target) {
    out.push({ ...base, kind: "cname", name: wire.cname ?? null, value: wire.cname_target ?? null });
  }
  const emails = (wire.emails ?? []).filter((e) => e !== "");
  if (emails.length > 0) out.push({ ...base, kind: "email", emails });
  return out;
}

function toMs(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
