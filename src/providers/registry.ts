/**
 * The providers by name. Provider objects are frozen and stateless (everything per request comes in
 * through UpstreamContext), so one shared registry is not per-isolate mutable state.
 */
import { AppError, type ProviderName } from "../errors";
import { PROVIDERS } from "../model/certificate";
import { cloudflareProvider } from "./cloudflare/provider";
import { gjirafaProvider } from "./gjirafa/provider";
import type { CertificateProvider } from "./types";

export const providers: Readonly<Record<ProviderName, CertificateProvider>> = Object.freeze({
  cloudflare: cloudflareProvider,
  gjirafa: gjirafaProvider,
});

export function isProviderName(name: string): name is ProviderName {
  return (PROVIDERS as readonly string[]).includes(name);
}

/** The provider called `name`; 404 `not_found` for any other name (it is a path or query value). */
export function providerFor(name: string): CertificateProvider {
  if (!isProviderName(name)) {
    throw new AppError(
      "not_found",
      `Unknown provider "${name.slice(0, 40)}"; known: ${PROVIDERS.join(", ")}`,
    );
  }
  return providers[name];
}
