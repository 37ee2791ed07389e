/**
 * The Gjirafa provider against the sandbox simulator: paging by hasNextPage, every operation, import
 * checked before sending and never sent twice, auth schemes, 404 kept, quota without a call.
 */
import { describe, expect, it } from "vitest";
import {
  SAMPLE_CERTIFICATE,
  SAMPLE_CHAIN,
  SAMPLE_PRIVATE_KEY,
} from "../../sandbox/gjirafa/sample-certificates";
import { AppError } from "../../src/errors";
import { gjirafaNative } from "../../src/providers/gjirafa/native";
import { gjirafaProvider as gj } from "../../src/providers/gjirafa/provider";
import type { CreateInput, ImportInput } from "../../src/providers/types";
import { PROJECT_P, PROJECT_Q, UPSTREAM_GJIRAFA_KEY } from "../helpers/ids";
import { gjirafaSetup } from "./gjirafa-setup";

const CREATE: CreateInput = {
  provider: "gjirafa",
  project: PROJECT_P,
  domain_name: "shop.example.com",
  additional_names: ["www.shop.example.com"],
  scope_id: 1,
};
const IMPORT: ImportInput = {
  certificate: SAMPLE_CERTIFICATE,
  private_key: SAMPLE_PRIVATE_KEY,
  chain: SAMPLE_CHAIN,
  scope_id: 1,
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

function seedMany(sim: ReturnType<typeof gjirafaSetup>["sim"], n: number, project = PROJECT_P) {
  for (let i = 0; i < n; i += 1) {
    sim.seedCertificate(project, {
      domainName: `h${i}.example.com`,
      status: i % 4 === 0 ? "Pending Validation" : "Active",
    });
  }
}

describe("listAll", () => {
  it.each([
    [0, 1],
    [99, 1],
    [100, 1],
    [101, 2],
    [250, 3],
  ])("follows hasNextPage (%i certificates -> %i requests)", async (n, requests) => {
    const { sim, ctx } = gjirafaSetup();
    seedMany(sim, n);
    seedMany(sim, 3, PROJECT_Q);
    const certs = await gj.listAll(ctx, PROJECT_P);
    expect(certs).toHaveLength(n);
    expect(new Set(certs.map((c) => c.id)).size).toBe(n);
    const calls = sim.calls({ method: "GET" });
    expect(calls).toHaveLength(requests);
    expect(calls.map((c) => c.query.pageIndex)).toEqual(
      Array.from({ length: requests }, (_, i) => String(i + 1)),
    );
    expect(calls.every((c) => c.query.pageSize === "100")).toBe(true);
    expect(calls[0]?.path).toBe(`/api/v1/projects/${PROJECT_P}/certificates`);
  });

  it("stops at totalPages even if hasNextPage stays true", async () => {
    const { ctx, fetch } = gjirafaSetup({
      wrap: () => (request) => {
        const page = Number(new URL(request.url).searchParams.get("pageIndex"));
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
    await expect(gj.listAll(ctx, PROJECT_P)).resolves.toHaveLength(2);
    expect(fetch.requests).toHaveLength(2);
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

  it("a list item normalizes with nulls for what it lacks", async () => {
    const { sim, ctx, clock } = gjirafaSetup();
    seedMany(sim, 1);
    const [item] = await gj.listAll(ctx, PROJECT_P);
    if (!item) throw new Error("no item");
    expect(gj.normalize(PROJECT_P, item, clock.now())).toMatchObject({
      expires_at: null,
      days_remaining: null,
      issuer: null,
    });
  });
});

describe("operations", () => {
  it("create sends seed 004's body and returns a pending certificate with its DNS records", async () => {
    const { sim, ctx, clock } = gjirafaSetup();
    const cert = await gj.create(ctx, PROJECT_P, CREATE);
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
    const created = await gj.create(ctx, PROJECT_P, CREATE);
    const validated = await gj.validate(ctx, PROJECT_P, gj.rawId(created));
    expect(gj.normalize(PROJECT_P, validated, clock.now())).toMatchObject({
      status: "active",
      days_remaining: 90,
    });
    const [call] = sim.calls({ method: "PUT" });
    expect(call?.path).toBe(`/api/v1/projects/${PROJECT_P}/certificates/${created.id}/validate`);
    expect(call?.body).toBeNull();
  });

  it("update sends {scopeId}; other updates are refused before sending", async () => {
    const { sim, ctx } = gjirafaSetup();
    const seeded = sim.seedCertificate(PROJECT_P, { domainName: "a.example.com" });
    const id = String(seeded.id);
    await expect(gj.update(ctx, PROJECT_P, id, { scope_id: 2 })).resolves.toMatchObject({ scopeId: 2 });
    expect(sim.calls({ method: "PUT" }).map((c) => c.body)).toEqual([{ scopeId: 2 }]);
    expect((await failure(gj.update(ctx, PROJECT_P, id, { cloudflare_branding: true }))).code).toBe(
      "not_supported_by_provider",
    );
    expect((await failure(gj.update(ctx, PROJECT_P, id, {}))).code).toBe("validation_failed");
    expect(sim.count("PUT")).toBe(1);
  });

  it("remove deletes; an unknown id stays 404 not_found", async () => {
    const { sim, ctx } = gjirafaSetup();
    const seeded = sim.seedCertificate(PROJECT_P, { domainName: "a.example.com" });
    await expect(gj.remove(ctx, PROJECT_P, String(seeded.id))).resolves.toEqual({
      id: `gjirafa:${PROJECT_P}:${seeded.id}`,
      already_deleted: false,
    });
    const err = await failure(gj.remove(ctx, PROJECT_P, String(seeded.id)));
    expect(err).toMatchObject({
      code: "not_found",
      status: 404,
      details: { provider: "gjirafa", upstream_code: 404 },
    });
  });

  it.each(["abc", "-1", "2147483648", "1.5", ""])("refuses the id %j before sending", async (id) => {
    const { sim, ctx } = gjirafaSetup();
    const err = await failure(gj.get(ctx, PROJECT_P, id));
    expect(err.code).toBe("validation_failed");
    expect(sim.count()).toBe(0);
  });

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

describe("import", () => {
  it("imports well-formed PEM", async () => {
    const { sim, ctx, clock } = gjirafaSetup();
    const cert = await gj.importCertificate(ctx, PROJECT_P, IMPORT);
    expect(gj.normalize(PROJECT_P, cert, clock.now())).toMatchObject({
      type: "Imported",
      status: "active",
      hosts: ["imported.demo.certgate.test", "www.imported.demo.certgate.test"],
      validation: { method: null },
    });
    expect(sim.calls({ method: "POST" })[0]?.path).toBe(`/api/v1/projects/${PROJECT_P}/certificates/import`);
  });

  it("refuses malformed PEM naming the field, before sending", async () => {
    const { sim, ctx } = gjirafaSetup();
    const err = await failure(
      gj.importCertificate(ctx, PROJECT_P, { ...IMPORT, private_key: SAMPLE_CERTIFICATE }),
    );
    expect(err).toMatchObject({ code: "validation_failed", status: 400 });
    expect(err.details.fields?.map((f) => f.path)).toEqual(["body.private_key"]);
    expect(sim.count()).toBe(0);
  });

  it.each([
    [{ kind: "status", status: 500 }, "upstream_unavailable"],
    [{ kind: "reset", afterProcessing: true }, "upstream_unavailable"],
    [{ kind: "hang" }, "upstream_timeout"],
  ] as const)("is never sent twice (%o)", async (fault, code) => {
    const { sim, ctx } = gjirafaSetup({ env: { UPSTREAM_TIMEOUT_MS: "100" } });
    sim.faults.add({ method: "POST", fault });
    const err = await failure(gj.importCertificate(ctx, PROJECT_P, IMPORT));
    expect(err.code).toBe(code);
    expect(sim.count("POST")).toBe(1);
  });

  it("never puts the private key or the upstream key in a log line or error", async () => {
    const { sim, ctx } = gjirafaSetup();
    sim.faults.add({ method: "POST", fault: { kind: "status", status: 500 } });
    const err = await failure(gj.importCertificate(ctx, PROJECT_P, IMPORT));
    const everything = JSON.stringify({ logs: ctx.deps.logs, message: err.message, details: err.details });
    expect(everything).not.toContain("Y2VydGdhdGUgc2FuZGJveCBwbGFjZWhvbGRlcjogbm90IGEga2V5");
    expect(everything).not.toContain(UPSTREAM_GJIRAFA_KEY);
  });

  it("create is never sent twice on a 5xx either", async () => {
    const { sim, ctx } = gjirafaSetup();
    sim.faults.add({ method: "POST", fault: { kind: "status", status: 503 } });
    await failure(gj.create(ctx, PROJECT_P, CREATE));
    expect(sim.count("POST")).toBe(1);
  });
});

describe("credentials", () => {
  it("sends X-API-Key by default", async () => {
    const { sim, ctx } = gjirafaSetup();
    await gj.listAll(ctx, PROJECT_P);
    expect(sim.calls()[0]?.headers["x-api-key"]).toBe(UPSTREAM_GJIRAFA_KEY);
    expect(sim.calls()[0]?.headers.authorization).toBeUndefined();
  });

  it("sends Authorization: Bearer with GJIRAFA_AUTH_SCHEME=bearer", async () => {
    const { sim, ctx } = gjirafaSetup({ env: { GJIRAFA_AUTH_SCHEME: "bearer" } });
    await gj.listAll(ctx, PROJECT_P);
    expect(sim.calls()[0]?.headers.authorization).toBe(`Bearer ${UPSTREAM_GJIRAFA_KEY}`);
    expect(sim.calls()[0]?.headers["x-api-key"]).toBeUndefined();
  });

  it.each([
    [[{ key: "another-key-000000000" }], "401"],
    [[{ key: UPSTREAM_GJIRAFA_KEY, projects: [PROJECT_Q] }], "403"],
  ])("a refused key (%#) is 502 upstream_auth_failed without the key in logs", async (apiKeys, status) => {
    const { ctx } = gjirafaSetup({ apiKeys });
    const err = await failure(gj.listAll(ctx, PROJECT_P));
    expect(err).toMatchObject({
      code: "upstream_auth_failed",
      status: 502,
      details: { upstream_code: Number(status) },
    });
    expect(JSON.stringify(ctx.deps.logs)).not.toContain(UPSTREAM_GJIRAFA_KEY);
    expect(err.message).not.toContain(UPSTREAM_GJIRAFA_KEY);
  });
});

describe("native pass-through functions", () => {
  it("validate input, PEM-check imports with native field names, and return the wire envelope", async () => {
    const { sim, ctx } = gjirafaSetup();
    seedMany(sim, 12);
    const page = await gjirafaNative.list(ctx, PROJECT_P, { pageIndex: "2", pageSize: "5" });
    expect(page).toMatchObject({
      success: true,
      resultInfo: { pageIndex: 2, pageSize: 5, totalCount: 12, hasNextPage: true },
    });
    expect(page.result).toHaveLength(5);
    const bad = await failure(
      gjirafaNative.import(ctx, PROJECT_P, {
        certificateBody: SAMPLE_CERTIFICATE,
        certificatePrivateKey: "oops",
        certificateChain: SAMPLE_CHAIN,
        scopeId: 1,
      }),
    );
    expect(bad.details.fields?.map((f) => f.path)).toEqual(["body.certificatePrivateKey"]);
    expect((await failure(gjirafaNative.list(ctx, PROJECT_P, { pageSize: "0" }))).code).toBe(
      "validation_failed",
    );
    expect((await failure(gjirafaNative.update(ctx, PROJECT_P, "1", { scopeId: "x" }))).code).toBe(
      "validation_failed",
    );
    expect(sim.count()).toBe(1);
    const created = await gjirafaNative.create(ctx, PROJECT_P, {
      domainName: "n.example.com",
      additionalDomainNames: [],
      scopeId: 1,
    });
    expect(created.result.certificateStatus).toBe("Pending Validation");
  });
});
