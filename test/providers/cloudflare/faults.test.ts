/**
 * The Cloudflare provider when the upstream misbehaves: an order is never sent twice, faults map through
 * the error table, and credentials never leak.
 */
import { describe, expect, it } from "vitest";
import { UPSTREAM_CLOUDFLARE_TOKEN, ZONE_A } from "../../helpers/ids";
import { failure } from "../../upstream/failure";
import { cloudflareInstance, cloudflareSetup, ORDER } from "./setup";

/** The Cloudflare provider of the fixture configuration. */
const cf = cloudflareInstance();

describe("an order is never sent twice", () => {
  it.each([
    ["a 500", { kind: "status", status: 500 }, "upstream_unavailable"],
    ["a 503", { kind: "status", status: 503 }, "upstream_unavailable"],
    [
      "a dropped connection after processing",
      { kind: "reset", afterProcessing: true },
      "upstream_unavailable",
    ],
    ["a hang", { kind: "hang" }, "upstream_timeout"],
    ["a 429", { kind: "rate_limited", retryAfter: 1 }, "upstream_rate_limited"],
  ] as const)("%s", async (_name, fault, code) => {
    const { sim, ctx } = cloudflareSetup({ env: { UPSTREAM_TIMEOUT_MS: "100" } });
    sim.faults.add({ method: "POST", fault });
    const err = await failure(cf.create(ctx, ZONE_A, ORDER));
    expect(err.code).toBe(code);
    expect(sim.count("POST")).toBe(1);
  });

  it("while a GET in the same situation is retried", async () => {
    const { sim, ctx } = cloudflareSetup();
    sim.faults.add({ method: "GET", fault: { kind: "status", status: 503 }, times: 2 });
    await expect(cf.listAll(ctx, ZONE_A)).resolves.toEqual({
      items: [],
      notes: { skipped: [], messages: [] },
    });
    expect(sim.count("GET")).toBe(3);
  });
});

describe("upstream faults through the provider", () => {
  it("a short Retry-After is waited out; a long one reaches the caller as retry_after", async () => {
    const short = cloudflareSetup();
    short.sim.faults.once({ kind: "rate_limited", retryAfter: 2 });
    await expect(cf.quota(short.ctx, ZONE_A)).resolves.toMatchObject({ supported: true });
    expect(short.sim.count(), "the 429, then the retry").toBe(2);
    const long = cloudflareSetup();
    long.sim.faults.add({ fault: { kind: "rate_limited", retryAfter: 300 } });
    const err = await failure(cf.quota(long.ctx, ZONE_A));
    expect(err).toMatchObject({ code: "upstream_rate_limited", status: 429, details: { retry_after: 300 } });
    expect(long.sim.count()).toBe(1);
  });

  it.each([
    [{ kind: "html" }, "upstream_unavailable", 3],
    [{ kind: "truncated" }, "upstream_invalid_response", 1],
    [{ kind: "unsuccessful" }, "upstream_invalid_response", 1],
    [{ kind: "reset" }, "upstream_unavailable", 3],
  ] as const)("%o -> %s after %i requests", async (fault, code, requests) => {
    const { sim, ctx } = cloudflareSetup();
    sim.faults.add({ fault });
    const err = await failure(cf.quota(ctx, ZONE_A));
    expect(err.code).toBe(code);
    expect(sim.count()).toBe(requests);
  });

  it("a hang past the deadline is 504", async () => {
    const { sim, ctx } = cloudflareSetup({ deadlineMs: 150 });
    sim.faults.add({ fault: { kind: "hang" } });
    const err = await failure(cf.listAll(ctx, ZONE_A));
    expect(err).toMatchObject({ code: "upstream_timeout", status: 504 });
  });
});

describe("credentials", () => {
  it("a refused token is 502 upstream_auth_failed, and the token is in no message or log", async () => {
    const { ctx } = cloudflareSetup({ credentials: [{ token: "some-other-token-000000" }] });
    const err = await failure(cf.listAll(ctx, ZONE_A));
    expect(err).toMatchObject({
      code: "upstream_auth_failed",
      status: 502,
      details: { upstream_code: 10000 },
    });
    expect(err.message).not.toContain(UPSTREAM_CLOUDFLARE_TOKEN);
    expect(JSON.stringify(ctx.deps.logs)).not.toContain(UPSTREAM_CLOUDFLARE_TOKEN);
  });

  it("X-Auth-Email + X-Auth-Key when configured so", async () => {
    const key = "global-key-0123456789abcdef";
    const {
      sim,
      ctx,
      cf: globalKey,
    } = cloudflareSetup({
      credentials: [{ email: "ops@example.com", key }],
      env: {
        UPSTREAM_CLOUDFLARE_TOKEN: undefined,
        UPSTREAM_CLOUDFLARE_EMAIL: "ops@example.com",
        UPSTREAM_CLOUDFLARE_KEY: key,
      },
    });
    await expect(globalKey.listAll(ctx, ZONE_A)).resolves.toEqual({
      items: [],
      notes: { skipped: [], messages: [] },
    });
    const [call] = sim.calls();
    expect(call?.headers["x-auth-email"]).toBe("ops@example.com");
    expect(call?.headers["x-auth-key"]).toBe(key);
    expect(call?.headers.authorization).toBeUndefined();
  });
});
