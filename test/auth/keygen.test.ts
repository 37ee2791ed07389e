import { describe, expect, it } from "vitest";
import { createApiKey, generateApiKey, parseKeygenArgs, sha256Hex } from "../../src/auth/keygen";
import { grantRules } from "../../src/config/load";
import { createRegistry } from "../../src/providers/registry";
import { parseTestConfig as parseConfig } from "../helpers/config";
import { testEnv, ZONE_A, ZONE_B } from "../helpers/env";
import { call, probeApp } from "./harness";

/** The id rules of certgate's own providers (what `npm run keygen` uses). */
const RULES = grantRules(createRegistry());

describe("keygen", () => {
  it("makes cg_ keys with 32 random bytes, different every time", () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey()));
    expect(keys.size).toBe(50);
    for (const key of keys) expect(key).toMatch(/^cg_[A-Za-z0-9_-]{43}$/);
  });

  it("round-trip: generate -> entry -> config parses -> the key authenticates with exactly those grants", async () => {
    const made = await createApiKey(
      { name: "ci-deploy", scopes: ["certificates:write"], zones: [ZONE_A], projects: [] },
      RULES,
    );
    if (!made.ok) throw new Error(made.errors.join("; "));
    expect(made.entry).toEqual({
      name: "ci-deploy",
      sha256: await sha256Hex(made.key),
      scopes: ["certificates:write"],
      zones: [ZONE_A],
      projects: [],
    });
    expect(JSON.stringify(made.entry)).not.toContain(made.key);

    const env = testEnv({ API_KEYS: JSON.stringify([made.entry]) });
    const parsed = parseConfig(env);
    expect(parsed.ok).toBe(true);

    const { app } = probeApp();
    const headers = { Authorization: `Bearer ${made.key}` };
    const who = await call(app, "/t/whoami", { headers }, env);
    expect(who.body.result).toEqual({
      name: "ci-deploy",
      via: "api_key",
      scopes: ["certificates:write"],
      zones: [ZONE_A],
      projects: [],
    });
    expect((await call(app, `/t/zones/${ZONE_A}`, { method: "POST", headers }, env)).status).toBe(200);
    expect((await call(app, `/t/zones/${ZONE_B}`, { method: "POST", headers }, env)).status).toBe(403);
    expect((await call(app, `/t/zones/${ZONE_A}`, { headers }, env)).status).toBe(403); // no certificates:read
  });

  it.each([
    ["unknown scope", { name: "x", scopes: ["certificates:delete"], zones: [], projects: [] }, /scopes/],
    ["no scope", { name: "x", scopes: [], zones: [], projects: [] }, /scopes/],
    ["empty name", { name: "", scopes: ["admin"], zones: [], projects: [] }, /name/],
    ["bad zone id", { name: "x", scopes: ["admin"], zones: ["example.com"], projects: [] }, /zones/],
    ["bad project id", { name: "x", scopes: ["admin"], zones: [], projects: ["p1"] }, /projects/],
  ])("refuses %s with the config schema's message", async (_name, input, field) => {
    const made = await createApiKey(input, RULES);
    expect(made.ok).toBe(false);
    if (!made.ok) expect(made.errors.join("\n")).toMatch(field);
  });

  it.each([
    [
      ["--name", "ops", "--scopes", "certificates:read, reports:read", "--zones", "*"],
      { name: "ops", scopes: ["certificates:read", "reports:read"], zones: ["*"], projects: [] },
    ],
    [
      ["--name=ops", "--scopes=admin", `--zones=${ZONE_A.toUpperCase()}`, "--projects", "*"],
      { name: "ops", scopes: ["admin"], zones: [ZONE_A], projects: ["*"] },
    ],
  ])("parses %j", (argv, input) => {
    expect(parseKeygenArgs(argv)).toEqual({ ok: true, input });
  });

  it.each([
    [["--scopes", "admin"], /--name is required/],
    [["--name", "x"], /--scopes is required/],
    [["--name", "x", "--scopes"], /--scopes needs a value/],
    [["--name", "x", "--scopes", "admin", "--zone", "*"], /unknown argument: --zone/],
    [["--name", "x", "--name", "y", "--scopes", "admin"], /given twice/],
  ])("refuses %j", (argv, message) => {
    const parsed = parseKeygenArgs(argv);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join("; ")).toMatch(message);
  });
});
