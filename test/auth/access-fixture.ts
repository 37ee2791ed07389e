/** Shared setup of the Access tests: rules, env, and a probe app whose team serves a JWKS. */
import { routedFetch, testDeps } from "../helpers/deps";
import { testEnv, ZONE_A, ZONE_B } from "../helpers/env";
import { call, probeApp } from "./harness";
import { AUD, jwksHandler, type SigningKey, TEAM } from "./jwt";

export const SERVICE_TOKEN_CN = "88bf3b6d86161464f6509f7219099e57.access";

export const RULES = [
  { email: "alice@example.com", scopes: ["certificates:read"], zones: [ZONE_A] },
  { email: "alice@example.com", scopes: ["reports:read"], zones: [ZONE_B] },
  { group: "cert-admins", scopes: ["admin"] },
  { common_name: SERVICE_TOKEN_CN, scopes: ["certificates:write"], zones: ["*"] },
];

export const accessEnv = (overrides: Record<string, string> = {}) =>
  testEnv({ ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_RULES: JSON.stringify(RULES), ...overrides });

export const withToken = (token: string) => ({ "Cf-Access-Jwt-Assertion": token });

/** A probe app whose Access team publishes `published()`; JWKS fetches are counted. */
export function accessSetup(published: () => SigningKey[]) {
  const jwks = jwksHandler(published);
  const deps = testDeps({ fetch: routedFetch({ [TEAM]: jwks }) });
  const { app } = probeApp(deps);
  const whoami = (headers: Record<string, string>, env = accessEnv()) =>
    call(app, "/t/whoami", { headers }, env);
  return { app, deps, jwks, whoami };
}
