/**
 * What middleware puts on the Hono context, typed once for the whole app.
 */
import type { Config, Scope } from "./config";
import type { Deps } from "./deps";
import type { EnvelopeFamily } from "./envelope-family";

/** Who is calling, resolved once per request by the auth layer. */
export interface Principal {
  /** Key name or Access identity; logged, never secret. */
  name: string;
  via: "api_key" | "access";
  scopes: ReadonlySet<Scope>;
  /** `"*"` or an explicit set of zone ids / project uuids. */
  zones: "*" | ReadonlySet<string>;
  projects: "*" | ReadonlySet<string>;
}

export interface AppVariables {
  requestId: string;
  deps: Deps;
  config: Config;
  principal: Principal;
  /** Set by list routes for the request log line: HIT | MISS | STALE | BYPASS. */
  cacheOutcome?: string;
  /** Marks the response envelope family for 404/405/errors on native routes. */
  envelopeFamily?: EnvelopeFamily;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
