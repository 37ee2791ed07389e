/** Gjirafa simulator: the operations of seed 004, paging, credentials and the reserved test domains. */
import { describe, expect, it } from "vitest";
import { DAY, FAIL_DOMAIN, STALL_DOMAIN, TIMEOUT_DOMAIN } from "../../sandbox/index";
import { type GjDetail, type GjListItem, gjirafaHarness, OTHER_PROJECT, PROJECT } from "./gj-harness";

describe("create, get, update, delete", () => {
  it("creates a pending certificate with TXT challenge records", async () => {
    const h = gjirafaHarness();
    const res = await h.create("shop.example.com", ["www.shop.example.com", "*.shop.example.com"], 2);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, errors: [] });
    const cert = res.body.result;
    expect(cert).toMatchObject({
      projectId: PROJECT,
      scopeId: 2,
      domainName: "shop.example.com",
      additionalNames: "www.shop.example.com,*.shop.example.com",
      certificateType: "Gjirafa Issued",
      certificateStatus: "Pending Validation",
      notBefore: null,
      notAfter: null,
      scopeOptions: { Project: 1, Organization: 2 },
    });
    expect(Number.isInteger(cert.id)).toBe(true);
    expect(cert.sslCertificateId).toMatch(/^[0-9a-f-]{36}$/);
    expect(cert.dnsRecords.map((r) => r.key)).toEqual([
      "_acme-challenge.shop.example.com",
      "_acme-challenge.www.shop.example.com",
      "_acme-challenge.shop.example.com",
    ]);
    expect(cert.certificateChallenge).toBe(cert.dnsRecords[0]?.value);

    const got = await h.call<GjDetail>("GET", `${h.certs}/${cert.id}`);
    expect(got.body.result).toEqual(cert);
    expect(got.body.resultInfo?.totalCount).toBe(1);
  });

  it("updates the scope with PUT and deletes with DELETE (detail returned, then 404)", async () => {
    const h = gjirafaHarness();
    const { id } = (await h.create("a.example.com")).body.result;
    const updated = await h.call<GjDetail>("PUT", `${h.certs}/${id}`, { body: { scopeId: 2 } });
    expect(updated.body.result.scopeId).toBe(2);
    const list = await h.call<GjListItem[]>("GET", h.certs);
    expect(list.body.result[0]?.scope).toBe("Organization");

    const deleted = await h.call<GjDetail>("DELETE", `${h.certs}/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.result.id).toBe(id);
    expect((await h.call("GET", `${h.certs}/${id}`)).status).toBe(404);
    expect((await h.call("DELETE", `${h.certs}/${id}`)).status).toBe(404);
  });

  it.each([
    ["missing domainName", { additionalDomainNames: [], scopeId: 1 }, "The DomainName field is required."],
    ["bad domainName", { domainName: "not a host", scopeId: 1 }, "'not a host' is not a valid domain name."],
    [
      "bad additional name",
      { domainName: "a.example.com", additionalDomainNames: ["x"], scopeId: 1 },
      "'x' is not a valid domain name.",
    ],
    [
      "additional names not a list",
      { domainName: "a.example.com", additionalDomainNames: "b.example.com", scopeId: 1 },
      "AdditionalDomainNames must be an array of domain names.",
    ],
    ["missing scopeId", { domainName: "a.example.com" }, "The ScopeId field is required."],
    [
      "non-integer scopeId",
      { domainName: "a.example.com", scopeId: "1" },
      "The value '1' is not valid for ScopeId.",
    ],
    [
      "fractional scopeId",
      { domainName: "a.example.com", scopeId: 1.5 },
      "The value '1.5' is not valid for ScopeId.",
    ],
    [
      "unknown scopeId",
      { domainName: "a.example.com", scopeId: 9 },
      "Unknown ScopeId 9; valid scopes: Project=1, Organization=2.",
    ],
  ])("rejects a create with %s (400, string errors)", async (_name, body, error) => {
    const h = gjirafaHarness();
    const res = await h.call("POST", h.certs, { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, result: null, resultInfo: null });
    expect(res.body.errors).toContain(error);
  });

  it.each([
    ["malformed JSON", "{"],
    ["an array", "[]"],
  ])("rejects a body that is %s", async (_name, rawBody) => {
    const h = gjirafaHarness();
    expect((await h.call("POST", h.certs, { rawBody })).status).toBe(400);
    expect((await h.call("PUT", `${h.certs}/1`, { rawBody })).status).toBeGreaterThanOrEqual(400);
  });

  it.each([
    ["abc", 400],
    ["-1", 400],
    ["2147483648", 400],
    ["99", 404],
  ])("GET with id %s answers %i", async (id, status) => {
    const h = gjirafaHarness();
    expect((await h.call("GET", `${h.certs}/${id}`)).status).toBe(status);
  });
});

describe("validate", () => {
  it("issues for 90 days", async () => {
    const h = gjirafaHarness();
    const { id } = (await h.create("a.example.com")).body.result;
    const res = await h.call<GjDetail>("PUT", `${h.certs}/${id}/validate`);
    expect(res.status).toBe(200);
    const cert = res.body.result;
    expect(cert.certificateStatus).toBe("Active");
    expect(Date.parse(cert.notBefore ?? "")).toBe(h.clock.now());
    expect(Date.parse(cert.notAfter ?? "")).toBe(h.clock.now() + 90 * DAY);
    expect(cert).toMatchObject({ issuer: "CN=R11, O=Let's Encrypt, C=US", signatureAlgorithm: "sha256RSA" });
    expect(cert.serialNumber).toMatch(/^[0-9A-F]{36}$/);

    h.clock.advance(90 * DAY);
    expect((await h.call<GjDetail>("GET", `${h.certs}/${id}`)).body.result.certificateStatus).toBe("Expired");
  });

  it.each([
    [`www.${STALL_DOMAIN}`, "Pending Validation"],
    [`www.${TIMEOUT_DOMAIN}`, "Failed"],
    [`www.${FAIL_DOMAIN}`, "Failed"],
  ])("keeps %s in status %s", async (host, status) => {
    const h = gjirafaHarness();
    const { id } = (await h.create("a.example.com", [host])).body.result;
    const res = await h.call<GjDetail>("PUT", `${h.certs}/${id}/validate`);
    expect(res.status).toBe(200);
    expect(res.body.result.certificateStatus).toBe(status);
    expect(res.body.result.notAfter).toBeNull();
    expect(res.body.messages[0]).toBeDefined();
  });

  it("reports the CAA failure for the fail domain", async () => {
    const h = gjirafaHarness();
    const { id } = (await h.create(`x.${FAIL_DOMAIN}`)).body.result;
    const res = await h.call("PUT", `${h.certs}/${id}/validate`);
    expect(res.body.messages).toEqual([`Validation failed: SERVFAIL looking up CAA for x.${FAIL_DOMAIN}`]);
  });

  it("refuses to validate an imported certificate", async () => {
    const h = gjirafaHarness();
    const imported = h.sim.seedCertificate(PROJECT, {
      domainName: "i.example.com",
      certificateType: "Imported",
    });
    expect((await h.call("PUT", `${h.certs}/${imported.id}/validate`)).status).toBe(400);
  });
});

describe("list and paging", () => {
  it("pages with pageIndex (1-based) and pageSize, following hasNextPage", async () => {
    const h = gjirafaHarness();
    for (let i = 0; i < 23; i++) h.sim.seedCertificate(PROJECT, { domainName: `h${i}.example.com` });
    const seen: number[] = [];
    let pageIndex = 1;
    for (;;) {
      const res = await h.call<GjListItem[]>("GET", `${h.certs}?pageIndex=${pageIndex}&pageSize=10`);
      seen.push(...res.body.result.map((c) => c.id));
      expect(res.body.resultInfo).toMatchObject({ totalCount: 23, pageIndex, pageSize: 10, totalPages: 3 });
      expect(res.body.resultInfo?.hasPreviousPage).toBe(pageIndex > 1);
      if (res.body.resultInfo?.hasNextPage !== true) break;
      pageIndex += 1;
    }
    expect(pageIndex).toBe(3);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
  });

  it("lists the seed 004 list shape (additionalNames is one string)", async () => {
    const h = gjirafaHarness();
    h.sim.seedCertificate(PROJECT, {
      domainName: "a.example.com",
      additionalNames: ["b.example.com", "c.example.com"],
    });
    const res = await h.call<GjListItem[]>("GET", h.certs);
    expect(Object.keys(res.body.result[0] ?? {}).sort()).toEqual([
      "additionalNames",
      "certificateStatus",
      "certificateType",
      "distributionId",
      "domainName",
      "id",
      "lastModified",
      "scope",
      "sslCertificateId",
    ]);
    expect(res.body.result[0]?.additionalNames).toBe("b.example.com,c.example.com");
    expect(res.body.resultInfo).toEqual({
      totalCount: 1,
      pageIndex: 1,
      pageSize: 10,
      totalPages: 1,
      hasNextPage: false,
      hasPreviousPage: false,
    });
  });

  it.each([
    ["pageIndex=0", 200],
    ["pageSize=100", 200],
    ["pageSize=0", 400],
    ["pageSize=101", 400],
    ["pageIndex=x", 400],
  ])("query %s answers %i", async (query, status) => {
    const h = gjirafaHarness();
    expect((await h.call("GET", `${h.certs}?${query}`)).status).toBe(status);
  });

  it("keeps projects apart", async () => {
    const h = gjirafaHarness();
    h.sim.seedCertificate(PROJECT, { domainName: "a.example.com" });
    const res = await h.call<GjListItem[]>("GET", `/api/v1/projects/${OTHER_PROJECT}/certificates`);
    expect(res.body.result).toEqual([]);
  });
});

describe("routing and credentials", () => {
  it.each([
    ["no key", {}, null, 401],
    ["wrong key", {}, "nope", 401],
    ["X-API-Key", {}, "k-all", 200],
    ["Bearer token", { authorization: "Bearer k-all" }, null, 200],
    ["expired key", {}, "k-old", 401],
    ["key for another project", {}, "k-other", 403],
    ["key for this project", {}, "k-this", 200],
  ])("%s -> %i", async (_name, headers, key, status) => {
    const h = gjirafaHarness({
      apiKeys: [
        { key: "k-all" },
        { key: "k-old", expiresAt: 0 },
        { key: "k-other", projects: [OTHER_PROJECT] },
        { key: "k-this", projects: [PROJECT] },
      ],
    });
    const res = await h.call("GET", h.certs, { headers, key });
    expect(res.status).toBe(status);
    if (status !== 200) {
      expect(res.body.success).toBe(false);
      expect(typeof res.body.errors[0]).toBe("string");
    }
    if (status === 401) expect(res.headers.get("www-authenticate")).toBe("Bearer");
  });

  it.each([
    ["GET", "/api/v1/projects/00000000-0000-4000-8000-000000000000/certificates", 404],
    ["GET", "/api/v1/projects/not-a-uuid/certificates", 404],
    ["GET", `/api/v2/projects/${PROJECT}/certificates`, 404],
    ["GET", `/api/v1/projects/${PROJECT}/distributions`, 404],
    ["GET", `/api/v1/projects/${PROJECT}/certificates/1/renew`, 404],
    ["PATCH", `/api/v1/projects/${PROJECT}/certificates/1`, 405],
    ["GET", `/api/v1/projects/${PROJECT}/certificates/import`, 405],
    ["GET", `/api/v1/projects/${PROJECT}/certificates/1/validate`, 405],
    ["GET", `/gjirafa/api/v1/projects/${PROJECT}/certificates`, 200],
  ])("%s %s -> %i", async (method, path, status) => {
    const h = gjirafaHarness();
    expect((await h.call(method, path)).status).toBe(status);
  });
});
