/**
 * What the native Cloudflare door sends: the caller's input validated with the door's own schemas (the
 * ones its route declarations use), then passed to the client; and every request certgate sends checked
 * against Cloudflare's published schema.
 */
import { describe, expect, it } from "vitest";
import {
  ListQuerySchema,
  OrderBodySchema,
  PatchBodySchema,
} from "../../../src/providers/cloudflare/requests";
import type { UpstreamContext } from "../../../src/upstream/context";
import { validate } from "../../../src/validation";
import { ZONE_A } from "../../helpers/ids";
import { failure } from "../../upstream/failure";
import { specViolations } from "./openapi";
import { cloudflareInstance, cloudflareSetup, ORDER, seedMany } from "./setup";

/** The Cloudflare provider of the fixture configuration. */
const cf = cloudflareInstance();

/** The native door's operations as its routes run them: validate with the door's schema, then send. */
const cloudflareNative = {
  list: async (ctx: UpstreamContext, zone: string, query: unknown) =>
    cf.client.listCertificatePacks(ctx, zone, validate(ListQuerySchema, query, "query")),
  order: async (ctx: UpstreamContext, zone: string, body: unknown) =>
    cf.client.orderCertificatePack(ctx, zone, validate(OrderBodySchema, body, "body")),
  patch: async (ctx: UpstreamContext, zone: string, id: string, body: unknown) =>
    cf.client.patchCertificatePack(ctx, zone, id, validate(PatchBodySchema, body, "body")),
  remove: (ctx: UpstreamContext, zone: string, id: string) => cf.client.deleteCertificatePack(ctx, zone, id),
};

describe("native door operations", () => {
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
    const created = (await cf.create(ctx, ZONE_A, { ...ORDER, cloudflare_branding: true })).raw;
    if (!created) throw new Error("the order answer names a pack");
    await cf.get(ctx, ZONE_A, created.id);
    await cf.requestValidation(ctx, ZONE_A, String(timedOut.id));
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
    const created = (await globalKey.create(ctx, ZONE_A, ORDER)).raw;
    if (!created) throw new Error("the order answer names a pack");
    await globalKey.listAll(ctx, ZONE_A);
    await globalKey.quota(ctx, ZONE_A);
    await globalKey.remove(ctx, ZONE_A, created.id);
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
    expect((await cf.listAll(ctx, ZONE_A)).items.map((p) => p.id)).toEqual(["a", "b", "c"]);
  });
});
