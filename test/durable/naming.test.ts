/**
 * How objects are named: a budget per upstream credential, named by a digest that does not reveal it.
 */
import { env, listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { credentialDigest } from "../../src/durable/digest";
import { budgetObjectName } from "../../src/durable/upstream-budget";
import { T0 } from "./helpers";

describe("budget object names", () => {
  it("are the provider and the first 128 bits of the credential's SHA-256, never the credential", async () => {
    // FIPS 180-2 vector: SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a3...
    expect(await credentialDigest("abc")).toBe("ba7816bf8f01cfea414140de5dae2223");
    const token = "cf-token-Xy7Qm2LkP9vR4tW8zA1bC3dE5fG6hJ";
    const name = budgetObjectName("cloudflare", await credentialDigest(token));
    expect(name).toMatch(/^cloudflare:[0-9a-f]{32}$/);
    expect(name).not.toContain(token.slice(9, 17));
  });

  it("one object per credential: two isolates with the same token share a budget, another token has its own", async () => {
    const before = (await listDurableObjectIds(env.UPSTREAM_BUDGET)).length;
    const nameOf = async (token: string) => budgetObjectName("cloudflare", await credentialDigest(token));
    const stubOf = async (token: string) =>
      env.UPSTREAM_BUDGET.get(env.UPSTREAM_BUDGET.idFromName(await nameOf(token)));
    const config = { limitPer5Min: 3, reservePercent: 0 };
    const ask = async (token: string) =>
      (await stubOf(token)).acquire({ now: T0, caller: { kind: "monitor" }, permits: 2, ...config });
    expect((await ask("token-one")).granted).toBe(2);
    expect((await ask("token-one")).granted).toBe(1); // the same budget, seen from another stub
    expect((await ask("token-two")).granted).toBe(2);
    expect((await listDurableObjectIds(env.UPSTREAM_BUDGET)).length - before).toBe(2);
  });
});
