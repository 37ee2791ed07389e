/**
 * A certificate's validity period, from the best evidence available:
 * 1. its own dates (`not_before` .. `expires_at`, RFC 5280 §4.1.2.5), when both parse and are in order;
 * 2. else the provider's declared `validity_days` (a Cloudflare pack's ordered validity), counted back
 *    from `expires_at`;
 * 3. else unknown (a custom upload without dates): the caller falls back to the absolute ladder.
 * The certificate's own dates win over the provider's figure because they are what browsers enforce.
 */
import { DAY_MS } from "./thresholds";

/** The fields of the normalized certificate model this module reads (names as in the model). */
export interface CertificateDates {
  not_before: string | null;
  expires_at: string | null;
  validity_days: number | null;
}

export type ValiditySource = "certificate" | "provider" | "unknown";

export interface Validity {
  /** Epoch ms of expiry. */
  expiresAt: number;
  /** Epoch ms the validity starts (measured or inferred), or null when unknown. */
  startsAt: number | null;
  /** Validity in ms, or null when unknown. */
  ms: number | null;
  source: ValiditySource;
}

function parse(iso: string | null): number | null {
  if (iso === null) return null;
  const at = Date.parse(iso);
  return Number.isFinite(at) ? at : null;
}

/** Null when the expiry itself is unknown or unparsable: nothing can be said about the certificate. */
export function resolveValidity(cert: CertificateDates): Validity | null {
  const expiresAt = parse(cert.expires_at);
  if (expiresAt === null) return null;
  const notBefore = parse(cert.not_before);
  if (notBefore !== null && notBefore < expiresAt) {
    return { expiresAt, startsAt: notBefore, ms: expiresAt - notBefore, source: "certificate" };
  }
  if (cert.validity_days !== null && Number.isFinite(cert.validity_days) && cert.validity_days > 0) {
    const ms = cert.validity_days * DAY_MS;
    return { expiresAt, startsAt: expiresAt - ms, ms, source: "provider" };
  }
  return { expiresAt, startsAt: null, ms: null, source: "unknown" };
}
