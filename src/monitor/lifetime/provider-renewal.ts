/**
 * When each provider renews a certificate on its own: today's late-renewal knowledge, kept as data so the
 * wiring can move it into each provider's descriptor unchanged.
 *
 * - Cloudflare (https://developers.cloudflare.com/ssl/reference/certificate-validity-periods/): the auto
 *   renewal period is 30 days before expiry for 90-day and 1-year certificates, 7 days for 1-month and 3
 *   days for 2-week ones; attempts continue until 24 hours before expiry. Bands by validity so that other
 *   lengths (a 47-day pack) get the band they fall in: >= 60 days -> 30, >= 21 -> 7, else 3. A pack whose
 *   validity is unknown is assumed to be a 90-day one (certgate orders 90-day packs by default). Only the
 *   pack types Cloudflare issues itself renew; custom uploads are the user's to replace.
 * - Gjirafa issues with Let's Encrypt and documents no schedule. We ASSUME Let's Encrypt's common practice:
 *   30 days before expiry for its 90-day certificates; for shorter certificates the lesser of 30 days and
 *   1/3 of the lifetime (Go's ACME client rule, https://pkg.go.dev/golang.org/x/crypto/acme/autocert#Manager),
 *   so a shorter Let's Encrypt profile is not "late" a day after issuance. Imported certificates never renew.
 *
 * Renewal is issuance plus deployment, not instant: a certificate is only `late` once it is
 * LATE_RENEWAL_GRACE_DAYS past the provider's renewal point with the same expiry.
 */
import { DAY_MS } from "./thresholds";

export const LATE_RENEWAL_GRACE_DAYS = 1;

/** Validity assumed for a Cloudflare-renewed pack that does not say. */
export const CLOUDFLARE_ASSUMED_VALIDITY_DAYS = 90;

/** Cloudflare pack types whose certificates Cloudflare itself issues and renews. */
const CLOUDFLARE_RENEWED_TYPES: ReadonlySet<string> = new Set([
  "advanced",
  "universal",
  "total_tls",
  "managed_hostname",
]);

export interface ProviderRenewal {
  /** Days before expiry the provider renews on its own, or null when it never does (imported, custom). */
  renewal_days: number | null;
  /** Days past the renewal point before the certificate counts as late. */
  grace_days: number;
}

export interface ProviderRenewalInput {
  provider: "cloudflare" | "gjirafa";
  /** Pack type (Cloudflare) or certificate type (Gjirafa: "Gjirafa Issued", "Imported"). */
  type: string | null;
  /** Validity in ms when known (see validity.ts), else null. */
  validityMs: number | null;
}

export function cloudflareRenewalDays(validityDays: number): number {
  if (validityDays >= 60) return 30;
  if (validityDays >= 21) return 7;
  return 3;
}

export function providerRenewal(input: ProviderRenewalInput): ProviderRenewal {
  const grace = LATE_RENEWAL_GRACE_DAYS;
  const validityDays = input.validityMs === null ? null : input.validityMs / DAY_MS;
  if (input.provider === "gjirafa") {
    // "Gjirafa Issued" certificates renew; "Imported" ones are the user's to replace.
    if ((input.type ?? "").toLowerCase().includes("import")) return { renewal_days: null, grace_days: grace };
    return { renewal_days: validityDays === null ? 30 : Math.min(30, validityDays / 3), grace_days: grace };
  }
  if (input.type !== null && !CLOUDFLARE_RENEWED_TYPES.has(input.type)) {
    return { renewal_days: null, grace_days: grace };
  }
  return {
    renewal_days: cloudflareRenewalDays(validityDays ?? CLOUDFLARE_ASSUMED_VALIDITY_DAYS),
    grace_days: grace,
  };
}
