/**
 * The Cloudflare provider against the sandbox simulator: paging, every operation, idempotent delete,
 * restart only from validation_timed_out, never a second order, and every request checked against
 * Cloudflare's published schema.
 */
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { cloudflareNative } from "../../src/providers/cloudflare/native";
import { cloudflareProvider as cf } from "../../src/providers/cloudflare/provider";
import type { CreateInput } from "../../src/providers/types";
import { UPSTREAM_CLOUDFLARE_TOKEN, ZONE_A, ZONE_B } from "../helpers/ids";
import { specViolations } from "./cloudflare-openapi";
import { cloudflareSetup } from "./cloudflare-setup";

const ORDER: CreateInput = {
  provider: "cloudflare",
  zone: ZONE_A,
  hosts: ["example.com", "*.example.com"],
  validation_method: "txt",
  validity_days: 90,
  certificate_authority: "lets_encrypt",
};

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a failure");
}

function seedMany(sim: ReturnType<typeof cloudflareSetup>["sim"], n: number) {
  for (let i = 0; i < n; i += 1) {
    sim.seedPack(ZONE_A, {
      hosts: ["example.com", `h${i}.example.com`],
      status: i % 3 === 0 ? "pending_validation" : "active",
    });
  }
}

describe("listAll", () => {
  it("follows pages of 50 with status=all until total_pages", async () => {
    const { sim, ctx } = cloudflareSetup();
    seedMany(sim, 120);
    const packs = await cf.listAll(ctx, ZONE_A);
    expect(packs).toHaveLength(120);
    expect(new Set(packs.map((p) => p.id)).size).toBe(120);
    expect(packs.some((p) => p.status === "pending_validation")).toBe(true);
    const calls = sim.calls({ method: "GET" });
    expect(calls.map((c) => c.query)).toEqual([
      { status: "all", page: "1", per_page: "50" },
      { status: "all", page: "2", per_page: "50" },
      { status: "all", page: "3", per_page: "50" },
    ]);
    expect(ctx.meter.calls).toBe(3);
  });

  it.each([
    [120, 3],
    [100, 3],
    [49, 1],
    [0, 1],
  ])("without total_pages, stops on a short or empty page (%i packs -> %i requests)", async (n, requests) => {
    const { sim, ctx } = cloudflareSetup({ sim: { legacyResultInfo: true } });
    seedMany(sim, n);
    expect(await cf.listAll(ctx, ZONE_A)).toHaveLength(n);
    expect(sim.count("GET")).toBe(requests);
  });

  it("a page that fails fails the list (no silent partial list)", async () => {
    const { sim, ctx } = cloudflareSetup();
    seedMany(sim, 60);
    sim.faults.add({ method: "GET", fault: { kind: "truncated" }, times: 10 });
    const err = await failure(cf.listAll(ctx, ZONE_A));
    expect(err.code).toBe("upstream_invalid_response");
  });
});

