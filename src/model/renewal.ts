/**
 * When a provider renews a certificate on its own, as each provider module states it
 * (src/providers/<name>/renewal.ts) and the monitor's lifetime model reads it (src/monitor/lifetime/).
 *
 * Renewal is issuance plus deployment, not instant: a certificate is only `late` once it is
 * `grace_days` past the provider's renewal point with the same expiry.
 */
export interface ProviderRenewal {
  /** Days before expiry the provider renews on its own, or null when it never does (imported, custom). */
  renewal_days: number | null;
  /** Days past the renewal point before the certificate counts as late. */
  grace_days: number;
}

export const LATE_RENEWAL_GRACE_DAYS = 1;

/** What a provider's renewal rule reads: the certificate's type and, when known, its validity. */
export interface RenewalInput {
  /** Pack type (Cloudflare) or certificate type (Gjirafa: "Gjirafa Issued", "Imported"). */
  type: string | null;
  /** Validity in ms when known, else null. */
  validityMs: number | null;
}
