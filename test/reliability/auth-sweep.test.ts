/**
 * Route x credential sweep over the REAL app's route table (whatever routes exist now or later): every
 * registered route but the public ones, with valid-looking path values (demo zone, packs, project,
 * certificates, unified ids) and a valid body, against every kind of credential. The documented answers:
 *   no / unknown / malformed credentials   401 + WWW-Authenticate, the door's envelope
 *   a key without the route's scope        403 forbidden
 *   a key for other zones/projects         403 forbidden (report routes are filtered instead: 200)
 *   Access token: expired, wrong aud/iss,  401; valid but no rule grants it: 403
 *     unknown signing key
 *   Access cookie on a write, cross-site   403 (CSRF rule; reads stay allowed)
 *   the right credentials                  anything but 401/403
 * A 401 or 403 never costs an upstream call. The auth unit tests (test/auth/) cover the mechanics;
 * this file checks that no route escapes them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Permission as Scope } from "../../src/config/grants";
import { AUD, claims, jwksHandler, makeSigningKey, type SigningKey, sign, TEAM } from "../auth/jwt";
import { KEYS, type TestKey } from "../helpers/keys";
import { familyOf, inspect } from "./envelope";
import { reachedHandler } from "./fuzz-check";
import { type Fixture, fixtureOf, makePrivateKeyPem, OPERATION_CASES } from "./operations";
import {
  answerOf,
  createReliabilityGateway,
  ORIGIN,
  REL_KEYS,
  type ReliabilityGateway,
  resetStorage,
} from "./suite";
import { createTally } from "./tally";

interface RouteUnderTest {
  method: string;
  pattern: string;
  scope: Scope;
  /** Names a zone or project (in the path, query or body): a key for other scopes gets 403. */
  scoped: boolean;
  request: (f: Fixture) => { path: string; body?: unknown };
}

const patternRegExp = (pattern: string) => new RegExp(`^${pattern.replace(/:[a-z_]+/g, "[^/]+")}$`);

/** Every declared route that needs a permission (the table the router mounts, src/http/route.ts). */
function routesOf(gw: ReliabilityGateway, f: Fixture): RouteUnderTest[] {
  const out: RouteUnderTest[] = [];
  for (const r of gw.worker.routes) {
    if (r.method === "ALL" || r.access === "public" || r.access === "authenticated") continue;
    const re = patternRegExp(r.path);
    const match = OPERATION_CASES.find(
      (c) => c.method === r.method && re.test(c.path(f).split("?")[0] ?? ""),
    );
    out.push({
      method: r.method,
      pattern: r.path,
      scope: r.access,
      scoped: match !== undefined,
      request: match ? (fx) => ({ path: match.path(fx), body: match.body?.(fx) }) : () => ({ path: r.path }), // report routes: no parameters
    });
  }
  return out;
}

/** A key that lacks exactly what the route needs. */
function keyWithoutScope(scope: Scope): TestKey {
  switch (scope) {
    case "certificates:read":
      return KEYS.reports;
    case "certificates:write":
      return KEYS.reader;
    case "reports:read":
      return KEYS.reader;
    case "reports:ack":
      // A read key cannot acknowledge.
      return KEYS.reports;
    case "admin":
      return KEYS.writer;
  }
}

/** The least key that has what the route needs. */
function keyWithScope(scope: Scope): TestKey {
  switch (scope) {
    case "certificates:read":
      return KEYS.reader;
    case "certificates:write":
      return KEYS.writer;
    case "reports:read":
      return KEYS.reports;
    case "reports:ack":
      return KEYS.acker;
    case "admin":
      return KEYS.admin;
  }
}

const ACCESS_RULES = [
  { email: "ops@example.com", scopes: ["admin"] },
  {
    email: "reader@example.com",
    scopes: ["certificates:read", "reports:read"],
    zones: ["*"],
    projects: ["*"],
  },
];

type Want = 401 | 403 | "allowed";

/** Stands for a success answer that is not JSON: a page, a Prometheus exposition, a redirect. */
const PAGE = Symbol("not an envelope");