describe("operations", () => {
  it("create orders an advanced pack with the published body", async () => {
    const { sim, ctx } = cloudflareSetup();
    const pack = await cf.create(ctx, ZONE_A, ORDER);
    expect(pack).toMatchObject({
      type: "advanced",
      hosts: ["example.com", "*.example.com"],
      status: "initializing",
    });
    const [call] = sim.calls({ method: "POST" });
    expect(call?.body).toEqual({
      type: "advanced",
      hosts: ["example.com", "*.example.com"],
      validation_method: "txt",
      validity_days: 90,
      certificate_authority: "lets_encrypt",
    });
  });

  it.each([
    ["duplicate hosts", ["example.com", "EXAMPLE.com"]],
    ["not a hostname", ["example.com", "exa mple.com"]],
    ["no hosts", []],
    ["51 hosts", Array.from({ length: 51 }, (_, i) => `h${i}.example.com`)],
    ["a wildcard in the middle", ["a.*.example.com"]],
  ])("create refuses %s before sending anything", async (_name, hosts) => {
    const { sim, ctx } = cloudflareSetup();
    const err = await failure(cf.create(ctx, ZONE_A, { ...ORDER, hosts }));
    expect(err.code).toBe("validation_failed");
    expect(err.details.fields?.[0]?.path).toMatch(/^body\.hosts/);
    expect(sim.count()).toBe(0);
  });

  it("the zone apex rule is Cloudflare's: its refusal comes back as 400 with its code", async () => {
    const { ctx } = cloudflareSetup();
    const err = await failure(cf.create(ctx, ZONE_A, { ...ORDER, hosts: ["www.example.com"] }));
    expect(err).toMatchObject({
      code: "upstream_rejected",
      status: 400,
      details: { provider: "cloudflare", upstream_code: 1403 },
    });
  });

  it("a zone without Advanced Certificate Manager: 1450 is kept, not mistaken for an auth failure", async () => {
    const { sim, ctx } = cloudflareSetup();
    sim.setZone(ZONE_A, { acm: false });
    const err = await failure(cf.create(ctx, ZONE_A, ORDER));
    expect(err).toMatchObject({ code: "upstream_rejected", status: 422, details: { upstream_code: 1450 } });
  });

  it("get, normalize and rawId agree", async () => {
    const { sim, ctx, clock } = cloudflareSetup();
    const seeded = sim.seedPack(ZONE_A, { hosts: ["example.com"], status: "active" });
    const pack = await cf.get(ctx, ZONE_A, String(seeded.id));
    expect(cf.rawId(pack)).toBe(seeded.id);
    expect(cf.parseRaw(JSON.parse(JSON.stringify(pack)))).toEqual(pack);
    expect(cf.parseRaw({ nope: true })).toBeNull();
    const cert = cf.normalize(ZONE_A, pack, clock.now());
    expect(cert.id).toBe(`cloudflare:${ZONE_A}:${seeded.id}`);
    expect(cert.days_remaining).toBe(90);
  });

  it("an unknown pack id is 404 not_found", async () => {
    const { ctx } = cloudflareSetup();
    const err = await failure(cf.get(ctx, ZONE_A, "0".repeat(32)));
    expect(err).toMatchObject({
      code: "not_found",
      status: 404,
      details: { provider: "cloudflare", upstream_code: 1404 },
    });
  });

  it.each([".", "..", ""])("refuses the id %j before sending", async (id) => {
    const { sim, ctx } = cloudflareSetup();
    const err = await failure(cf.get(ctx, ZONE_A, id));
    expect(err.code).toBe("validation_failed");
    expect(sim.count()).toBe(0);
  });

  it("percent-encodes ids", async () => {
    const { fetch, ctx } = cloudflareSetup();
    await failure(cf.get(ctx, ZONE_A, "a/../b?x"));
    expect(fetch.requests[0]?.url).toContain("/certificate_packs/a%2F..%2Fb%3Fx");
  });

  it("quota reports allocation, use, remaining and percent", async () => {
    const { sim, ctx } = cloudflareSetup();
    sim.setZone(ZONE_B, { allocated: 8 });
    sim.seedPack(ZONE_B, { hosts: ["example.org"], status: "active" });
    sim.seedPack(ZONE_B, { hosts: ["example.org", "www.example.org"], status: "pending_validation" });
    const quota = await cf.quota(ctx, ZONE_B);
    expect(quota).toEqual({
      provider: "cloudflare",
      scope: { kind: "zone", id: ZONE_B },
      supported: true,
      allocated: 8,
      used: 2,
      remaining: 6,
      percent: 25,
    });
  });

  it("importCertificate is not supported (422), with no upstream call", async () => {
    const { sim, ctx } = cloudflareSetup();
    const err = await failure(
      cf.importCertificate(ctx, ZONE_A, { certificate: "", private_key: "", chain: "", scope_id: 1 }),
    );
    expect(err).toMatchObject({ code: "not_supported_by_provider", status: 422 });
    expect(sim.count()).toBe(0);
  });

  it("update adds branding with PATCH {cloudflare_branding: true}; other updates are refused", async () => {
    const { sim, ctx } = cloudflareSetup();
    const seeded = sim.seedPack(ZONE_A, { hosts: ["example.com"], status: "active" });
    const id = String(seeded.id);
    await expect(cf.update(ctx, ZONE_A, id, { cloudflare_branding: true })).resolves.toMatchObject({
      cloudflare_branding: true,
    });
    expect(sim.calls({ method: "PATCH" }).map((c) => c.body)).toEqual([{ cloudflare_branding: true }]);
    expect((await failure(cf.update(ctx, ZONE_A, id, { cloudflare_branding: false }))).code).toBe(
      "not_supported_by_provider",
    );
    expect((await failure(cf.update(ctx, ZONE_A, id, { scope_id: 3 }))).code).toBe(
      "not_supported_by_provider",
    );
    expect((await failure(cf.update(ctx, ZONE_A, id, {}))).code).toBe("validation_failed");
    expect(sim.count("PATCH")).toBe(1);
  });
});

