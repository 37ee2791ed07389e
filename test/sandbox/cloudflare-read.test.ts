/**
 * Cloudflare simulator: list, get and quota, routing and credentials (seed 000, domain.md).
 * Every response is also checked against the published OpenAPI schema by the harness.
 */
import { describe, expect, it } from "vitest";
import { CF_CODES, type PackStatus } from "../../sandbox/index";
import { type CfPack, cloudflareHarness, LAB_ZONE, ZONE } from "./cf-harness";

function seedActive(h: ReturnType<typeof cloudflareHarness>, count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const pack = h.sim.seedPack(ZONE.id, { hosts: ["example.com", `h${i}.example.com`], status: "active" });
    ids.push(pack.id);
  }
  return ids;
}

describe("GET certificate_packs (list)", () => {
  it("returns only active packs without status=all, every status with it", async () => {
    const h = cloudflareHarness();
    const statuses: PackStatus[] = [
      "active",
      "pending_validation",
      "validation_timed_out",
      "expired",
      "deleted",
    ];
    for (const status of statuses) h.sim.seedPack(ZONE.id, { hosts: ["example.com"], status });

    const active = await h.call<CfPack[]>("GET", h.packsPath());
    expect(active.status).toBe(200);
    expect(active.body.result.map((p) => p.status)).toEqual(["active"]);

    const all = await h.call<CfPack[]>("GET", `${h.packsPath()}?status=all`);
    expect(all.body.result.map((p) => p.status)).toEqual(statuses);
    expect(all.body.result_info).toEqual({ page: 1, per_page: 20, count: 5, total_count: 5, total_pages: 1 });
  });

  it("pages with page/per_page (default 20) and reports result_info", async () => {
    const h = cloudflareHarness();
    const ids = seedActive(h, 25);
    const first = await h.call<CfPack[]>("GET", h.packsPath());
    expect(first.body.result.map((p) => p.id)).toEqual(ids.slice(0, 20));
    expect(first.body.result_info).toEqual({
      page: 1,
      per_page: 20,
      count: 20,
      total_count: 25,
      total_pages: 2,
    });
    const second = await h.call<CfPack[]>("GET", `${h.packsPath()}?page=2`);
    expect(second.body.result.map((p) => p.id)).toEqual(ids.slice(20));
    expect(second.body.result_info?.count).toBe(5);
    const past = await h.call<CfPack[]>("GET", `${h.packsPath()}?page=3`);
    expect(past.body.result).toEqual([]);
  });

  it.each([
    ["per_page=5", 200],
    ["per_page=50", 200],
    ["per_page=4", 400],
    ["per_page=51", 400],
    ["per_page=abc", 400],
    ["page=1", 200],
    ["page=0", 400],
    ["page=-1", 400],
    ["page=1.5", 400],
    ["status=all", 200],
    ["status=active", 400],
    ["deploy=staging", 200],
    ["deploy=production", 200],
    ["deploy=canary", 400],
  ])("query %s answers %i", async (query, status) => {
    const h = cloudflareHarness();
    seedActive(h, 7);
    const res = await h.call<CfPack[]>("GET", `${h.packsPath()}?${query}`);
    expect(res.status).toBe(status);
    if (status === 400) expect(res.body.errors[0]?.code).toBe(CF_CODES.invalidRequest);
  });

  it("per_page=5 splits 7 packs into pages of 5 and 2", async () => {
    const h = cloudflareHarness();
    seedActive(h, 7);
    const res = await h.call<CfPack[]>("GET", `${h.packsPath()}?per_page=5&page=2`);
    expect(res.body.result).toHaveLength(2);
    expect(res.body.result_info).toEqual({ page: 2, per_page: 5, count: 2, total_count: 7, total_pages: 2 });
  });

  it("omits total_pages with legacyResultInfo, as older responses did", async () => {
    const h = cloudflareHarness({ legacyResultInfo: true });
    seedActive(h, 2);
    const res = await h.call<CfPack[]>("GET", h.packsPath());
    expect(res.body.result_info).toEqual({ page: 1, per_page: 20, count: 2, total_count: 2 });
  });
});

