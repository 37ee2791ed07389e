/**
 * The Gjirafa provider's import (PEM checked before sending, never sent twice, never logged), its two
 * auth schemes against the sandbox simulator, and the native door's import over HTTP.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  SAMPLE_CERTIFICATE,
  SAMPLE_CHAIN,
  SAMPLE_PRIVATE_KEY,
} from "../../../sandbox/gjirafa/sample-certificates";
import type { GjirafaCreate, GjirafaImport } from "../../../src/providers/gjirafa/unified";
import { PROJECT_P, PROJECT_Q, UPSTREAM_GJIRAFA_KEY } from "../../helpers/ids";
import {
  clearKv,
  type GjEnvelope,
  gateway,
  gjCerts,
  PROJECT,
  ROUTE_KEYS,
  upstreamCalls,
} from "../../routes/helpers";
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
const IMPORT: GjirafaImport = {
  provider: "gjirafa",
  project: PROJECT_P,
  certificate: SAMPLE_CERTIFICATE,
  private_key: SAMPLE_PRIVATE_KEY,
  chain: SAMPLE_CHAIN,
  scope_id: 1,
};

describe("import", () => {
  it("imports well-formed PEM", async () => {
    const { sim, ctx, clock } = gjirafaSetup();
    const { raw: cert } = await gj.importCertificate(ctx, PROJECT_P, IMPORT);
    if (!cert) throw new Error("the import answer names a certificate");
    expect(gj.normalize(PROJECT_P, cert, clock.now())).toMatchObject({
      type: "Imported",
      status: "active",
      hosts: ["imported.demo.certgate.test", "www.imported.demo.certgate.test"],
      validation: { method: null },
    });
    expect(sim.calls({ method: "POST" })[0]?.path).toBe(`/api/v1/projects/${PROJECT_P}/certificates/import`);
  });

  it.each([
    ["empty", ""],
    ["whitespace only", "  \n\n "],
  ])('imports with an %s chain, sent as ""', async (_name, chain) => {
    const { sim, ctx } = gjirafaSetup();
    const { raw: cert } = await gj.importCertificate(ctx, PROJECT_P, { ...IMPORT, chain });
    expect(cert?.certificateType).toBe("Imported");
    expect(sim.calls({ method: "POST" })[0]?.body).toMatchObject({ certificateChain: "" });
  });

  it("refuses a garbage chain naming body.chain, before sending", async () => {
    const { sim, ctx } = gjirafaSetup();
    const err = await failure(gj.importCertificate(ctx, PROJECT_P, { ...IMPORT, chain: "garbage-chain" }));
    expect(err).toMatchObject({ code: "validation_failed", status: 400 });
    expect(err.details.fields?.map((f) => f.path)).toEqual(["body.chain"]);
    expect(JSON.stringify({ m: err.message, d: err.details })).not.toContain("garbage-chain");
    expect(sim.count()).toBe(0);
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
    const { sim, ctx, gj: bearer } = gjirafaSetup({ env: { GJIRAFA_AUTH_SCHEME: "bearer" } });
    await bearer.listAll(ctx, PROJECT_P);
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

describe("the native door: validated input, PEM-checked imports, the wire envelope", () => {
  beforeEach(clearKv);

  it("validates input, PEM-checks imports with native field names, and returns the wire envelope", async () => {
    const gw = gateway();
    const writer = ROUTE_KEYS.writer;
    for (let i = 0; i < 12; i += 1) {
      gw.sims.gjirafa.seedCertificate(PROJECT, { domainName: `h${i}.example.com`, status: "Active" });
    }
    const total = gw.sims.gjirafa.certificates(PROJECT).length;
    const page = await gw.json<GjEnvelope<unknown[]>>("GET", `${gjCerts()}?pageIndex=2&pageSize=5`, {
      key: writer,
    });
    expect(page.body).toMatchObject({
      success: true,
      resultInfo: { pageIndex: 2, pageSize: 5, totalCount: total, hasNextPage: total > 15 },
    });
    expect(page.body.result).toHaveLength(Math.min(5, total - 10));
    const calls = upstreamCalls(gw);
    const bad = await gw.json<GjEnvelope>("POST", `${gjCerts()}/import`, {
      key: writer,
      body: {
        certificateBody: SAMPLE_CERTIFICATE,
        certificatePrivateKey: "oops",
        certificateChain: SAMPLE_CHAIN,
        scopeId: 1,
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatch(/body\.certificatePrivateKey/);
    expect((await gw.json("GET", `${gjCerts()}?pageSize=0`, { key: writer })).status).toBe(400);
    expect((await gw.json("PUT", `${gjCerts()}/1`, { key: writer, body: { scopeId: "x" } })).status).toBe(
      400,
    );
    expect(upstreamCalls(gw)).toBe(calls);
    const noChain = await gw.json<GjEnvelope<Record<string, unknown>>>("POST", `${gjCerts()}/import`, {
      key: writer,
      body: {
        certificateBody: SAMPLE_CERTIFICATE,
        certificatePrivateKey: SAMPLE_PRIVATE_KEY,
        certificateChain: " \n",
        scopeId: 1,
      },
    });
    // Write answers come back exactly as Gjirafa sent them (unread JSON).
    expect(noChain.body).toMatchObject({ result: { certificateType: "Imported" } });
    expect(gw.sims.gjirafa.calls({ method: "POST" }).at(-1)?.body).toMatchObject({ certificateChain: "" });
    const posts = gw.sims.gjirafa.count("POST");
    const badChain = await gw.json<GjEnvelope>("POST", `${gjCerts()}/import`, {
      key: writer,
      body: {
        certificateBody: SAMPLE_CERTIFICATE,
        certificatePrivateKey: SAMPLE_PRIVATE_KEY,
        certificateChain: "garbage-chain",
        scopeId: 1,
      },
    });
    expect(badChain.status).toBe(400);
    expect(badChain.body.errors[0]).toMatch(/body\.certificateChain/);
    expect(gw.sims.gjirafa.count("POST")).toBe(posts);
    const created = await gw.json<GjEnvelope<Record<string, unknown>>>("POST", gjCerts(), {
      key: writer,
      body: { domainName: "n.example.com", additionalDomainNames: [], scopeId: 1 },
    });
    expect(created.body).toMatchObject({ result: { certificateStatus: "Pending Validation" } });
  });
});