describe("validate (restart validation)", () => {
  it("restarts a pack in validation_timed_out with PATCH {}", async () => {
    const { sim, ctx } = cloudflareSetup();
    const seeded = sim.seedPack(ZONE_A, { hosts: ["example.com"], status: "validation_timed_out" });
    const pack = await cf.validate(ctx, ZONE_A, String(seeded.id));
    expect(pack.status).not.toBe("validation_timed_out");
    expect(sim.calls({ method: "PATCH" }).map((c) => c.body)).toEqual([{}]);
  });

  it.each(["active", "pending_validation", "issuance_timed_out", "deleted"] as const)(
    "refuses a pack in %s with 409 conflict and current_status, without a PATCH",
    async (status) => {
      const { sim, ctx } = cloudflareSetup();
      const seeded = sim.seedPack(ZONE_A, { hosts: ["example.com"], status });
      const err = await failure(cf.validate(ctx, ZONE_A, String(seeded.id)));
      expect(err).toMatchObject({ code: "conflict", status: 409, details: { current_status: status } });
      expect(sim.count("PATCH")).toBe(0);
    },
  );
});

describe("remove (idempotent)", () => {
  it("deletes, then reports already_deleted on the second call without a second DELETE", async () => {
    const { sim, ctx } = cloudflareSetup();
    const seeded = sim.seedPack(ZONE_A, { hosts: ["example.com"], status: "active" });
    const id = String(seeded.id);
    await expect(cf.remove(ctx, ZONE_A, id)).resolves.toEqual({
      id: `cloudflare:${ZONE_A}:${id}`,
      already_deleted: false,
    });
    await expect(cf.remove(ctx, ZONE_A, id)).resolves.toEqual({
      id: `cloudflare:${ZONE_A}:${id}`,
      already_deleted: true,
    });
    expect(sim.count("DELETE")).toBe(1);
  });

  it.each(["deleted", "pending_deletion"] as const)(
    "a pack already %s is already_deleted",
    async (status) => {
      const { sim, ctx } = cloudflareSetup();
      const seeded = sim.seedPack(ZONE_A, { hosts: ["example.com"], status });
      await expect(cf.remove(ctx, ZONE_A, String(seeded.id))).resolves.toMatchObject({
        already_deleted: true,
      });
      expect(sim.count("DELETE")).toBe(0);
    },
  );

  it("an upstream 1406 on DELETE counts as already deleted", async () => {
    const { sim, ctx } = cloudflareSetup({
      wrap: (inner) => (request) =>
        request.method === "DELETE"
          ? Response.json(
              {
                success: false,
                errors: [{ code: 1406, message: "Bad response certificate service" }],
                messages: [],
                result: null,
              },
              { status: 400 },
            )
          : inner(request),
    });
    const seeded = sim.seedPack(ZONE_A, { hosts: ["example.com"], status: "active" });
    await expect(cf.remove(ctx, ZONE_A, String(seeded.id))).resolves.toMatchObject({ already_deleted: true });
  });

  it("an unknown id stays 404", async () => {
    const { ctx } = cloudflareSetup();
    const err = await failure(cf.remove(ctx, ZONE_A, "f".repeat(32)));
    expect(err).toMatchObject({ code: "not_found", status: 404 });
  });
});

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
    await expect(cf.listAll(ctx, ZONE_A)).resolves.toEqual([]);
    expect(sim.count("GET")).toBe(3);
  });
});

