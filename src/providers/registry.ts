/**
 * THE list of providers. Adding one is a folder (providers/<name>/, its index.ts exporting one
 * `defineProvider(...)`) and one line here; nothing else names it. `createRegistry` checks the list
 * and connects it to one app: everything else iterates what it gives (configuration, /v1 schemas,
 * native doors and their envelope families, the monitor's sources). Tests register more providers
 * through `createWorker(deps, { providers })`.
 */
import { certgateEnvelope, type EnvelopeFamily } from "../envelope-family";
import type { Route } from "../http/route";
import type { NativeService } from "../service/certificates";
import { cloudflare } from "./cloudflare";
import { gjirafa } from "./gjirafa";
import type { RegisteredProvider } from "./module";
import type { LoadedProvider, Registry } from "./types";

export const PROVIDERS: readonly RegisteredProvider[] = [cloudflare, gjirafa];

/** A provider's name: lowercase, short, usable in ids (`{provider}:{scope}:{id}`), paths and KV keys. */
const NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** The registry of one app: the Registry the layers below see, plus the native doors. */
export interface AppRegistry extends Registry {
  readonly providers: readonly RegisteredProvider[];
  /** Every native door's routes, in registry order. */
  nativeRoutes(service: NativeService): Route[];
  /** The envelope family of a request path: its native door's, else certgate's. */
  envelopeFor(path: string): EnvelopeFamily;
}

export function createRegistry(providers: readonly RegisteredProvider[] = PROVIDERS): AppRegistry {
  const names = new Set<string>();
  const mounts = new Set<string>();
  for (const { descriptor, native } of providers) {
    if (!NAME.test(descriptor.name)) throw new Error(`provider name "${descriptor.name}" must match ${NAME}`);
    if (names.has(descriptor.name)) throw new Error(`provider "${descriptor.name}" is registered twice`);
    names.add(descriptor.name);
    if (native) {
      if (!/^\/[a-z0-9/_-]+[^/]$/.test(native.mount))
        throw new Error(`mount "${native.mount}" is not a path`);
      if (mounts.has(native.mount)) throw new Error(`two native doors mount at ${native.mount}`);
      mounts.add(native.mount);
    }
  }
  const descriptors = providers.map((p) => p.descriptor);
  const connections = providers.map((p) => p.connect());
  const doors = providers.flatMap((p) => (p.native ? [p.native] : []));
  return Object.freeze({
    providers,
    descriptors,
    get: (name: string) => descriptors.find((d) => d.name === name),
    load: (env: object): LoadedProvider[] => connections.map((c) => c.load(env)),
    nativeRoutes: (service: NativeService) => connections.flatMap((c) => c.routes(service)),
    envelopeFor(path: string): EnvelopeFamily {
      // Trailing slashes are not significant (app.ts), so "/cloudflare/client/v4/" may arrive without one.
      const slashed = `${path}/`;
      return doors.find((d) => slashed.startsWith(`${d.mount}/`))?.envelope ?? certgateEnvelope;
    },
  });
}
