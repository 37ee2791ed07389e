/**
 * When Gjirafa renews a certificate by itself. Gjirafa issues with Let's Encrypt and documents no renewal
 * schedule: certgate ASSUMES the common Let's Encrypt practice for its 90-day certificates, renewal 30
 * days before expiry (https://letsencrypt.org/docs/integration-guide/#when-to-renew; docs/monitor.md).
 * Imported certificates are the user's to replace: no window.
 */
import type { Certificate } from "../../model/certificate";

export function gjirafaRenewalDays(cert: Certificate): number | null {
  const type = (cert.type ?? "").toLowerCase();
  return type.includes("import") ? null : 30;
}