describe("upstream faults through the provider", () => {
  it("a short Retry-After is waited out; a long one reaches the caller as retry_after", async () => {
    const short = cloudflareSetup();
    short.sim.faults.once({ kind: "rate_limited", retryAfter: 2 });
    await expect(cf.quota(short.ctx, ZONE_A)).resolves.toMatchObject({ supported: true });
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
    const { sim, ctx } = cloudflareSetup({
      credentials: [{ email: "ops@example.com", key }],
      env: {
        UPSTREAM_CLOUDFLARE_TOKEN: undefined,
        UPSTREAM_CLOUDFLARE_EMAIL: "ops@example.com",
        UPSTREAM_CLOUDFLARE_KEY: key,
      },
    });
    await expect(cf.listAll(ctx, ZONE_A)).resolves.toEqual([]);
    const [call] = sim.calls();
    expect(call?.headers["x-auth-email"]).toBe("ops@example.com");
    expect(call?.headers["x-auth-key"]).toBe(key);
    expect(call?.headers.authorization).toBeUndefined();
  });
});

describe("native pass-through functions", () => {
  it("validate the caller's query and body against the published schema before sending", async () => {
    const { sim, ctx } = cloudflareSetup();
    for (const query of [
      { per_page: "4" },
      { per_page: "51" },
      { page: "0" },
      { status: "active" },
      { deploy: "dev" },
      { foo: "1" },
    ]) {
      expect((await failure(cloudflareNative.list(ctx, ZONE_A, query))).code).toBe("validation_failed");
    }
    expect((await failure(cloudflareNative.order(ctx, ZONE_A, { ...ORDER, type: "advanced" }))).code).toBe(
      "validation_failed",
    );
    expect(
      (
        await failure(
          cloudflareNative.order(ctx, ZONE_A, {
            type: "universal",
            hosts: ["example.com"],
            validation_method: "txt",
            validity_days: 90,
            certificate_authority: "google",
          }),
        )
      ).code,
    ).toBe("validation_failed");
    expect(
      (
        await failure(
          cloudflareNative.order(ctx, ZONE_A, {
            type: "advanced",
            hosts: ["example.com"],
            validation_method: "txt",
            validity_days: 60,
            certificate_authority: "google",
          }),
        )
      ).code,
    ).toBe("validation_failed");
    expect(
      (await failure(cloudflareNative.patch(ctx, ZONE_A, "a".repeat(32), { cloudflare_branding: "yes" })))
        .code,
    ).toBe("validation_failed");
    expect(sim.count()).toBe(0);
  });

  it("return the wire envelope, unknown fields included", async () => {
    const { sim, ctx } = cloudflareSetup();
    seedMany(sim, 7);
    const page = await cloudflareNative.list(ctx, ZONE_A, {
      page: "2",
      per_page: "5",
      status: "all",
      deploy: "production",
    });
    expect(page).toMatchObject({ success: true, result_info: { page: 2, per_page: 5, total_count: 7 } });
    expect(page.result).toHaveLength(2);
  });
});

