/** Access signing keys: caching, rotation, throttled refetch, and failures that must be 401s. */
import { beforeAll, describe, expect, it } from "vitest";
import { routedFetch, testDeps } from "../helpers/deps";
import { accessEnv, accessSetup, withToken } from "./access-fixture";
import { call, probeApp } from "./harness";
import { claims, jwksHandler, makeSigningKey, type SigningKey, sign, TEAM } from "./jwt";

let current: SigningKey;
let rotated: SigningKey;
beforeAll(async () => {
  [current, rotated] = await Promise.all([makeSigningKey("kid-current"), makeSigningKey("kid-rotated")]);
});

const setup = (published: () => SigningKey[] = () => [current]) => accessSetup(published);

describe("Cloudflare Access: signing keys (JWKS)", () => {
  it("fetches the team's certs once and reuses them within the TTL", async () => {
    const { deps, jwks, whoami } = setup();
    for (let i = 0; i < 3; i++) {
      expect((await whoami(withToken(await sign(current, claims(deps.now()))))).status).toBe(200);
    }
    expect(jwks.hits()).toBe(1);
    expect(deps.fetch).toBeDefined();
    const requests = (deps.fetch as ReturnType<typeof routedFetch>).requests;
    expect(requests.map((r) => r.url)).toEqual([`${TEAM}/cdn-cgi/access/certs`]);
    deps.clock.advance(11 * 60_000);
    expect((await whoami(withToken(await sign(current, claims(deps.now()))))).status).toBe(200);
    expect(jwks.hits()).toBe(2);
  });

  it("unknown kid: refetches once (rotation), then rejects; no fetch storm", async () => {
    let published = [current];
    const { deps, jwks, whoami } = setup(() => published);
    expect((await whoami(withToken(await sign(current, claims(deps.now()))))).status).toBe(200);
    expect(jwks.hits()).toBe(1);
    // Right after a fetch an unknown kid causes no refetch at all (30 s throttle).
    const early = await sign(rotated, claims(deps.now()), { alg: "RS256", kid: "kid-early" });
    expect((await whoami(withToken(early))).status).toBe(401);
    expect(jwks.hits()).toBe(1);
    deps.clock.advance(31_000);
    // A forged kid: one refetch, then 401; more forged kids within 30 s cause no more fetches.
    const forged = await sign(rotated, claims(deps.now()), { alg: "RS256", kid: "kid-nobody" });
    for (let i = 0; i < 5; i++) {
      const res = await whoami(withToken(forged));
      expect(res.status).toBe(401);
      expect(res.body.errors[0]?.message).toMatch(/unknown signing key/);
    }
    expect(jwks.hits()).toBe(2);
    // Access rotates to a new key: after the throttle window the new kid is fetched and accepted.
    published = [current, rotated];
    deps.clock.advance(31_000);
    expect((await whoami(withToken(await sign(rotated, claims(deps.now()))))).status).toBe(200);
    expect(jwks.hits()).toBe(3);
  });

  it.each([
    ["the team's endpoint is down", () => new Response("bad gateway", { status: 502 })],
    ["the network fails", () => Promise.reject(new TypeError("Network connection lost"))],
    ["the body is not a JWKS", () => Response.json({ nope: true })],
    ["the JWKS has no RSA key", () => Response.json({ keys: [{ kid: "k", kty: "EC", crv: "P-256" }] })],
  ])("%s -> 401 with a clear message, never a 500", async (_name, handler) => {
    const deps = testDeps({ fetch: routedFetch({ [TEAM]: handler }) });
    const { app } = probeApp(deps);
    const token = await sign(current, claims(deps.now()));
    const res = await call(app, "/t/whoami", { headers: withToken(token) }, accessEnv());
    expect(res.status).toBe(401);
    expect(res.body.errors[0]?.message).toMatch(/signing keys are unavailable/);
    expect(deps.logs.some((r) => r.event === "access_jwks_unavailable")).toBe(true);
  });

  it("keeps serving cached keys when a refresh fails after the TTL", async () => {
    let up = true;
    const jwks = jwksHandler(() => [current]);
    const deps = testDeps({
      fetch: routedFetch({ [TEAM]: (r) => (up ? jwks(r) : new Response("down", { status: 503 })) }),
    });
    const { app } = probeApp(deps);
    const go = async () =>
      (
        await call(
          app,
          "/t/whoami",
          { headers: withToken(await sign(current, claims(deps.now()))) },
          accessEnv(),
        )
      ).status;
    expect(await go()).toBe(200);
    up = false;
    deps.clock.advance(11 * 60_000);
    expect(await go()).toBe(200);
  });

  it("recovers after a failed first fetch once the throttle window passes", async () => {
    let up = false;
    const jwks = jwksHandler(() => [current]);
    const deps = testDeps({
      fetch: routedFetch({ [TEAM]: (r) => (up ? jwks(r) : new Response("down", { status: 503 })) }),
    });
    const { app } = probeApp(deps);
    const go = async () =>
      (
        await call(
          app,
          "/t/whoami",
          { headers: withToken(await sign(current, claims(deps.now()))) },
          accessEnv(),
        )
      ).status;
    expect(await go()).toBe(401);
    up = true;
    expect(await go()).toBe(401); // within the window: no new fetch
    expect(jwks.hits()).toBe(0);
    deps.clock.advance(31_000);
    expect(await go()).toBe(200);
  });

  it("concurrent first requests share one fetch", async () => {
    const { deps, jwks, whoami } = setup();
    const token = await sign(current, claims(deps.now()));
    const results = await Promise.all(Array.from({ length: 5 }, () => whoami(withToken(token))));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(jwks.hits()).toBe(1);
  });
});
