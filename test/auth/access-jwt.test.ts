import { beforeAll, describe, expect, it } from "vitest";
import { encodeBase64Url } from "../../src/auth/encoding";
import { testEnv, ZONE_A, ZONE_B } from "../helpers/env";
import { bearer, KEYS } from "../helpers/keys";
import { accessEnv, accessSetup, SERVICE_TOKEN_CN, withToken } from "./access-fixture";
import { call } from "./harness";
import { AUD, claims, makeSigningKey, type SigningKey, sign } from "./jwt";

let current: SigningKey;
let stranger: SigningKey;
beforeAll(async () => {
  [current, stranger] = await Promise.all([
    makeSigningKey("kid-current"),
    makeSigningKey("kid-current"), // same kid, different key: a forger's
  ]);
});

const setup = () => accessSetup(() => [current]);

describe("Cloudflare Access: token verification", () => {
  it("accepts a valid token in the header, maps the email to the union of its rules", async () => {
    const { deps, whoami } = setup();
    const res = await whoami(withToken(await sign(current, claims(deps.now()))));
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual({
      name: "access:alice@example.com",
      via: "access",
      scopes: ["certificates:read", "reports:read"],
      zones: [ZONE_A, ZONE_B].sort(),
      projects: [],
    });
  });

  it("accepts the CF_Authorization cookie", async () => {
    const { deps, whoami } = setup();
    const token = await sign(current, claims(deps.now()));
    const res = await whoami({ Cookie: `other=1; CF_Authorization=${token}` });
    expect(res.status).toBe(200);
  });

  type Case = [string, (now: number) => Promise<string>, RegExp];
  const header = (h: Record<string, unknown>, c: Record<string, unknown>, sig = "c2ln") =>
    `${encodeBase64Url(new TextEncoder().encode(JSON.stringify(h)))}.${encodeBase64Url(
      new TextEncoder().encode(JSON.stringify(c)),
    )}.${sig}`;
  const cases: Case[] = [
    [
      "expired beyond the 60 s skew",
      (now) => sign(current, claims(now, { exp: now / 1000 - 61 })),
      /expired/,
    ],
    [
      "not yet valid beyond the skew",
      (now) => sign(current, claims(now, { nbf: now / 1000 + 61 })),
      /not yet valid/,
    ],
    ["wrong audience", (now) => sign(current, claims(now, { aud: ["someone-else"] })), /audience/],
    [
      "wrong issuer",
      (now) => sign(current, claims(now, { iss: "https://evil.cloudflareaccess.com" })),
      /issuer/,
    ],
    ["no exp", (now) => sign(current, { ...claims(now), exp: undefined }), /malformed claims/],
    ["alg none", async (now) => header({ alg: "none", kid: "kid-current" }, claims(now), ""), /RS256/],
    ["alg HS256", async (now) => header({ alg: "HS256", kid: "kid-current" }, claims(now)), /RS256/],
    ["alg RS512", (now) => sign(current, claims(now), { alg: "RS512", kid: "kid-current" }), /RS256/],
    ["no kid", (now) => sign(current, claims(now), { alg: "RS256" }), /header/],
    [
      "an unknown crit extension",
      (now) =>
        sign(current, claims(now), { alg: "RS256", kid: "kid-current", crit: ["exp-ext"], "exp-ext": 1 }),
      /header/,
    ],
    [
      "tampered payload",
      async (now) => {
        const [h, , s] = (await sign(current, claims(now))).split(".");
        const forged = encodeBase64Url(
          new TextEncoder().encode(JSON.stringify(claims(now, { email: "x@y.z" }))),
        );
        return `${h}.${forged}.${s}`;
      },
      /bad signature/,
    ],
    [
      "tampered signature",
      async (now) => {
        const token = await sign(current, claims(now));
        const last = token.at(-2) === "A" ? "B" : "A";
        return `${token.slice(0, -2)}${last}${token.at(-1)}`;
      },
      /bad signature/,
    ],
    ["signed by another key with the same kid", (now) => sign(stranger, claims(now)), /bad signature/],
    ["not a JWT", async () => "not-a-jwt", /JWS/],
    ["absurdly long", async () => "a".repeat(20_000), /too long/],
  ];
  it.each(cases)("%s -> 401", async (_name, make, message) => {
    const { deps, whoami } = setup();
    const res = await whoami(withToken(await make(deps.now())));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="certgate"');
    expect(res.body).toMatchObject({ success: false, messages: [], result: null });
    expect(res.body.errors[0]).toMatchObject({
      code: "unauthorized",
      message: expect.stringMatching(message),
    });
  });

  it("accepts exp and nbf within the 60 s clock skew", async () => {
    const { deps, whoami } = setup();
    const now = deps.now();
    const late = await sign(current, claims(now, { exp: now / 1000 - 59 }));
    const early = await sign(current, claims(now, { nbf: now / 1000 + 59 }));
    expect((await whoami(withToken(late))).status).toBe(200);
    expect((await whoami(withToken(early))).status).toBe(200);
  });

  it("an expired token is refused once the clock passes exp + skew", async () => {
    const { deps, whoami } = setup();
    const token = await sign(current, claims(deps.now(), { exp: deps.now() / 1000 + 10 }));
    expect((await whoami(withToken(token))).status).toBe(200);
    deps.clock.advance(71_000);
    expect((await whoami(withToken(token))).status).toBe(401);
  });

  it("accepts aud as a single string", async () => {
    const { deps, whoami } = setup();
    const res = await whoami(withToken(await sign(current, claims(deps.now(), { aud: AUD }))));
    expect(res.status).toBe(200);
  });
});

