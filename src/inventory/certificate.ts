/**
 * One certificate as the read-only views show it: what /metrics labels a series with and what /status
 * lists, from a normalized certificate (a cached list) or from the monitor's last observation of it.
 *
 * The x509-certificate-exporter's labels (https://github.com/enix/x509-certificate-exporter) are set only
 * where the value is known, never guessed:
 *   serial_number   the serial of the entry's one X.509 certificate, where the provider reports it
 *   subject_CN      that certificate's first name (its subject common name, with the alternative names
 *                   after it), only for an entry that is one certificate with a reported serial
 *   issuer_CN       the CN attribute of the issuer, when the provider gives the issuer as a distinguished
 *                   name (`CN=R11, O=Let's Encrypt, C=US`); a CA's brand name is not a CN
 */
import type { Certificate, NormalizedStatus } from "../model/certificate";
import { NormalizedStatusSchema } from "../model/certificate";
import type { Scope } from "../model/scope";

export interface ViewCertificate {
  id: string;
  provider: string;
  scope: Scope;
  hosts: readonly string[];
  status: NormalizedStatus;
  provider_status: string;
  type: string | null;
  /** ISO times, null when not known; with their epoch ms (NaN-free: null when unparseable). */
  not_before: string | null;
  expires_at: string | null;
  notBeforeMs: number | null;
  expiresMs: number | null;
  subject_cn: string | null;
  issuer_cn: string | null;
  serial_number: string | null;
}

const msOf = (iso: string | null): number | null => {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
};

/**
 * The CN of a distinguished name (RFC 4514 string or OpenSSL's one-line form), or null. Linear: one pass
 * over attribute/value pairs split at unescaped commas; `\,` and other escapes are kept as the character.
 */
export function commonNameOf(dn: string | null): string | null {
  if (dn === null || !dn.includes("=")) return null;
  let i = 0;
  while (i < dn.length) {
    let part = "";
    while (i < dn.length && dn[i] !== ",") {
      if (dn[i] === "\\" && i + 1 < dn.length) {
        part += dn[i + 1];
        i += 2;
        continue;
      }
      part += dn[i];
      i += 1;
    }
    i += 1;
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim().toUpperCase() === "CN") {
      const value = part.slice(eq + 1).trim();
      return value === "" ? null : value;
    }
  }
  return null;
}

export function fromCertificate(cert: Certificate): ViewCertificate {
  const only = cert.certificates.length === 1 ? cert.certificates[0] : undefined;
  const serial = only?.serial_number ?? null;
  return {
    id: cert.id,
    provider: cert.provider,
    scope: { provider: cert.provider, kind: cert.scope.kind, id: cert.scope.id },
    hosts: cert.hosts,
    status: cert.status,
    provider_status: cert.provider_status,
    type: cert.type,
    not_before: cert.not_before,
    expires_at: cert.expires_at,
    notBeforeMs: msOf(cert.not_before),
    expiresMs: msOf(cert.expires_at),
    subject_cn: serial !== null ? (only?.hosts[0] ?? cert.hosts[0] ?? null) : null,
    issuer_cn: commonNameOf(cert.issuer),
    serial_number: serial,
  };
}

/** What the monitor remembers of a certificate between runs (its STATE observations). */
export interface Observation {
  certificate_id: string;
  hosts: string[];
  status: string;
  provider_status: string;
  expires_at: string | null;
}

export function fromObservation(scope: Scope, o: Observation): ViewCertificate {
  const status = NormalizedStatusSchema.safeParse(o.status);
  return {
    id: o.certificate_id,
    provider: scope.provider,
    scope,
    hosts: o.hosts,
    status: status.success ? status.data : "unknown",
    provider_status: o.provider_status,
    type: null,
    not_before: null,
    expires_at: o.expires_at,
    notBeforeMs: null,
    expiresMs: msOf(o.expires_at),
    subject_cn: null,
    issuer_cn: null,
    serial_number: null,
  };
}
