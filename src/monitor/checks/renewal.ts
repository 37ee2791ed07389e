/**
 * Renewal windows: how long before expiry the provider renews a certificate on its own.
 *
 * Cloudflare (domain.md "Renewal"): advanced certificates renew 30 days before expiry for 90-day and
 * 1-year validity, 7 days for 30-day, 3 days for 14-day.
 * Gjirafa issues with Let's Encrypt (seed 004) and documents no renewal schedule. We ASSUME the common
 * Let's Encrypt practice for its 90-day certificates: renewal 30 days before expiry (README "Monitor").
 * Certificates the provider does not issue (Cloudflare custom uploads, Gjirafa "Imported") are never
 * renewed by it: no window, only the expiry ladder applies.
 */
import type { Certificate } from "../../model/certificate";

const DAY = 86_400_000;

/** Cloudflare pack types whose certificates Cloudflare itself issues and renews. */
const CLOUDFLARE_RENEWED_TYPES = new Set(["advanced", "universal", "total_tls", "managed_hostname"]);

/** Validity in days: the provider's field, else measured from the certificate's own dates. */
export function validityDays(cert: Certificate): number | null {
  if (cert.validity_days !== null) return cert.validity_days;
  if (cert.not_before && cert.expires_at) {
    const ms = Date.parse(cert.expires_at) - Date.parse(cert.not_before);
    if (Number.isFinite(ms) && ms > 0) return Math.round(ms / DAY);
  }
  return null;
}

/** Days before expiry at which the provider renews `cert`, or null when it does not renew it. */
export function renewalWindowDays(cert: Certificate): number | null {
  if (cert.provider === "gjirafa") {
    const type = (cert.type ?? "").toLowerCase();
    // "Gjirafa Issued" certificates renew; "Imported" ones are the user's to replace.
    return type.includes("import") ? null : 30;
  }
  if (cert.type !== null && !CLOUDFLARE_RENEWED_TYPES.has(cert.type)) return null;
  // certgate orders 90-day packs by default (seed 001): assume it when the pack does not say.
  const validity = validityDays(cert) ?? 90;
  if (validity >= 60) return 30;
  if (validity >= 21) return 7;
  return 3;
}

/**
 * Renewal is issuance plus deployment, not instant: a certificate is "late" once it is this many days
 * inside its window with the same expiry.
 */
export const LATE_RENEWAL_GRACE_DAYS = 1;
