/**
 * The providers' renewal rules by name, for the lifetime tests (the monitor reaches them through the
 * provider registry; the tests name them directly).
 */
import type { ProviderRenewal, RenewalInput } from "../../../src/model/renewal";
import { cloudflareRenewal } from "../../../src/providers/cloudflare/renewal";
import { gjirafaRenewal } from "../../../src/providers/gjirafa/renewal";

export type { ProviderRenewal };

export function providerRenewal(
  input: RenewalInput & { provider: "cloudflare" | "gjirafa" },
): ProviderRenewal {
  return input.provider === "cloudflare" ? cloudflareRenewal(input) : gjirafaRenewal(input);
}
