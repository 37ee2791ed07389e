/**
 * The Gjirafa provider against the sandbox simulator: paging by hasNextPage (with loop guards), every
 * operation, inputs refused before sending, 404 kept, quota without a call.
 */
import { describe, expect, it } from "vitest";
import type { GjirafaCreate } from "../../../src/providers/gjirafa/unified";
import { PROJECT_P, PROJECT_Q } from "../../helpers/ids";
import { failure } from "../../upstream/failure";
import { gjirafaInstance, gjirafaSetup } from "./setup";

/** The Gjirafa provider of the fixture configuration. */
const gj = gjirafaInstance();

const CREATE: GjirafaCreate = {
  provider: "gjirafa",
  project: PROJECT_P,
  domain_name: "shop.example.com",
  additional_names: ["www.shop.example.com"],
  scope_id: 1,
};

function seedMany(sim: ReturnType<typeof gjirafaSetup>["sim"], n: number, project = PROJECT_P) {
  for (let i = 0; i < n; i += 1) {
    sim.seedCertificate(project, {
      domainName: `h${i}.example.com`,
      status: i % 4 === 0 ? "Pending Validation" : "Active",
    });
  }
}

describe("listAll", () => {
  // Was: pageIndex 1, 2, ... with pageSize=100 chosen by certgate. The first request is now the
  // documented one (no paging parameters); later ones ask for the reported pageIndex + 1 and the
  // reported pageSize (the simulator's default page is 10).
  it.each([
    [0, 1],
    [9, 1],
    [10, 1],
    [11, 2],
    [250, 25],
  ])("follows hasNextPage (%i certificates -> %i list requests, + 1 detail each)", async (n, pages) => {
    const { sim, ctx } = gjirafaSetup();
    seedMany(sim, n);
    seedMany(sim, 3, PROJECT_Q);
    const { items: certs } = await gj.listAll(ctx, PROJECT_P);
    expect(certs).toHaveLength(n);
    expect(new Set(certs.map((c) => c.id)).size).toBe(n);
    const listCalls = sim.calls({ method: "GET" }).filter((c) => c.path.endsWith("/certificates"));
    expect(listCalls).toHaveLength(pages);
    expect(listCalls[0]?.query).toEqual({});
    expect(listCalls.slice(1).map((c) => c.query)).toEqual(
      Array.from({ length: pages - 1 }, (_, i) => ({ pageIndex: String(i + 2), pageSize: "10" })),
    );
    expect(listCalls[0]?.path).toBe(`/api/v1/projects/${PROJECT_P}/certificates`);
    expect(sim.count("GET")).toBe(pages + n);
    expect(ctx.meter.calls).toBe(pages + n);
  });

  it("stops at totalPages even if hasNextPage stays true", async () => {
    const { ctx, fetch } = gjirafaSetup({
      wrap: () => (request) => {
        const url = new URL(request.url);
        const detail = /\/certificates\/(\d+)$/.exec(url.pathname);
        if (detail) {
          const id = Number(detail[1]);
          return Response.json({
            success: true,
            errors: [],
            messages: [],
            result: { id, domainName: `p${id}.example.com`, certificateStatus: "Active" },
          });
        }
        const page = Number(url.searchParams.get("pageIndex"));
        return Response.json({
          success: true,
          errors: [],
          messages: [],
          result: [{ id: page, domainName: `p${page}.example.com`, certificateStatus: "Active" }],
          resultInfo: {
            totalCount: 2,
            pageIndex: page,
            pageSize: 1,
            totalPages: 2,
            hasNextPage: true,
            hasPreviousPage: page > 1,
          },
        });
      },
    });
    expect((await gj.listAll(ctx, PROJECT_P)).items).toHaveLength(2);
    // 2 pages + 2 details.
    expect(fetch.requests).toHaveLength(4);
  });

  it("an upstream that ignores pageIndex is an error, not an endless loop", async () => {
    const { ctx, fetch } = gjirafaSetup({
      wrap: () => () =>
        Response.json({
          success: true,
          errors: [],
          messages: [],
          result: [{ id: 1, domainName: "a.example.com", certificateStatus: "Active" }],
          resultInfo: { pageIndex: 1, hasNextPage: true },
        }),
    });
    const err = await failure(gj.listAll(ctx, PROJECT_P));
    expect(err.code).toBe("upstream_invalid_response");
    expect(fetch.requests).toHaveLength(2);
  });

  it("a listed certificate carries its detail: expiry, issuer and DNS records normalize", async () => {
    const { sim, ctx, clock } = gjirafaSetup();
    seedMany(sim, 2);
    const [pending, active] = (await gj.listAll(ctx, PROJECT_P)).items;
    if (!pending || !active) throw new Error("two items expected");
    expect(gj.normalize(PROJECT_P, active, clock.now())).toMatchObject({
      status: "active",
      days_remaining: 90,
      validity_days: 90,
      issuer: expect.stringContaining("Let's Encrypt"),
    });
    const normalized = gj.normalize(PROJECT_P, pending, clock.now());
    expect(normalized).toMatchObject({ status: "pending_validation", expires_at: null });
    expect(normalized.validation.records.map((r) => r.kind)).toEqual(["txt", "challenge"]);
  });
});

