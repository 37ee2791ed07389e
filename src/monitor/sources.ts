/**
 * The scopes the monitor watches: every configured Cloudflare zone and Gjirafa project of every
 * configured provider, in configuration order (the rotation's tie-break).
 */
import type { Config } from "../config";
import type { ProviderName } from "../errors";
import type { CertificateProvider } from "../providers/types";
import { type ScopeTarget, scopeKey } from "./problems";

const PROVIDER_ORDER: readonly ProviderName[] = ["cloudflare", "gjirafa"];

export interface Source {
  provider: CertificateProvider;
  target: ScopeTarget;
  key: string;
}

/** The providers to watch, by name (the shape of the provider registry, `Providers` in src/service). */
export type MonitorProviders = Partial<Record<ProviderName, CertificateProvider>>;

export function configuredSources(providers: MonitorProviders, config: Config): Source[] {
  const out: Source[] = [];
  for (const name of PROVIDER_ORDER) {
    const provider = providers[name];
    if (!provider?.isConfigured(config)) continue;
    for (const id of provider.configuredScopes(config)) {
      const target: ScopeTarget = { provider: provider.name, kind: provider.scopeKind, id };
      out.push({ provider, target, key: scopeKey(target) });
    }
  }
  return out;
}
