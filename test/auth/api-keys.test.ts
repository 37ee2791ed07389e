import { describe, expect, it } from "vitest";
import { constantTimeEqual, findKeyEntry, presentedKey, sha256 } from "../../src/auth/api-keys";
import { FORBIDDEN_RESOURCE_MESSAGE } from "../../src/auth/authorize";
import type { ApiKeyEntry } from "../../src/config/grants";
import { PROJECT_P, PROJECT_Q, testEnv, ZONE_A, ZONE_B } from "../helpers/env";
import { bearer, KEYS, type TestKey } from "../helpers/keys";
import { call, probeApp } from "./harness";

const UNKNOWN_ZONE = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const UNKNOWN_PROJECT = "11111111-2222-4333-8444-555555555555";
const UNKNOWN_KEY = `cg_${"A".repeat(43)}`;
const apiKey = (k: TestKey) => ({ "X-API-Key": k.key });

describe("API keys: who gets in (401)", () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ["no credentials", {}, /API key is required/],
    ["unknown key", { Authorization: `Bearer ${UNKNOWN_KEY}` }, /Invalid API key/],
    ["unknown key in X-API-Key", { "X-API-Key": UNKNOWN_KEY }, /Invalid API key/],
    ["not a cg_ key", { Authorization: "Bearer sk_live_0123456789abcdef0123" }, /Malformed/],
    ["cg_ prefix but too short", { Authorization: "Bearer cg_abc" }, /Malformed/],
    ["characters outside base64url", { "X-API-Key": `cg_${"a".repeat(30)}!` }, /Malformed/],
    ["absurd length", { Authorization: `Bearer cg_${"a".repeat(5000)}` }, /Malformed/],
    ["Basic scheme", { Authorization: `Basic ${btoa("user:pass")}` }, /Bearer scheme/],
    ["Bearer without a token", { Authorization: "Bearer" }, /Bearer scheme/],
    ["raw key without scheme", { Authorization: KEYS.admin.key }, /Bearer scheme/],
    [
      "both headers disagreeing",
      { Authorization: `Bearer ${KEYS.reader.key}`, "X-API-Key": KEYS.admin.key },
      /different keys/,
    ],
    ["a key differing in its last character", { "X-API-Key": `${KEYS.admin.key.slice(0, -1)}y` }, /Invalid/],
  ];
  it.each(cases)("%s -> 401 with WWW-Authenticate and the envelope", async (_name, headers, message) => {
    const { app } = probeApp();
    const res = await call(app, `/t/zones/${ZONE_A}`, {
      headers: { ...headers, "X-Request-Id": "req-auth-0001" },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="certgate"');
    expect(res.body).toEqual({
      success: false,
      errors: [
        { code: "unauthorized", message: expect.stringMatching(message), request_id: "req-auth-0001" },
      ],
      messages: [],
      result: null,
    });
  });

  it("accepts the key as Bearer (any scheme case), as X-API-Key, or in both when they agree", async () => {
    const { app } = probeApp();
    for (const headers of [
      bearer(KEYS.reader),
      { Authorization: `bearer ${KEYS.reader.key}` },
      apiKey(KEYS.reader),
      { ...bearer(KEYS.reader), ...apiKey(KEYS.reader) },
    ]) {
      const res = await call(app, "/t/whoami", { headers });
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(res.body.result).toMatchObject({ name: "reader", via: "api_key" });
    }
  });
});

describe("API keys: what they may do (403)", () => {
  type Row = [string, keyof typeof KEYS, "GET" | "POST", string, 200 | 403 | 404];
  const rows: Row[] = [
    ["reader reads a zone", "reader", "GET", `/t/zones/${ZONE_A}`, 200],
    ["reader cannot write", "reader", "POST", `/t/zones/${ZONE_A}`, 403],
    ["reader lacks reports:read", "reader", "GET", "/t/report", 403],
    ["writer writes", "writer", "POST", `/t/zones/${ZONE_B}`, 200],
    ["reports key reads the report", "reports", "GET", "/t/report", 200],
    ["reports key cannot read certificates", "reports", "GET", `/t/zones/${ZONE_A}`, 403],
    ["admin implies certificates:read", "admin", "GET", `/t/zones/${ZONE_A}`, 200],
    ["admin implies certificates:write", "admin", "POST", `/t/zones/${ZONE_B}`, 200],
    ["admin implies reports:read", "admin", "GET", "/t/report", 200],
    ["zone-limited key, its zone", "zoneA", "GET", `/t/zones/${ZONE_A}`, 200],
    ["zone-limited key, another configured zone", "zoneA", "GET", `/t/zones/${ZONE_B}`, 403],
    ["zone-limited key, a zone that does not exist", "zoneA", "GET", `/t/zones/${UNKNOWN_ZONE}`, 403],
    ["zone-limited key, write elsewhere", "zoneA", "POST", `/t/zones/${ZONE_B}`, 403],
    ["zone-limited key, its project", "zoneA", "GET", `/t/projects/${PROJECT_P}`, 200],
    [
      "zone-limited key, its project in upper case",
      "zoneA",
      "GET",
      `/t/projects/${PROJECT_P.toUpperCase()}`,
      200,
    ],
    ["zone-limited key, another project", "zoneA", "GET", `/t/projects/${PROJECT_Q}`, 403],
    [
      "zone-limited key, a project that does not exist",
      "zoneA",
      "GET",
      `/t/projects/${UNKNOWN_PROJECT}`,
      403,
    ],
    ["'*' key, a zone that does not exist -> route's 404", "reader", "GET", `/t/zones/${UNKNOWN_ZONE}`, 404],
    ["'*' key, every project", "reader", "GET", `/t/projects/${PROJECT_Q}`, 200],
    ["empty allowlists: no zone at all", "nothing", "GET", `/t/zones/${ZONE_A}`, 403],
  ];
  it.each(rows)("%s (%s key: %s %s -> %i)", async (_name, key, method, path, status) => {
    const { app } = probeApp();
    const res = await call(app, path, { method, headers: bearer(KEYS[key]) });
    expect(res.status).toBe(status);
    if (status === 403) {
      expect(res.headers.get("www-authenticate")).toBeNull();
      expect(res.body).toMatchObject({ success: false, messages: [], result: null });
      expect(res.body.errors).toEqual([
        { code: "forbidden", message: expect.any(String), request_id: expect.any(String) },
      ]);
    }
  });

  it("a 403 reads the same whether or not the zone/project exists", async () => {
    const { app } = probeApp();
    const messages = new Set<string>();
    for (const path of [
      `/t/zones/${ZONE_B}`,
      `/t/zones/${UNKNOWN_ZONE}`,
      `/t/projects/${PROJECT_Q}`,
      `/t/projects/${UNKNOWN_PROJECT}`,
    ]) {
      const res = await call(app, path, { headers: bearer(KEYS.zoneA) });
      expect(res.status).toBe(403);
      messages.add(res.body.errors[0]?.message ?? "");
    }
    expect([...messages]).toEqual([FORBIDDEN_RESOURCE_MESSAGE]);
    for (const id of [ZONE_B, UNKNOWN_ZONE, PROJECT_Q, UNKNOWN_PROJECT]) {
      expect(FORBIDDEN_RESOURCE_MESSAGE).not.toContain(id);
    }
  });

  it("a missing scope is named in the 403", async () => {
    const { app } = probeApp();
    const res = await call(app, `/t/zones/${ZONE_A}`, { method: "POST", headers: bearer(KEYS.reader) });
    expect(res.body.errors[0]?.message).toMatch(/certificates:write/);
  });
});

