/**
 * The Cloudflare provider against the sandbox simulator: paging, every operation, idempotent delete and
 * restart only from validation_timed_out.
 */

import { describe, expect, it } from "vitest";
import { cloudflare } from "../../../src/providers/cloudflare";
import { ZONE_A, ZONE_B } from "../../helpers/ids";
import { failure } from "../../upstream/failure";
import { cloudflareInstance, cloudflareSetup, ORDER, seedMany } from "./setup";

/** The Cloudflare provider of the fixture configuration. */
const cf = cloudflareInstance();

describe("listAll", () => {
  it("follows pages of 50 with status=all until total_pages", async () => {
    const { sim, ctx } = cloudflareSetup();
    seedMany(sim, 120);
    const { items: packs } = await cf.listAll(ctx, ZONE_A);
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
    expect((await cf.listAll(ctx, ZONE_A)).items).toHaveLength(n);
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
    const { raw: pack } = await cf.create(ctx, ZONE_A, ORDER);
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
    const { raw: pack } = await cf.get(ctx, ZONE_A, String(seeded.id));
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

  // Was "percent-encodes ids": the one pack id rule (src/providers/cloudflare/ids.ts) now allows only
  // characters that need no encoding, so an id that would need it is refused before anything is sent.
  it.each(["a/../b?x", "a b", "x".repeat(33), "a:b"])(
    "refuses the id %j (outside the id rule) before sending",
    async (id) => {
      const { fetch, ctx } = cloudflareSetup();
      expect((await failure(cf.get(ctx, ZONE_A, id))).code).toBe("validation_failed");
      expect(fetch.requests).toHaveLength(0);
    },
  );

  it.each(["A-b_c.d~e", "x".repeat(32), "023e105f4ecef8ad9ca31a8372d0c353"])(
    "accepts the id %j (any published-length id of path-safe characters)",
    async (id) => {
      // Sent as is (what the simulator, modelled on today's hex ids, answers is not the point).
      const { fetch, ctx } = cloudflareSetup();
      await cf.get(ctx, ZONE_A, id).catch(() => undefined);
      expect(fetch.requests).toHaveLength(1);
      expect(new URL(fetch.requests[0]?.url ?? "").pathname).toMatch(
        new RegExp(`/certificate_packs/${id.replaceAll(".", "\\.")}$`),
      );
    },
  );

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

  it("offers no import: no import operation and no /v1 import fragment (the service answers 422)", () => {
    expect(cf.importCertificate).toBeUndefined();
    expect(cloudflare.descriptor.unified.import).toBeUndefined();
    expect(cloudflare.descriptor.unified.update?.shape).toHaveProperty("cloudflare_branding");
    expect(cloudflare.descriptor.unified.update?.shape).not.toHaveProperty("scope_id");
  });

  it("update adds branding with PATCH {cloudflare_branding: true}; removing it or nothing is refused", async () => {
    const { sim, ctx } = cloudflareSetup();
    const seeded = sim.seedPack(ZONE_A, { hosts: ["example.com"], status: "active" });
    const id = String(seeded.id);
    await expect(cf.update(ctx, ZONE_A, id, { cloudflare_branding: true })).resolves.toMatchObject({
      raw: { cloudflare_branding: true },
    });
    expect(sim.calls({ method: "PATCH" }).map((c) => c.body)).toEqual([{ cloudflare_branding: true }]);
    expect((await failure(cf.update(ctx, ZONE_A, id, { cloudflare_branding: false }))).code).toBe(
      "not_supported_by_provider",
    );
    expect((await failure(cf.update(ctx, ZONE_A, id, {}))).code).toBe("validation_failed");
    expect(sim.count("PATCH")).toBe(1);
  });
});

describe("requestValidation (restart validation)", () => {
  it("restarts a pack in validation_timed_out with PATCH {}", async () => {
    const { sim, ctx } = cloudflareSetup();
    const seeded = sim.seedPack(ZONE_A, { hosts: ["example.com"], status: "validation_timed_out" });
    const { raw: pack } = await cf.requestValidation(ctx, ZONE_A, String(seeded.id));
    expect(pack?.status).not.toBe("validation_timed_out");
    expect(sim.calls({ method: "PATCH" }).map((c) => c.body)).toEqual([{}]);
  });

  it.each(["active", "pending_validation", "issuance_timed_out", "deleted"] as const)(
    "refuses a pack in %s with 409 conflict and current_status, without a PATCH",
    async (status) => {
      const { sim, ctx } = cloudflareSetup();
      const seeded = sim.seedPack(ZONE_A, { hosts: ["example.com"], status });
      const err = await failure(cf.requestValidation(ctx, ZONE_A, String(seeded.id)));
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
      messages: [],
    });
    await expect(cf.remove(ctx, ZONE_A, id)).resolves.toEqual({
      id: `cloudflare:${ZONE_A}:${id}`,
      already_deleted: true,
      messages: [],
    });
    expect(sim.count("DELETE")).toBe(1);
  });

  // Every status the table maps to deleting or deleted (issue 10: pending_cleanup and deactivating too).
  it.each(["deleted", "pending_deletion", "pending_cleanup", "deactivating"] as const)(
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

  // Was "an upstream 1406 on DELETE counts as already deleted", whatever the pack's state: a 1406 now
  // means "already deleted" only when a fresh GET shows the pack deleting (or gone).
  const refuse1406 =
    (forward: boolean) =>
    (inner: (r: Request) => Promise<Response> | Response) =>
    async (request: Request) => {
      if (request.method !== "DELETE") return inner(request);
      // `forward`: another caller's DELETE got there first, so the pack really is mid-deletion.
      if (forward) await inner(request);
      return Response.json(
        {
          success: false,
          errors: [{ code: 1406, message: "Bad response certificate service" }],
          messages: [],
          result: null,
        },
        { status: 400 },
      );
    };

  it("a 1406 on DELETE for a pack a fresh GET shows deleting is already_deleted", async () => {
    const { sim, ctx } = cloudflareSetup({ wrap: refuse1406(true) });
    const seeded = sim.seedPack(ZONE_A, { hosts: ["example.com"], status: "active" });
    await expect(cf.remove(ctx, ZONE_A, String(seeded.id))).resolves.toMatchObject({ already_deleted: true });
    expect(sim.count("GET")).toBe(2);
  });

  it("a 1406 on DELETE for a pack that is NOT being deleted stays an error", async () => {
    const { sim, ctx } = cloudflareSetup({ wrap: refuse1406(false) });
    const seeded = sim.seedPack(ZONE_A, { hosts: ["example.com"], status: "active" });
    const err = await failure(cf.remove(ctx, ZONE_A, String(seeded.id)));
    expect(err).toMatchObject({ code: "upstream_rejected", status: 400, details: { upstream_code: 1406 } });
    expect(sim.pack(ZONE_A, String(seeded.id))?.status).toBe("active");
  });

  it("an unknown id stays 404", async () => {
    const { ctx } = cloudflareSetup();
    const err = await failure(cf.remove(ctx, ZONE_A, "f".repeat(32)));
    expect(err).toMatchObject({ code: "not_found", status: 404 });
  });
});
