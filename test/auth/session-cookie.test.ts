/**
 * The status page's session cookie and what a session may do: signature, expiry, the cookie's
 * attributes where it is served, and the intersection of what the cookie and the current key grant.
 */
import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal";
import {
  clearedSessionCookie,
  importSessionKey,
  type SessionClaims,
  sessionSetCookie,
  signSession,
  verifySession,
} from "../../src/auth/session-cookie";
import { intersectPrincipals, sessionClaims, sessionPrincipal } from "../../src/auth/status-session";
import { KEYS } from "../helpers/keys";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const SECRET = "a-secret-for-session-tests-0123456789";

async function signed(claims: SessionClaims, secret = SECRET) {
  return signSession(await importSessionKey(secret), claims);
}

describe("signing and verifying", () => {
  const claims = sessionClaims(KEYS.zoneA.entry as never, NOW, 12);

  it("verifies its own signature until exp, not after, and not long before iat", async () => {
    const key = await importSessionKey(SECRET);
    const token = await signSession(key, claims);
    expect(await verifySession(key, token, NOW)).toEqual({ ok: true, claims });
    expect((await verifySession(key, token, NOW + 12 * 3_600_000 - 1000)).ok).toBe(true);
    expect(await verifySession(key, token, NOW + 12 * 3_600_000)).toEqual({ ok: false, reason: "expired" });
    expect(await verifySession(key, token, NOW - 5 * 60_000)).toEqual({ ok: false, reason: "not_yet_valid" });
  });

  it.each([
    { what: "another secret", token: () => signed(claims, `${SECRET}x`), reason: "bad_signature" },
    {
      what: "a payload swapped under a valid signature",
      token: async () => {
        const [, signature] = (await signed(claims)).split(".");
        const [payload] = (await signed({ ...claims, zones: ["*"] })).split(".");
        return `${payload}.${signature}`;
      },
      reason: "bad_signature",
    },
    {
      what: "no signature",
      token: async () => (await signed(claims)).split(".")[0] ?? "",
      reason: "malformed",
    },
    { what: "three parts", token: async () => `${await signed(claims)}.x`, reason: "malformed" },
    { what: "a signature that is not base64url", token: async () => "eyJ9.%%%", reason: "malformed" },
    { what: "an absurd length", token: async () => "a".repeat(5000), reason: "malformed" },
  ])("refuses $what ($reason)", async ({ token, reason }) => {
    const key = await importSessionKey(SECRET);
    expect(await verifySession(key, await token(), NOW)).toEqual({ ok: false, reason });
  });

  it("refuses a signed payload that is not a session (malformed), without trusting it", async () => {
    const key = await importSessionKey(SECRET);
    const bad = await signSession(key, { ...claims, v: 2 } as unknown as SessionClaims);
    expect(await verifySession(key, bad, NOW)).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("the cookie's attributes", () => {
  it.each([
    {
      url: "https://certgate.example.com/status/sign-in",
      set: "__Secure-certgate_status=T; Path=/status; Max-Age=60; HttpOnly; SameSite=Strict; Secure",
    },
    {
      url: "http://127.0.0.1:8787/status/sign-in",
      set: "certgate_status=T; Path=/status; Max-Age=60; HttpOnly; SameSite=Strict",
    },
    {
      url: "http://localhost:8787/status/sign-in",
      set: "certgate_status=T; Path=/status; Max-Age=60; HttpOnly; SameSite=Strict",
    },
    {
      url: "http://certgate.lan/status/sign-in",
      set: "__Secure-certgate_status=T; Path=/status; Max-Age=60; HttpOnly; SameSite=Strict; Secure",
    },
  ])("at $url", ({ url, set }) => {
    expect(sessionSetCookie(new URL(url), "T", 60)).toBe(set);
    expect(clearedSessionCookie(new URL(url))).toBe(
      set.replace("=T;", "=;").replace("Max-Age=60", "Max-Age=0"),
    );
  });
});

function principal(p: Partial<Principal>): Principal {
  return { name: "p", via: "api_key", permissions: new Set(), zones: new Set(), projects: new Set(), ...p };
}

describe("what a session may do", () => {
  it.each([
    {
      what: "both limited: the common zones",
      a: principal({ permissions: new Set(["reports:read"]), zones: new Set(["z1", "z2"]) }),
      b: principal({ permissions: new Set(["reports:read"]), zones: new Set(["z2", "z3"]) }),
      zones: ["z2"],
      permissions: ["reports:read"],
    },
    {
      what: "one everywhere: the other's zones",
      a: principal({ permissions: new Set(["reports:read"]), zones: "*" }),
      b: principal({ permissions: new Set(["reports:read"]), zones: new Set(["z3"]) }),
      zones: ["z3"],
      permissions: ["reports:read"],
    },
    {
      what: "admin signed, reports:read now: reports:read only",
      a: principal({ permissions: new Set(["admin"]), zones: "*" }),
      b: principal({ permissions: new Set(["reports:read"]), zones: new Set(["z3"]) }),
      zones: ["z3"],
      permissions: ["reports:read"],
    },
    {
      what: "reports:read lost: nothing",
      a: principal({ permissions: new Set(["reports:read"]), zones: "*" }),
      b: principal({ permissions: new Set(["certificates:read"]), zones: "*" }),
      zones: "*",
      permissions: [],
    },
  ])("$what", ({ a, b, zones, permissions }) => {
    const both = intersectPrincipals("k", a, b);
    expect(both.via).toBe("status_session");
    expect(both.zones === "*" ? "*" : [...both.zones].sort()).toEqual(zones);
    expect([...both.permissions].sort()).toEqual(permissions);
  });

  it("ends when the key's entry is gone or renamed", () => {
    const entry = { ...KEYS.zoneA.entry, sha256: KEYS.zoneA.entry.sha256 } as never;
    const claims = sessionClaims(entry, NOW, 1);
    expect(sessionPrincipal(claims, [entry])?.name).toBe("zone-a");
    expect(sessionPrincipal(claims, [KEYS.admin.entry as never])).toBeNull();
    expect(sessionPrincipal(claims, [{ ...(entry as object), name: "renamed" } as never])).toBeNull();
  });
});
