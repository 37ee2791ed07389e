/**
 * The key digest -> principal memo (src/auth/principal-memo.ts): a key is resolved once per isolate and
 * API_KEYS list, never outlives the configuration that granted it (a revoked key is a 401 at once after
 * the change, a narrowed key gets its new grants), never remembers an unknown key, and stays bounded.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createPrincipalMemo } from "../../src/auth/principal-memo";
import { type ApiKeyEntry, apiKeyEntrySchema } from "../../src/config/grants";
import { grantRules } from "../../src/config/load";
import { createRegistry } from "../../src/providers/registry";
import { ORIGIN } from "../helpers/gateway";
import { bearer, KEYS, makeKey, type TestKey } from "../helpers/keys";
import { cfPacks, clearKv, EXAMPLE, gateway, SHOP } from "../routes/helpers";

/** A key's API_KEYS entry as the configuration parses it (each call a new object). */
const entry = (k: TestKey): ApiKeyEntry => apiKeyEntrySchema(grantRules(createRegistry())).parse(k.entry);

describe("the principal memo", () => {
  it("resolves a key's grants once per list; a new list (a config change) decides again", async () => {
    const memo = createPrincipalMemo();
    const narrow = makeKey("narrow", ["certificates:read"], [EXAMPLE], []);
    const before = [entry(KEYS.admin), entry(narrow)];
    const first = await memo.resolve(before, narrow.key);
    expect(await memo.resolve(before, narrow.key)).toBe(first);
    expect(first.principal.zones).toEqual(new Set([EXAMPLE]));

    const cases: ReadonlyArray<{ name: string; after: ApiKeyEntry[]; expect: "401" | string[] }> = [
      { name: "revoked", after: [entry(KEYS.admin)], expect: "401" },
      {
        name: "moved to another zone",
        after: [entry(KEYS.admin), { ...entry(narrow), zones: [SHOP] }],
        expect: [SHOP],
      },
      { name: "unchanged, in a new list", after: [entry(KEYS.admin), entry(narrow)], expect: [EXAMPLE] },
    ];
    for (const c of cases) {
      const resolved = memo.resolve(c.after, narrow.key);
      if (c.expect === "401") {
        await expect(resolved, c.name).rejects.toMatchObject({ code: "unauthorized" });
      } else {
        expect((await resolved).principal.zones, c.name).toEqual(new Set(c.expect));
      }
    }
    // The old list still answers as it did (a request that began before the change finishes under it).
    expect(await memo.resolve(before, narrow.key)).toBe(first);
  });

  it("does not remember unknown keys, and keeps at most its bound", async () => {
    const keys = [1, 2, 3, 4].map((n) => makeKey(`k${n}`, ["certificates:read"], ["*"], ["*"]));
    const list = keys.map(entry);
    const memo = createPrincipalMemo(2);
    await expect(memo.resolve(list, `cg_${"Z".repeat(43)}`)).rejects.toMatchObject({ code: "unauthorized" });
    expect(memo.size(list)).toBe(0);
    for (const k of keys) expect((await memo.resolve(list, k.key)).entry.name).toBe(k.entry.name);
    expect(memo.size(list)).toBe(2);
  });
});

describe("a revoked key through the Worker", () => {
  it("is refused by the first request under the new API_KEYS, in the same isolate", async () => {
    await clearKv();
    const revoked = makeKey("soon-revoked", ["certificates:read"], ["*"], ["*"]);
    const gw = gateway({}, { keys: [KEYS.admin, revoked] });
    const send = async (env: Env) => {
      const ctx = createExecutionContext();
      const res = await gw.worker.fetch(
        new Request(`${ORIGIN}${cfPacks()}`, { headers: bearer(revoked) }),
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res.status;
    };
    expect(await send(gw.env)).toBe(200);
    expect(await send(gw.env)).toBe(200);
    // The operator removes the key: a new API_KEYS value, a new env for the isolate.
    const changed: Env = { ...gw.env, API_KEYS: JSON.stringify([KEYS.admin.entry]) };
    expect(await send(changed)).toBe(401);
    expect(await send(changed)).toBe(401);
  });
});
