/**
 * When Cloudflare renews a pack by itself: advanced certificates renew 30 days before expiry for 90-day
 * and 1-year validity, 7 days for 30-day, 3 days for 14-day
 * (https://developers.cloudflare.com/ssl/edge-certificates/advanced-certificate-manager/#renewal).
 * Packs Cloudflare does not issue itself (custom uploads) are never renewed by it: no window.
 */
import { DAY_MS } from "../../model/certificate";
import { LATE_RENEWAL_GRACE_DAYS, type ProviderRenewal, type RenewalInput } from "../../model/renewal";

/** Pack types whose certificates Cloudflare itself issues and renews. */
const RENEWED_TYPES = new Set(["advanced", "universal", "total_tls", "managed_hostname"]);

/** Validity assumed for a Cloudflare-renewed pack that does not say (certgate orders 90-day packs by default). */
export const CLOUDFLARE_ASSUMED_VALIDITY_DAYS = 90;

/**
 * The auto-renewal period by validity band
 * (https://developers.cloudflare.com/ssl/reference/certificate-validity-periods/): 30 days before expiry for
 * 90-day and 1-year certificates, 7 days for 1-month and 3 days for 2-week ones. Other lengths (a 47-day
 * pack) get the band they fall in: >= 60 days -> 30, >= 21 -> 7, else 3.
 */
export function cloudflareRenewalBand(validityDays: number): number {
  if (validityDays >= 60) return 30;
  if (validityDays >= 21) return 7;
  return 3;
}

/** The monitor's lifetime model: when Cloudflare renews a pack of this type and validity. */
export function cloudflareRenewal(input: RenewalInput): ProviderRenewal {
  const grace = LATE_RENEWAL_GRACE_DAYS;
  if (input.type !== null && !RENEWED_TYPES.has(input.type)) return { renewal_days: null, grace_days: grace };
  const validityDays =
    input.validityMs === null ? CLOUDFLARE_ASSUMED_VALIDITY_DAYS : input.validityMs / DAY_MS;
  return { renewal_days: cloudflareRenewalBand(validityDays), grace_days: grace };
}