/** The answer's JSON body, or PAGE for a successful answer of another type (a refusal must be JSON). */
async function envelopeOrPage(
  res: Response,
): Promise<{ status: number; headers: Headers; text: string; body: unknown }> {
  const type = res.headers.get("content-type") ?? "";
  if (res.status < 400 && !type.startsWith("application/json")) {
    return { status: res.status, headers: res.headers, text: await res.text(), body: PAGE };
  }
  return answerOf(res);
}

interface Credential {
  name: string;
  headers: (route: RouteUnderTest) => Promise<Record<string, string>> | Record<string, string>;
  want: (route: RouteUnderTest) => Want;
  access?: boolean;
}

describe("auth sweep: every route x every kind of credential", () => {
  const tally = createTally("auth-sweep");
  let privateKey = "";
  let signer: SigningKey;
  let stranger: SigningKey;
  beforeAll(async () => {
    privateKey = (await makePrivateKeyPem("EC")).pem;
    signer = await makeSigningKey("rel-kid-1");
    stranger = await makeSigningKey("rel-kid-unpublished");
  });
  beforeEach(resetStorage);
  afterAll(() => console.log(tally.summary()));

  const bearerOf = (k: TestKey) => ({ Authorization: `Bearer ${k.key}` });
  // Access tokens are signed at the gateway's clock (testClock's start); built lazily, after beforeAll.
  const accessToken =
    (overrides: Record<string, unknown>, key = () => signer) =>
    async () => {
      const now = Date.parse("2026-11-23T12:00:00Z");
      return {
        "Cf-Access-Jwt-Assertion": await sign(key(), claims(now, { email: "ops@example.com", ...overrides })),
      };
    };

  const CREDENTIALS: Credential[] = [
    { name: "no credentials", headers: () => ({}), want: () => 401 },
    {
      name: "unknown key",
      headers: () => ({ Authorization: `Bearer cg_${"Q".repeat(43)}` }),
      want: () => 401,
    },
    { name: "unknown X-API-Key", headers: () => ({ "X-API-Key": `cg_${"Q".repeat(43)}` }), want: () => 401 },
    { name: "Basic scheme", headers: () => ({ Authorization: "Basic YWRtaW46YWRtaW4=" }), want: () => 401 },
    { name: "Bearer without a token", headers: () => ({ Authorization: "Bearer " }), want: () => 401 },
    {
      name: "upstream token as key",
      headers: () => ({ Authorization: "Bearer cf-demo-token-7f3a9c2e5b8d41f6" }),
      want: () => 401,
    },
    {
      name: "two different keys",
      headers: () => ({ ...bearerOf(KEYS.admin), "X-API-Key": KEYS.reader.key }),
      want: () => 401,
    },
    { name: "key without the scope", headers: (r) => bearerOf(keyWithoutScope(r.scope)), want: () => 403 },
    {
      name: "key without any zone",
      headers: () => bearerOf(KEYS.nothing),
      want: (r) => (r.scope === "reports:read" ? "allowed" : 403),
    },
    {
      name: "key for other zones/projects",
      headers: () => bearerOf(REL_KEYS.elsewhere),
      want: (r) => (r.scope === "admin" || r.scoped ? 403 : "allowed"),
    },
    {
      name: "the least key with the scope",
      headers: (r) => bearerOf(keyWithScope(r.scope)),
      want: () => "allowed",
    },
    { name: "admin key", headers: () => bearerOf(KEYS.admin), want: () => "allowed" },
    {
      name: "admin key as X-API-Key",
      headers: () => ({ "X-API-Key": KEYS.admin.key }),
      want: () => "allowed",
    },
    // Cloudflare Access (a gateway with ACCESS_* set and a JWKS served by the routed fetch).
    { name: "Access: no token", access: true, headers: () => ({}), want: () => 401 },
    { name: "Access: valid admin", access: true, headers: () => accessToken({})(), want: () => "allowed" },
    {
      // A cookie-authenticated write must prove it comes from certgate's own origin as JSON (CSRF rule,
      // src/auth/csrf.ts): what a browser on certgate's own pages sends.
      name: "Access: valid admin in the cookie, same origin, JSON",
      access: true,
      headers: async () => ({
        Cookie: `CF_Authorization=${(await accessToken({})())["Cf-Access-Jwt-Assertion"]}`,
        Origin: ORIGIN,
        "Content-Type": "application/json",
      }),
      want: () => "allowed",
    },
    {
      name: "Access: valid admin in the cookie, cross-site",
      access: true,
      headers: async () => ({
        Cookie: `CF_Authorization=${(await accessToken({})())["Cf-Access-Jwt-Assertion"]}`,
        Origin: "https://evil.example",
        "Content-Type": "text/plain",
      }),
      want: (r) => (r.method === "GET" ? "allowed" : 403),
    },
    {
      name: "Access: expired",
      access: true,
      headers: () => accessToken({ exp: Math.floor(Date.parse("2026-11-23T10:00:00Z") / 1000) })(),
      want: () => 401,
    },
    {
      name: "Access: wrong aud",
      access: true,
      headers: () => accessToken({ aud: ["someone-else"] })(),
      want: () => 401,
    },
    {
      name: "Access: wrong issuer",
      access: true,
      headers: () => accessToken({ iss: "https://evil.cloudflareaccess.com" })(),
      want: () => 401,
    },
    {
      name: "Access: unpublished signing key",
      access: true,
      headers: () => accessToken({}, () => stranger)(),
      want: () => 401,
    },
    {
      name: "Access: garbage token",
      access: true,
      headers: () => ({ "Cf-Access-Jwt-Assertion": "a.b.c" }),
      want: () => 401,
    },
    {
      name: "Access: no rule for the identity",
      access: true,
      headers: () => accessToken({ email: "stranger@example.com" })(),
      want: () => 403,
    },
    {
      name: "Access: reader",
      access: true,
      headers: () => accessToken({ email: "reader@example.com" })(),
      want: (r) => (r.scope === "certificates:read" || r.scope === "reports:read" ? "allowed" : 403),
    },
  ];

  // The route list is read from a real app; fixture ids come from a gateway's demo data, per test.
  const probe = createReliabilityGateway();
  const routes = routesOf(probe, fixtureOf(probe, ""));

  it("the sweep covers every registered, non-public route", () => {
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const methods = new Set(routes.map((r) => r.method));
    for (const m of ["GET", "POST", "PUT", "PATCH", "DELETE"]) expect(methods.has(m)).toBe(true);
  });

  it.each(routes.map((r) => [r.method, r.pattern, r] as const))("%s %s", async (_m, _p, route) => {
    let allowed = 0;
    for (const cred of CREDENTIALS) {
      const gw = createReliabilityGateway(
        cred.access
          ? {
              env: { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_RULES: JSON.stringify(ACCESS_RULES) },
              routes: { [TEAM]: jwksHandler(() => [signer]) },
            }
          : {},
      );
      const f = fixtureOf(gw, privateKey);
      const { path, body } = route.request(f);
      const before = gw.upstreamCalls();
      const res = await envelopeOrPage(
        await gw.call(route.method, path, { headers: await cred.headers(route), body }),
      );
      tally.counts.cases += 1;
      tally.counts.requests += 1;
      const want = cred.want(route);
      const label = `${cred.name}: ${route.method} ${path} -> ${res.status} ${res.text.slice(0, 200)}`;
      if (want === "allowed" && res.body === PAGE) {
        // A route that answers a page, an exposition or a redirect (/status, /metrics): through, not refused.
        expect(res.status, label).not.toBe(401);
        expect(res.status, label).not.toBe(403);
        expect(res.status, label).toBeLessThan(400);
        allowed += 1;
        continue;
      }
      // Every refusal is the JSON envelope (the sweep asks for no HTML), whatever the route answers otherwise.
      const seen = inspect(familyOf(path), res.status, res.body);
      if (want === "allowed") {
        expect(res.status, label).not.toBe(401);
        expect(res.status, label).not.toBe(403);
        // ... and the route's handler answered (the sweep's path reached the route it is about).
        expect(reachedHandler(res.status, seen.code, seen.message), label).toBe(true);
        allowed += 1;
        continue;
      }
      expect(res.status, label).toBe(want);
      expect(seen.code, label).toBe(want === 401 ? "unauthorized" : "forbidden");
      if (want === 401) expect(res.headers.get("www-authenticate"), label).toBe('Bearer realm="certgate"');
      expect(gw.upstreamCalls() - before, `${label}: no upstream call`).toBe(0);
    }
    // Every route has credentials that get through (at least the admin key, the least key and Access admin).
    expect(allowed).toBeGreaterThanOrEqual(3);
  });
});
