/**
 * Cloudflare simulator: ordering advanced packs (seed 001 request schema, seed 003 field docs), the
 * quota (domain.md) and zones without Advanced Certificate Manager (1450).
 */
import { describe, expect, it } from "vitest";
import { CF_CODES } from "../../sandbox/index";
import { type CfPack, cloudflareHarness, ZONE } from "./cf-harness";

const VALID = {
  type: "advanced",
  hosts: ["example.com", "*.example.com", "www.example.com"],
  validation_method: "txt",
  validity_days: 90,
  certificate_authority: "lets_encrypt",
};

describe("POST certificate_packs/order", () => {
  it("creates an initializing advanced pack with the ordered settings", async () => {
    const h = cloudflareHarness();
    const res = await h.order(VALID.hosts, {
      cloudflare_branding: true,
      validity_days: 14,
      certificate_authority: "ssl_com",
    });
    expect(res.status).toBe(200);
    const pack = res.body.result;
    expect(pack.id).toMatch(/^[0-9a-f]{32}$/);
    expect(pack).toMatchObject({
      type: "advanced",
      status: "initializing",
      hosts: VALID.hosts,
      validation_method: "txt",
      validity_days: 14,
      certificate_authority: "ssl_com",
      cloudflare_branding: true,
      certificates: [],
    });
    expect(h.sim.pack(ZONE.id, pack.id)).toEqual(pack);
  });

  it.each(["txt", "http", "email"])("accepts validation_method %s", async (method) => {
    const h = cloudflareHarness();
    expect((await h.order(["example.com"], { validation_method: method })).status).toBe(200);
  });

  it.each([14, 30, 90, 365])("accepts validity_days %i", async (days) => {
    const h = cloudflareHarness();
    expect((await h.order(["example.com"], { validity_days: days })).status).toBe(200);
  });

  it.each(["google", "lets_encrypt", "ssl_com"])("accepts certificate_authority %s", async (ca) => {
    const h = cloudflareHarness();
    expect((await h.order(["example.com"], { certificate_authority: ca })).status).toBe(200);
  });

  it("accepts exactly 50 hosts", async () => {
    const h = cloudflareHarness();
    const hosts = ["example.com", ...Array.from({ length: 49 }, (_, i) => `h${i}.example.com`)];
    expect((await h.order(hosts)).status).toBe(200);
  });

  const fiftyOne = ["example.com", ...Array.from({ length: 50 }, (_, i) => `h${i}.example.com`)];
  it.each([
    ["51 hosts", { hosts: fiftyOne }, CF_CODES.invalidHosts],
    ["no hosts", { hosts: [] }, CF_CODES.invalidHosts],
    ["hosts missing", { hosts: undefined }, CF_CODES.invalidHosts],
    ["hosts not an array", { hosts: "example.com" }, CF_CODES.invalidHosts],
    ["apex missing", { hosts: ["www.example.com"] }, CF_CODES.missingApex],
    ["host outside the zone", { hosts: ["example.com", "example.org"] }, CF_CODES.invalidHosts],
    ["invalid hostname", { hosts: ["example.com", "bad_host!.example.com"] }, CF_CODES.invalidHosts],
    ["wildcard not leftmost", { hosts: ["example.com", "www.*.example.com"] }, CF_CODES.invalidHosts],
    ["duplicate host", { hosts: ["example.com", "example.com"] }, CF_CODES.invalidHosts],
    ["non-string host", { hosts: ["example.com", 42] }, CF_CODES.invalidHosts],
    ["type universal", { type: "universal" }, CF_CODES.invalidType],
    ["type missing", { type: undefined }, CF_CODES.invalidType],
    ["validation_method dns", { validation_method: "dns" }, CF_CODES.invalidValidationMethod],
    ["validity_days 60", { validity_days: 60 }, CF_CODES.invalidValidityDays],
    ["validity_days as string", { validity_days: "90" }, CF_CODES.invalidValidityDays],
    [
      "certificate_authority digicert",
      { certificate_authority: "digicert" },
      CF_CODES.invalidCertificateAuthority,
    ],
    ["cloudflare_branding string", { cloudflare_branding: "yes" }, CF_CODES.invalidBranding],
  ])("rejects %s with 400", async (_name, change, code) => {
    const h = cloudflareHarness();
    const res = await h.call("POST", `${h.packsPath()}/order`, { body: { ...VALID, ...change } });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.errors.map((e) => e.code)).toContain(code);
    expect(h.sim.packs(ZONE.id)).toEqual([]);
  });

  it("reports every problem of a bad body at once", async () => {
    const h = cloudflareHarness();
    const res = await h.call("POST", `${h.packsPath()}/order`, {
      body: {
        type: "x",
        hosts: ["www.example.com"],
        validation_method: "dns",
        validity_days: 1,
        certificate_authority: "y",
      },
    });
    expect(res.body.errors.map((e) => e.code).sort()).toEqual(
      [
        CF_CODES.invalidType,
        CF_CODES.missingApex,
        CF_CODES.invalidValidationMethod,
        CF_CODES.invalidValidityDays,
        CF_CODES.invalidCertificateAuthority,
      ].sort(),
    );
  });

  it.each([
    ["malformed JSON", "{not json"],
    ["a JSON array", "[]"],
    ["no body", ""],
  ])("rejects %s with 400 (1400)", async (_name, rawBody) => {
    const h = cloudflareHarness();
    const res = await h.call("POST", `${h.packsPath()}/order`, { rawBody });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]?.code).toBe(CF_CODES.invalidRequest);
  });

  it("matches the apex case-insensitively and keeps host order", async () => {
    const h = cloudflareHarness();
    const res = await h.order(["www.Example.com", "EXAMPLE.com"]);
    expect(res.status).toBe(200);
    expect(res.body.result.hosts).toEqual(["www.example.com", "example.com"]);
  });
});

