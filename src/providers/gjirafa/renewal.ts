/**
 * When Gjirafa renews a certificate by itself. Gjirafa issues with Let's Encrypt and documents no renewal
 * schedule: certgate ASSUMES the common Let's Encrypt practice for its 90-day certificates, renewal 30
 * days before expiry (https://letsencrypt.org/docs/integration-guide/#when-to-renew; docs/monitor.md).
 * Imported certificates are the user's to replace: no window.
 */
import { DAY_MS } from "../../model/certificate";
import { LATE_RENEWAL_GRACE_DAYS, type ProviderRenewal, type RenewalInput } from "../../model/renewal";

/**
 * The monitor's lifetime model: Gjirafa issues with Let's Encrypt and documents no schedule. ASSUMED: Let's
 * Encrypt's common practice, 30 days before expiry for its 90-day certificates; for shorter certificates the
 * lesser of 30 days and 1/3 of the lifetime (Go's ACME client rule,
 * https://pkg.go.dev/golang.org/x/crypto/acme/autocert#Manager), so a shorter profile is not "late" a day
 * after issuance. Imported certificates never renew.
 */
export function gjirafaRenewal(input: RenewalInput): ProviderRenewal {
  const grace = LATE_RENEWAL_GRACE_DAYS;
  if ((input.type ?? "").toLowerCase().includes("import")) return { renewal_days: null, grace_days: grace };
  const validityDays = input.validityMs === null ? null : input.validityMs / DAY_MS;
  return { renewal_days: validityDays === null ? 30 : Math.min(30, validityDays / 3), grace_days: grace };
}