describe("operations", () => {
  it("create sends seed 004's body and returns a pending certificate with its DNS records", async () => {
    const { sim, ctx, clock } = gjirafaSetup();
    const { raw: cert } = await gj.create(ctx, PROJECT_P, CREATE);
    if (!cert) throw new Error("the create answer names a certificate");
    expect(sim.calls({ method: "POST" })[0]?.body).toEqual({
      domainName: "shop.example.com",
      additionalDomainNames: ["www.shop.example.com"],
      scopeId: 1,
    });
    const normalized = gj.normalize(PROJECT_P, cert, clock.now());
    expect(normalized).toMatchObject({
      status: "pending_validation",
      hosts: ["shop.example.com", "www.shop.example.com"],
    });
    expect(normalized.validation.records.filter((r) => r.kind === "txt")).toHaveLength(2);
    expect(normalized.validation.records.some((r) => r.kind === "challenge")).toBe(true);
  });

  it.each([
    ["a bad domain", { domain_name: "not a host" }],
    ["a duplicate name", { additional_names: ["www.shop.example.com", "WWW.shop.example.com"] }],
    ["the domain repeated", { additional_names: ["shop.example.com"] }],
  ])("create refuses %s before sending", async (_name, change) => {
    const { sim, ctx } = gjirafaSetup();
    const err = await failure(gj.create(ctx, PROJECT_P, { ...CREATE, ...change }));
    expect(err.code).toBe("validation_failed");
    expect(sim.count()).toBe(0);
  });

  it("validate issues a pending certificate (PUT .../validate, no body)", async () => {
    const { sim, ctx, clock } = gjirafaSetup();
    const { raw: created } = await gj.create(ctx, PROJECT_P, CREATE);
    if (!created) throw new Error("the create answer names a certificate");
    const { raw: validated } = await gj.requestValidation(ctx, PROJECT_P, gj.rawId(created));
    if (!validated) throw new Error("the validate answer names a certificate");
    expect(gj.normalize(PROJECT_P, validated, clock.now())).toMatchObject({
      status: "active",
      days_remaining: 90,
    });
    const [call] = sim.calls({ method: "PUT" });
    expect(call?.path).toBe(`/api/v1/projects/${PROJECT_P}/certificates/${created.id}/validate`);
    expect(call?.body).toBeNull();
  });

  it("update sends {scopeId}; an update without it is refused before sending", async () => {
    const { sim, ctx } = gjirafaSetup();
    const seeded = sim.seedCertificate(PROJECT_P, { domainName: "a.example.com" });
    const id = String(seeded.id);
    await expect(gj.update(ctx, PROJECT_P, id, { scope_id: 2 })).resolves.toMatchObject({
      raw: { scopeId: 2 },
    });
    expect(sim.calls({ method: "PUT" }).map((c) => c.body)).toEqual([{ scopeId: 2 }]);
    expect((await failure(gj.update(ctx, PROJECT_P, id, {}))).code).toBe("validation_failed");
    expect(sim.count("PUT")).toBe(1);
  });

  it("remove deletes; an unknown id stays 404 not_found", async () => {
    const { sim, ctx } = gjirafaSetup();
    const seeded = sim.seedCertificate(PROJECT_P, { domainName: "a.example.com" });
    await expect(gj.remove(ctx, PROJECT_P, String(seeded.id))).resolves.toEqual({
      id: `gjirafa:${PROJECT_P}:${seeded.id}`,
      already_deleted: false,
      messages: ["Gjirafa says: The certificate was deleted."],
    });
    const err = await failure(gj.remove(ctx, PROJECT_P, String(seeded.id)));
    expect(err).toMatchObject({
      code: "not_found",
      status: 404,
      details: { provider: "gjirafa", upstream_code: 404 },
    });
  });

  // Was also refusing "-1": the id rule is the documented int32, negative values included.
  it.each(["abc", "2147483648", "-2147483649", "1.5", "", "+1", "1e3"])(
    "refuses the id %j before sending",
    async (id) => {
      const { sim, ctx } = gjirafaSetup();
      const err = await failure(gj.get(ctx, PROJECT_P, id));
      expect(err.code).toBe("validation_failed");
      expect(sim.count()).toBe(0);
    },
  );

  it("refuses a project that is not a uuid before sending", async () => {
    const { sim, ctx } = gjirafaSetup();
    expect((await failure(gj.listAll(ctx, "../../admin"))).code).toBe("validation_failed");
    expect(sim.count()).toBe(0);
  });

  it("quota is unsupported, with nulls, and makes no call", async () => {
    const { sim, ctx } = gjirafaSetup();
    await expect(gj.quota(ctx, PROJECT_P)).resolves.toEqual({
      provider: "gjirafa",
      scope: { kind: "project", id: PROJECT_P },
      supported: false,
      allocated: null,
      used: null,
      remaining: null,
      percent: null,
    });
    expect(sim.count()).toBe(0);
    expect(ctx.meter.calls).toBe(0);
  });
});