describe("quota", () => {
  it("counts live advanced packs and refuses orders once used reaches allocated", async () => {
    const h = cloudflareHarness({ zones: [{ ...ZONE, allocated: 2 }] });
    expect((await h.order(["example.com"])).status).toBe(200);
    const second = await h.order(["example.com", "www.example.com"]);
    expect(second.status).toBe(200);
    expect((await h.call("GET", `${h.packsPath()}/quota`)).body.result).toEqual({
      advanced: { allocated: 2, used: 2 },
    });

    const refused = await h.order(["example.com", "api.example.com"]);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]?.code).toBe(CF_CODES.quotaExceeded);

    // Deleting a pack frees its slot at once (deleted packs are not "used").
    await h.call("DELETE", `${h.packsPath()}/${second.body.result.id}`);
    expect(h.sim.quota(ZONE.id)).toEqual({ allocated: 2, used: 1 });
    expect((await h.order(["example.com", "api.example.com"])).status).toBe(200);
  });

  it("follows setZone changes to the allocation", async () => {
    const h = cloudflareHarness();
    h.sim.setZone(ZONE.id, { allocated: 0 });
    expect((await h.order(["example.com"])).body.errors[0]?.code).toBe(CF_CODES.quotaExceeded);
    h.sim.setZone(ZONE.id, { allocated: 5 });
    expect((await h.order(["example.com"])).status).toBe(200);
  });
});

describe("zones without Advanced Certificate Manager", () => {
  it("refuse writes with 1450 but still list and report a zero allocation", async () => {
    const h = cloudflareHarness({ zones: [{ ...ZONE, acm: false }] });
    const universal = h.sim.seedPack(ZONE.id, {
      hosts: ["example.com"],
      status: "active",
      type: "universal",
    });
    const ordered = await h.order(["example.com"]);
    expect(ordered.status).toBe(403);
    expect(ordered.body.errors[0]?.code).toBe(CF_CODES.acmRequired);
    const del = await h.call("DELETE", `${h.packsPath()}/${universal.id}`);
    expect(del.body.errors[0]?.code).toBe(CF_CODES.acmRequired);
    expect((await h.call<CfPack[]>("GET", h.packsPath())).body.result).toHaveLength(1);
    expect((await h.call("GET", `${h.packsPath()}/quota`)).body.result).toEqual({
      advanced: { allocated: 0, used: 0 },
    });
  });
});