describe("Cloudflare Access: identity to grants", () => {
  const cases: Array<[string, Record<string, unknown>, number, Record<string, unknown>?]> = [
    [
      "email, case-insensitive",
      { email: "Alice@Example.com" },
      200,
      { scopes: ["certificates:read", "reports:read"] },
    ],
    [
      "group from the groups claim (strings)",
      { email: "bob@example.com", groups: ["cert-admins"] },
      200,
      {
        scopes: ["admin"],
        zones: "*",
        projects: "*",
      },
    ],
    [
      "group from the groups claim (objects)",
      { email: "bob@example.com", groups: [{ id: "g1", name: "cert-admins" }] },
      200,
    ],
    [
      "service token by common_name",
      { email: undefined, sub: "", common_name: SERVICE_TOKEN_CN },
      200,
      {
        name: `access:service:${SERVICE_TOKEN_CN}`,
        scopes: ["certificates:write"],
        zones: "*",
      },
    ],
    ["no matching rule", { email: "mallory@example.com" }, 403],
    ["unknown service token", { email: undefined, common_name: "other.access" }, 403],
    ["a group claim that is not a list is ignored", { email: "bob@example.com", groups: "cert-admins" }, 403],
  ];
  it.each(cases)("%s", async (_name, overrides, status, result) => {
    const { deps, whoami } = setup();
    const res = await whoami(withToken(await sign(current, claims(deps.now(), overrides))));
    expect(res.status).toBe(status);
    if (result) expect(res.body.result).toMatchObject(result);
    if (status === 403) {
      expect(res.body.errors[0]).toMatchObject({
        code: "forbidden",
        message: expect.stringMatching(/ACCESS_RULES/),
      });
      expect(res.headers.get("www-authenticate")).toBeNull();
    }
  });

  it("an Access principal meets the same scope and zone checks as a key", async () => {
    const { app, deps } = setup();
    const headers = withToken(await sign(current, claims(deps.now())));
    expect((await call(app, `/t/zones/${ZONE_A}`, { headers }, accessEnv())).status).toBe(200);
    // The union is flat: alice's second rule adds ZONE_B, for every scope she holds.
    expect((await call(app, `/t/zones/${ZONE_B}`, { headers }, accessEnv())).status).toBe(200);
    expect((await call(app, `/t/zones/${"c".repeat(32)}`, { headers }, accessEnv())).status).toBe(403);
    expect((await call(app, `/t/zones/${ZONE_A}`, { method: "POST", headers }, accessEnv())).status).toBe(
      403,
    );
  });

  it("an API key wins over an Access token, and Access is ignored when not configured", async () => {
    const { deps, whoami } = setup();
    const token = await sign(current, claims(deps.now()));
    const both = await whoami({ ...withToken(token), ...bearer(KEYS.reader) });
    expect(both.body.result).toMatchObject({ name: "reader", via: "api_key" });
    const notConfigured = await whoami(withToken(token), testEnv());
    expect(notConfigured.status).toBe(401);
    expect(notConfigured.body.errors[0]?.message).toMatch(/API key is required/);
  });

  it("no credentials at all when Access is on -> 401 naming both ways in", async () => {
    const { whoami } = setup();
    const res = await whoami({});
    expect(res.status).toBe(401);
    expect(res.body.errors[0]?.message).toMatch(/API key .* or a Cloudflare Access token/);
  });
});

describe("Cloudflare Access: logs", () => {
  it("no token reaches any log record", async () => {
    const { deps, whoami } = setup();
    const good = await sign(current, claims(deps.now()));
    const denied = await sign(current, claims(deps.now(), { email: "mallory@example.com" }));
    const expired = await sign(current, claims(deps.now(), { exp: 1 }));
    for (const token of [good, denied, expired]) {
      await whoami(withToken(token));
      await whoami({ Cookie: `CF_Authorization=${token}` });
    }
    expect(deps.logs.length).toBeGreaterThanOrEqual(6);
    const text = JSON.stringify(deps.logs);
    for (const token of [good, denied, expired]) {
      for (const part of token.split(".")) expect(text).not.toContain(part);
    }
  });
});
