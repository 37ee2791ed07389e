/**
 * The scopes the monitor watches: every scope of every configured provider, in registry and then
 * configuration order (the rotation's tie-break). They come from the configuration the registry made,
 * so a registered provider is always watched.
 */
import type { Config } from "../config/load";
import { type Scope, scopeKey } from "../model/scope";
import type { ConfiguredProvider } from "../providers/types";

export interface Source {
  provider: ConfiguredProvider;
  scope: Scope;
  /** `{provider}:{scope id}`: the scope's key in STATE and in the report. */
  key: string;
}

export function configuredSources(config: Pick<Config, "providers">): Source[] {
  return config.providers.flatMap((provider) =>
    provider.instance.scopes.map((id) => {
      const scope: Scope = { provider: provider.descriptor.name, kind: provider.descriptor.scopeKind, id };
      return { provider, scope, key: scopeKey(scope) };
    }),
  );
}