describe("GET certificate_packs/{id} and /quota", () => {
  it("gets one pack in wire form", async () => {
    const h = cloudflareHarness();
    const seeded = h.sim.seedPack(ZONE.id, { hosts: ["example.com", "*.example.com"], status: "active" });
    const res = await h.call<CfPack>("GET", `${h.packsPath()}/${seeded.id}`);
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual(seeded);
    expect(res.body.result.certificates).toHaveLength(2);
    expect(res.body.result.primary_certificate).toBe(res.body.result.certificates[0]?.id);
  });

  it("answers 404 (1404) for an unknown pack and 400 (7003) for a malformed id", async () => {
    const h = cloudflareHarness();
    const missing = await h.call("GET", `${h.packsPath()}/${"a".repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0]?.code).toBe(CF_CODES.packNotFound);
    const malformed = await h.call("GET", `${h.packsPath()}/not..an-id`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0]?.code).toBe(CF_CODES.noRoute);
  });

  it("reports the advanced quota: allocated and live advanced packs", async () => {
    const h = cloudflareHarness({ zones: [{ ...ZONE, allocated: 10 }] });
    seedActive(h, 3);
    h.sim.seedPack(ZONE.id, { hosts: ["example.com"], status: "active", type: "universal" });
    h.sim.seedPack(ZONE.id, { hosts: ["example.com"], status: "deleted" });
    const res = await h.call("GET", `${h.packsPath()}/quota`);
    expect(res.body.result).toEqual({ advanced: { allocated: 10, used: 3 } });
  });
});

describe("routing", () => {
  it.each(["https://api.cloudflare.com/client/v4", "http://127.0.0.1:8787/cf", "http://localhost"])(
    "serves under any prefix: %s",
    async (base) => {
      const h = cloudflareHarness();
      const res = await h.call("GET", `${h.packsPath()}/quota`, { base });
      expect(res.status).toBe(200);
    },
  );

  it.each([
    ["GET", "/zones", 404, CF_CODES.noRoute],
    ["GET", `/zones/${ZONE.id}/ssl/certificate_packs/x/y`, 404, CF_CODES.noRoute],
    ["POST", `/zones/${ZONE.id}/ssl/certificate_packs`, 405, CF_CODES.methodNotAllowed],
    ["GET", `/zones/${ZONE.id}/ssl/certificate_packs/order`, 405, CF_CODES.methodNotAllowed],
    ["POST", `/zones/${ZONE.id}/ssl/certificate_packs/quota`, 405, CF_CODES.methodNotAllowed],
    ["PUT", `/zones/${ZONE.id}/ssl/certificate_packs/${"b".repeat(32)}`, 405, CF_CODES.methodNotAllowed],
    ["GET", "/zones/not-a-zone/ssl/certificate_packs", 400, CF_CODES.noRoute],
    ["GET", `/zones/${"f".repeat(32)}/ssl/certificate_packs`, 404, CF_CODES.invalidZone],
  ])("%s %s -> %i (code %i)", async (method, path, status, code) => {
    const h = cloudflareHarness();
    const res = await h.call(method, path);
    expect(res.status).toBe(status);
    expect(res.body.success).toBe(false);
    expect(res.body.result).toBeNull();
    expect(res.body.errors[0]?.code).toBe(code);
  });
});

describe("credentials", () => {
  const credentials = [
    { token: "edit-token", permission: "edit" as const },
    { token: "read-token", permission: "read" as const },
    { token: "lab-only", zones: [LAB_ZONE.id] },
    { email: "ops@example.com", key: "global-key" },
  ];

  it.each([
    ["no credentials", {}, "GET", 400, CF_CODES.missingCredentials],
    ["Basic scheme", { authorization: "Basic abc" }, "GET", 400, CF_CODES.invalidHeaders],
    ["unknown token", { authorization: "Bearer nope" }, "GET", 403, CF_CODES.authentication],
    ["edit token", { authorization: "Bearer edit-token" }, "GET", 200, undefined],
    ["read token, read", { authorization: "Bearer read-token" }, "GET", 200, undefined],
    ["read token, write", { authorization: "Bearer read-token" }, "POST", 403, CF_CODES.authentication],
    ["token for another zone", { authorization: "Bearer lab-only" }, "GET", 403, CF_CODES.authentication],
    ["email + key", { "x-auth-email": "ops@example.com", "x-auth-key": "global-key" }, "GET", 200, undefined],
    [
      "email + wrong key",
      { "x-auth-email": "ops@example.com", "x-auth-key": "x" },
      "GET",
      403,
      CF_CODES.unknownKey,
    ],
    ["email without key", { "x-auth-email": "ops@example.com" }, "GET", 400, CF_CODES.missingCredentials],
  ])("%s -> %i", async (_name, headers, method, status, code) => {
    const h = cloudflareHarness({ credentials });
    const path = method === "GET" ? `${h.packsPath()}/quota` : `${h.packsPath()}/order`;
    const body = {
      type: "advanced",
      hosts: ["example.com"],
      validation_method: "txt",
      validity_days: 90,
      certificate_authority: "google",
    };
    const res = await h.call(method, path, { headers, token: null, ...(method === "POST" ? { body } : {}) });
    expect(res.status).toBe(status);
    if (code !== undefined) expect(res.body.errors[0]?.code).toBe(code);
  });

  it("explains a malformed Authorization header with an error_chain (6111)", async () => {
    const h = cloudflareHarness();
    const res = await h.call("GET", `${h.packsPath()}/quota`, {
      headers: { authorization: "Token x" },
      token: null,
    });
    expect(res.body.errors[0]?.error_chain?.[0]?.code).toBe(CF_CODES.invalidAuthorizationFormat);
  });
});