describe("every request sent conforms to Cloudflare's published schema", () => {
  it("across all operations (token auth)", async () => {
    const { sim, ctx } = cloudflareSetup();
    seedMany(sim, 61);
    const timedOut = sim.seedPack(ZONE_A, { hosts: ["example.com"], status: "validation_timed_out" });
    const active = sim.seedPack(ZONE_A, { hosts: ["example.com"], status: "active" });
    await cf.listAll(ctx, ZONE_A);
    await cf.quota(ctx, ZONE_A);
    const created = await cf.create(ctx, ZONE_A, { ...ORDER, cloudflare_branding: true });
    await cf.get(ctx, ZONE_A, created.id);
    await cf.validate(ctx, ZONE_A, String(timedOut.id));
    await cf.update(ctx, ZONE_A, String(active.id), { cloudflare_branding: true });
    await cf.remove(ctx, ZONE_A, String(active.id));
    await cloudflareNative.list(ctx, ZONE_A, { page: "1", per_page: "5", status: "all", deploy: "staging" });
    await cloudflareNative.list(ctx, ZONE_A, {});
    await cloudflareNative.patch(ctx, ZONE_A, String(timedOut.id), { cloudflare_branding: true });
    await cloudflareNative.remove(ctx, ZONE_A, created.id);
    await cloudflareNative.order(ctx, ZONE_A, {
      type: "advanced",
      hosts: ["example.com"],
      validation_method: "http",
      validity_days: 14,
      certificate_authority: "ssl_com",
    });

    const calls = sim.calls();
    const methods = new Set(calls.map((c) => c.method));
    expect([...methods].sort()).toEqual(["DELETE", "GET", "PATCH", "POST"]);
    for (const call of calls) {
      expect({
        call: `${call.method} ${call.path}?${new URLSearchParams(call.query)}`,
        violations: specViolations(call),
      }).toEqual({
        call: `${call.method} ${call.path}?${new URLSearchParams(call.query)}`,
        violations: [],
      });
    }
  });

  it("with X-Auth-Email + X-Auth-Key too", async () => {
    const key = "global-key-0123456789abcdef";
    const { sim, ctx } = cloudflareSetup({
      credentials: [{ email: "ops@example.com", key }],
      env: {
        UPSTREAM_CLOUDFLARE_TOKEN: undefined,
        UPSTREAM_CLOUDFLARE_EMAIL: "ops@example.com",
        UPSTREAM_CLOUDFLARE_KEY: key,
      },
    });
    const created = await cf.create(ctx, ZONE_A, ORDER);
    await cf.listAll(ctx, ZONE_A);
    await cf.quota(ctx, ZONE_A);
    await cf.remove(ctx, ZONE_A, created.id);
    expect(sim.count()).toBe(5);
    for (const call of sim.calls()) expect(specViolations(call)).toEqual([]);
  });

  it("the checker itself catches a bad request", () => {
    const bad = specViolations({
      seq: 1,
      at: 0,
      method: "GET",
      url: "",
      path: `/client/v4/zones/${ZONE_A}/ssl/certificate_packs`,
      query: { per_page: "100", status: "active" },
      headers: {},
      body: null,
    });
    expect(bad).toEqual(
      expect.arrayContaining([
        expect.stringContaining("query.per_page"),
        expect.stringContaining("query.status"),
        expect.stringContaining("auth"),
      ]),
    );
  });
});

describe("paging edge cases", () => {
  it("keeps each pack once when offset paging shifts between pages", async () => {
    const pack = (id: string) => ({
      id,
      type: "advanced",
      hosts: ["example.com"],
      status: "active",
      certificates: [],
    });
    const pages: Record<string, string[]> = { "1": ["a", "b"], "2": ["b", "c"] };
    const { ctx } = cloudflareSetup({
      wrap: () => (request) => {
        const page = new URL(request.url).searchParams.get("page") ?? "1";
        return Response.json({
          success: true,
          errors: [],
          messages: [],
          result: (pages[page] ?? []).map(pack),
          result_info: { page: Number(page), per_page: 50, count: 2, total_count: 4, total_pages: 2 },
        });
      },
    });
    expect((await cf.listAll(ctx, ZONE_A)).map((p) => p.id)).toEqual(["a", "b", "c"]);
  });
});
