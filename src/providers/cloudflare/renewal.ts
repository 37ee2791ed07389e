/**
 * When Cloudflare renews a pack by itself: advanced certificates renew 30 days before expiry for 90-day
 * and 1-year validity, 7 days for 30-day, 3 days for 14-day
 * (https://developers.cloudflare.com/ssl/edge-certificates/advanced-certificate-manager/#renewal).
 * Packs Cloudflare does not issue itself (custom uploads) are never renewed by it: no window.
 */
import { type Certificate, validityDaysOf } from "../../model/certificate";

/** Pack types whose certificates Cloudflare itself issues and renews. */
const RENEWED_TYPES = new Set(["advanced", "universal", "total_tls", "managed_hostname"]);

export function cloudflareRenewalDays(cert: Certificate): number | null {
  if (cert.type !== null && !RENEWED_TYPES.has(cert.type)) return null;
  // certgate orders 90-day packs by default: assume it when the pack does not say.
  const validity = validityDaysOf(cert) ?? 90;
  if (validity >= 60) return 30;
  if (validity >= 21) return 7;
  return 3;
}
