/**
 * Gjirafa certificate -> the certgate model. Pure: no I/O, time comes in as `nowMs`.
 *
 * - hosts: `domainName` then `additionalNames`, which the wire carries as ONE string; it is
 *   split on commas, semicolons and whitespace, trimmed, lowercased and deduplicated.
 * - `listAll` hands out list items merged with their detail (enrich.ts), so notAfter, notBefore, issuer,
 *   dnsRecords and certificateChallenge are normally present. A plain list item (an older cache entry)
 *   lacks them: they come out null/empty, never guessed. validity_days is derived only when both
 *   notBefore and notAfter are known.
 * - validation: DNS (TXT) only for issued certificates; `dnsRecords[{key,value}]` become
 *   `txt` records and `certificateChallenge` a `challenge` record. Imported certificates have no method.
 * - certificate_authority: Gjirafa does not report one; null (the issuer text is in `issuer`).
 * - certificates: the one certificate this is, as Gjirafa describes it (sslCertificateId, serialNumber,
 *   signatureAlgorithm, publicKeyInfo, issuer, notBefore/notAfter); certificate_scope: `scope` (name),
 *   `scopeId` and `scopeOptions` (numeric entries only).
 */
import {
  type Certificate,
  type CertificateScope,
  certificateId,
  DAY_MS,
  daysRemaining,
  type ValidationRecord,
} from "../../model/certificate";
import type { GjirafaCertificate } from "./schemas";
import { normalizeGjirafaStatus } from "./status";

export function splitNames(value: string | null | undefined): string[] {
  if (!value) return [];
  return value
    .split(/[\s,;]+/)
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
}

export function hostsOf(cert: Pick<GjirafaCertificate, "domainName" | "additionalNames">): string[] {
  return [...new Set([...splitNames(cert.domainName), ...splitNames(cert.additionalNames)])];
}

export function isImported(cert: Pick<GjirafaCertificate, "certificateType">): boolean {
  return /import/i.test(cert.certificateType ?? "");
}

export function normalizeGjirafaCertificate(
  project: string,
  cert: GjirafaCertificate,
  nowMs: number,
): Certificate {
  const notBefore = toMs(cert.notBefore);
  const notAfter = toMs(cert.notAfter);
  const noEmails: string[] = [];
  const records: ValidationRecord[] = (cert.dnsRecords ?? [])
    .filter((r) => r.key || r.value)
    .map((r) => ({
      kind: "txt",
      name: r.key ?? null,
      value: r.value ?? null,
      url: null,
      emails: noEmails,
      status: null,
      source: "dnsRecords",
    }));
  if (cert.certificateChallenge) {
    records.push({
      kind: "challenge",
      name: null,
      value: cert.certificateChallenge,
      url: null,
      emails: noEmails,
      status: null,
      source: "certificateChallenge",
    });
  }
  return {
    id: certificateId("gjirafa", project, String(cert.id)),
    provider: "gjirafa",
    scope: { kind: "project", id: project },
    hosts: hostsOf(cert),
    status: normalizeGjirafaStatus(cert.certificateStatus),
    provider_status: cert.certificateStatus ?? "",
    type: cert.certificateType ?? null,
    certificate_authority: null,
    issuer: cert.issuer ?? null,
    validity_days:
      notBefore !== null && notAfter !== null ? Math.round((notAfter - notBefore) / DAY_MS) : null,
    not_before: notBefore === null ? null : iso(notBefore),
    expires_at: notAfter === null ? null : iso(notAfter),
    days_remaining: daysRemaining(notAfter, nowMs),
    validation: {
      method: isImported(cert) ? null : "dns",
      records,
      errors: [],
    },
    updated_at: cert.lastModified ? (toIso(cert.lastModified) ?? null) : null,
    cloudflare_branding: null,
    primary_certificate: null,
    certificates: [
      {
        id: cert.sslCertificateId ?? null,
        hosts: hostsOf(cert),
        status: cert.certificateStatus ?? null,
        issuer: cert.issuer ?? null,
        signature_algorithm: cert.signatureAlgorithm ?? null,
        serial_number: cert.serialNumber ?? null,
        public_key_info: cert.publicKeyInfo ?? null,
        bundle_method: null,
        not_before: notBefore === null ? null : iso(notBefore),
        expires_at: notAfter === null ? null : iso(notAfter),
        uploaded_at: null,
        modified_at: cert.lastModified ? (toIso(cert.lastModified) ?? null) : null,
        priority: null,
        geo_restriction: null,
        primary: true,
      },
    ],
    certificate_scope: certificateScope(cert),
  };
}

/**
 * `scope` (name; else the one name `scopeOptions` gives `scopeId`), `scopeId` and the numeric
 * `scopeOptions`; null when Gjirafa said none of them.
 */
function certificateScope(cert: GjirafaCertificate): CertificateScope | null {
  const options: Record<string, number> = {};
  for (const [name, value] of Object.entries(cert.scopeOptions ?? {})) {
    if (typeof value === "number" && Number.isFinite(value)) options[name] = value;
  }
  const id = cert.scopeId ?? null;
  // A detail names its scope only by id; scopeOptions says which name that id has (when just one has it).
  const named = Object.entries(options).filter(([, value]) => value === id);
  const name = cert.scope ?? (named.length === 1 ? (named[0]?.[0] ?? null) : null);
  if (name === null && id === null && Object.keys(options).length === 0) return null;
  return { name, id, options };
}

function toMs(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function toIso(value: string): string | null {
  const ms = toMs(value);
  return ms === null ? null : iso(ms);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