describe("API keys: comparison", () => {
  const entry = async (name: string, key: string): Promise<ApiKeyEntry> => ({
    name,
    sha256: [...(await sha256(key))].map((b) => b.toString(16).padStart(2, "0")).join(""),
    scopes: ["certificates:read"],
    zones: [],
    projects: [],
  });

  it.each([0, 1, 2, 3])(
    "compares the digest against every entry wherever the match is (match at %i)",
    async (at) => {
      const entries = await Promise.all(
        ["k0", "k1", "k2", "k3"].map((n) => entry(n, `cg_${n}_${"z".repeat(30)}`)),
      );
      let compared = 0;
      const counting = (a: Uint8Array, b: Uint8Array) => {
        compared++;
        return constantTimeEqual(a, b);
      };
      const found = findKeyEntry(entries, await sha256(`cg_k${at}_${"z".repeat(30)}`), counting);
      expect(found?.name).toBe(`k${at}`);
      expect(compared).toBe(entries.length);
    },
  );

  it("an unknown key is compared against every entry too", async () => {
    const entries = await Promise.all(["a", "b", "c"].map((n) => entry(n, `cg_${n}_${"q".repeat(30)}`)));
    let compared = 0;
    const found = findKeyEntry(entries, await sha256(UNKNOWN_KEY), (a, b) => {
      compared++;
      return constantTimeEqual(a, b);
    });
    expect(found).toBeUndefined();
    expect(compared).toBe(3);
  });

  it("constantTimeEqual is a correct equality", () => {
    const a = new Uint8Array([1, 2, 3, 4]);
    expect(constantTimeEqual(a, new Uint8Array([1, 2, 3, 4]))).toBe(true);
    expect(constantTimeEqual(a, new Uint8Array([1, 2, 3, 5]))).toBe(false);
    expect(constantTimeEqual(a, new Uint8Array([0, 2, 3, 4]))).toBe(false);
    expect(constantTimeEqual(a, new Uint8Array([1, 2, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(), new Uint8Array())).toBe(true);
  });

  it("presentedKey reports no key when neither header is there", () => {
    expect(presentedKey(new Headers())).toEqual({ kind: "none" });
    expect(presentedKey(new Headers({ "X-API-Key": ` ${KEYS.admin.key} ` }))).toEqual({
      kind: "key",
      key: KEYS.admin.key,
    });
  });
});

describe("API keys: logs", () => {
  it("no key material reaches any log record, whatever the outcome", async () => {
    const { app, deps } = probeApp();
    const env = testEnv();
    const attempts: Array<Record<string, string>> = [
      bearer(KEYS.admin),
      { "X-API-Key": KEYS.zoneA.key },
      { Authorization: `Bearer ${UNKNOWN_KEY}` },
      { Authorization: `Bearer ${KEYS.reader.key}`, "X-API-Key": KEYS.writer.key },
      { Authorization: `Bearer cg_${"b".repeat(600)}` },
    ];
    for (const headers of attempts) {
      await call(app, `/t/zones/${ZONE_B}`, { headers }, env);
      await call(app, `/t/zones/${ZONE_B}`, { method: "POST", headers }, env);
    }
    expect(deps.logs.length).toBe(attempts.length * 2);
    const text = JSON.stringify(deps.logs);
    for (const secret of [
      ...Object.values(KEYS).map((k) => k.key),
      UNKNOWN_KEY,
      ...Object.values(KEYS).map((k) => k.entry.sha256),
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain("cg_");
  });
});
