/**
 * The native Gjirafa front door (/gjirafa/api/v1/projects/{project}/certificates...): seed 004's seven
 * operations over the demo simulator, native shapes (`resultInfo`, string errors), certgate's upstream
 * key injected, and a wrong version segment answered 404.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_GJIRAFA_API_KEY, SAMPLE_CERTIFICATE, SAMPLE_CHAIN, SAMPLE_PRIVATE_KEY } from "../../../sandbox";
import {
  clearKv,
  type GjEnvelope,
  gateway,
  gjCerts,
  PROJECT,
  ROUTE_KEYS,
  upstreamCalls,
  type Wire,
} from "../../routes/helpers";

const writer = ROUTE_KEYS.writer;
beforeEach(clearKv);

const IMPORT = {
  certificateBody: SAMPLE_CERTIFICATE,
  certificatePrivateKey: SAMPLE_PRIVATE_KEY,
  certificateChain: SAMPLE_CHAIN,
  scopeId: 1,
};

function certId(gw: ReturnType<typeof gateway>, match: (c: Record<string, unknown>) => boolean): number {
  const cert = gw.sims.gjirafa.certificates(PROJECT).find(match);
  if (!cert) throw new Error("no demo certificate matches");
  return cert.id;
}

describe("native Gjirafa: list", () => {
  // Was 1-based (pageIndex 1 first). The door now counts pages from 0, as the documentation's
  // resultInfo shows (pageIndex 0).
  it.each([
    {
      query: "",
      count: 4,
      info: { pageIndex: 0, pageSize: 50, totalPages: 1, hasNextPage: false, hasPreviousPage: false },
    },
    {
      query: "?pageIndex=0&pageSize=3",
      count: 3,
      info: { pageIndex: 0, pageSize: 3, totalPages: 2, hasNextPage: true, hasPreviousPage: false },
    },
    {
      query: "?pageIndex=1&pageSize=3",
      count: 1,
      info: { pageIndex: 1, pageSize: 3, totalPages: 2, hasNextPage: false, hasPreviousPage: true },
    },
    {
      query: "?pageIndex=2&pageSize=3",
      count: 0,
      info: { pageIndex: 2, pageSize: 3, totalPages: 2, hasNextPage: false, hasPreviousPage: true },
    },
  ])("pages with pageIndex/pageSize: '$query' has $count", async ({ query, count, info }) => {
    const gw = gateway();
    const res = await gw.json<GjEnvelope<Wire[]>>("GET", `${gjCerts()}${query}`, { key: writer });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, errors: [], messages: [] });
    expect(res.body.result).toHaveLength(count);
    expect(res.body.resultInfo).toEqual({ totalCount: 4, ...info });
    expect(res.headers.get("x-cache")).toMatch(/^(MISS|HIT)$/);
  });

  it("a client following resultInfo (reported pageIndex + 1 while hasNextPage) sees every certificate once", async () => {
    const gw = gateway();
    const seen: Array<string | number> = [];
    let query = "?pageSize=1";
    for (let pages = 0; pages < 10; pages += 1) {
      const res = await gw.json<GjEnvelope<Wire[]>>("GET", `${gjCerts()}${query}`, { key: writer });
      seen.push(...res.body.result.map((c) => c.id));
      const info = res.body.resultInfo;
      if (!info?.hasNextPage) break;
      query = `?pageIndex=${info.pageIndex + 1}&pageSize=${info.pageSize}`;
    }
    const all = gw.sims.gjirafa.certificates(PROJECT).map((c) => c.id);
    expect(seen).toHaveLength(all.length);
    expect(new Set(seen)).toEqual(new Set(all));
  });

  it("shows list items in Gjirafa's shape (additionalNames one string, status as Gjirafa words it)", async () => {
    const gw = gateway();
    const res = await gw.json<GjEnvelope<Wire[]>>("GET", gjCerts(), { key: writer });
    const first = res.body.result.find((c) => c.domainName === "cdn.demo.certgate.test");
    expect(first).toMatchObject({
      additionalNames: "static.demo.certgate.test",
      certificateStatus: "Active",
    });
  });
});

describe("native Gjirafa: writes", () => {
  it("creates an issued certificate: one POST upstream, DNS records to publish in the answer", async () => {
    const gw = gateway();
    const body = {
      domainName: "shop.demo.certgate.test",
      additionalDomainNames: ["www.demo.certgate.test"],
      scopeId: 1,
    };
    const res = await gw.json<GjEnvelope<Wire>>("POST", gjCerts(), { key: writer, body });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({
      certificateType: "Gjirafa Issued",
      certificateStatus: "Pending Validation",
      domainName: "shop.demo.certgate.test",
    });
    expect(res.body.result.dnsRecords).not.toEqual([]);
    expect(gw.sims.gjirafa.calls({ method: "POST" }).map((c) => c.body)).toEqual([body]);
  });

  it("imports the sample PEM certificate without echoing the private key", async () => {
    const gw = gateway();
    const res = await gw.call("POST", `${gjCerts()}/import`, { key: writer, body: IMPORT });
    const text = await res.text();
    expect(res.status).toBe(200);
    const body = JSON.parse(text) as GjEnvelope<Wire>;
    expect(body.result).toMatchObject({ certificateType: "Imported", certificateStatus: "Active" });
    expect(text).not.toContain("PRIVATE KEY");
    expect(gw.sims.gjirafa.count("POST", "/certificates/import")).toBe(1);
  });

  it.each([
    { field: "certificateBody", body: { ...IMPORT, certificateBody: "not a pem" } },
    { field: "certificatePrivateKey", body: { ...IMPORT, certificatePrivateKey: SAMPLE_CERTIFICATE } },
    { field: "scopeId", body: { ...IMPORT, scopeId: "1" } },
  ])("refuses a bad import ($field) with string errors and no upstream call", async ({ field, body }) => {
    const gw = gateway();
    const res = await gw.call("POST", `${gjCerts()}/import`, { key: writer, body });
    const text = await res.text();
    expect(res.status).toBe(400);
    const parsed = JSON.parse(text) as GjEnvelope;
    expect(parsed).toMatchObject({ success: false, result: null, resultInfo: null });
    expect(parsed.errors.every((e) => typeof e === "string")).toBe(true);
    expect(parsed.errors.join(" ")).toContain(field);
    expect(text).not.toContain("BEGIN");
    expect(upstreamCalls(gw)).toBe(0);
  });

  it("gets, updates the scope, validates and deletes one certificate", async () => {
    const gw = gateway();
    const id = certId(gw, (c) => c.certificateStatus === "Pending Validation");
    const get = await gw.json<GjEnvelope<Wire>>("GET", `${gjCerts()}/${id}`, { key: writer });
    expect(get.status).toBe(200);
    expect(get.body.result).toEqual(gw.sims.gjirafa.certificate(PROJECT, id));

    const put = await gw.json<GjEnvelope<Wire>>("PUT", `${gjCerts()}/${id}`, {
      key: writer,
      body: { scopeId: 2 },
    });
    expect([put.status, put.body.result.scopeId]).toEqual([200, 2]);

    const validate = await gw.json<GjEnvelope<Wire>>("PUT", `${gjCerts()}/${id}/validate`, { key: writer });
    expect(validate.status).toBe(200);
    expect(validate.body.result.certificateStatus).toBe("Active");

    const del = await gw.json<GjEnvelope<Wire>>("DELETE", `${gjCerts()}/${id}`, { key: writer });
    expect([del.status, del.body.success]).toEqual([200, true]);
    const gone = await gw.json<GjEnvelope>("GET", `${gjCerts()}/${id}`, { key: writer });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ success: false, result: null, resultInfo: null });
    expect(gone.body.errors[0]).toMatch(/was not found/);
  });

  it("a write empties the cached list: the new certificate is in the next list", async () => {
    const gw = gateway();
    await gw.call("GET", gjCerts(), { key: writer });
    const created = await gw.json<GjEnvelope<Wire>>("POST", gjCerts(), {
      key: writer,
      body: { domainName: "fresh.demo.certgate.test", scopeId: 1 },
    });
    const list = await gw.json<GjEnvelope<Wire[]>>("GET", gjCerts(), { key: writer });
    expect(list.headers.get("x-cache")).toBe("MISS");
    expect(list.body.result.map((c) => c.id)).toContain(created.body.result.id);
  });
});

describe("native Gjirafa: credentials and routing", () => {
  it("sends certgate's X-API-Key upstream and none of the caller's credentials", async () => {
    const gw = gateway();
    const headers = {
      "X-API-Key": writer.key,
      Cookie: "CF_Authorization=c",
      "Cf-Access-Jwt-Assertion": "jwt",
    };
    const id = certId(gw, () => true);
    for (const [method, path, body] of [
      ["GET", gjCerts(), undefined],
      ["GET", `${gjCerts()}/${id}`, undefined],
      ["PUT", `${gjCerts()}/${id}`, { scopeId: 2 }],
      ["POST", `${gjCerts()}/import`, IMPORT],
    ] as const) {
      expect((await gw.call(method, path, { headers, body })).status, `${method} ${path}`).toBe(200);
    }
    expect(gw.sims.gjirafa.calls().length).toBeGreaterThanOrEqual(3);
    for (const call of gw.sims.gjirafa.calls()) {
      expect(call.headers["x-api-key"]).toBe(DEMO_GJIRAFA_API_KEY);
      expect(call.headers.authorization).toBeUndefined();
      expect(call.headers.cookie).toBeUndefined();
      expect(call.headers["cf-access-jwt-assertion"]).toBeUndefined();
    }
  });

  it.each(["v2", "v0", "beta", "V1"])(
    "a wrong version segment (%s) is 404 in Gjirafa's envelope",
    async (version) => {
      const gw = gateway();
      for (const path of [gjCerts(PROJECT, version), `${gjCerts(PROJECT, version)}/1`]) {
        const res = await gw.json<GjEnvelope>("GET", path, { key: writer });
        expect(res.status, path).toBe(404);
        expect(res.body).toMatchObject({ success: false, result: null, resultInfo: null });
        expect(res.body.errors[0]).toMatch(/^not_found: /);
      }
      expect(upstreamCalls(gw)).toBe(0);
    },
  );

  it.each([
    { method: "GET", path: `${gjCerts()}/import`, allow: "POST" },
    { method: "PUT", path: `${gjCerts()}/import`, allow: "POST" },
    { method: "GET", path: `${gjCerts()}/1/validate`, allow: "PUT" },
    { method: "PATCH", path: `${gjCerts()}/1`, allow: "DELETE, GET, PUT" },
    { method: "PUT", path: gjCerts(), allow: "GET, POST" },
  ])("$method $path is 405 with Allow: $allow", async ({ method, path, allow }) => {
    const gw = gateway();
    const res = await gw.json<GjEnvelope>(method, path, {
      key: writer,
      body: method === "GET" ? undefined : {},
    });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allow);
    expect(typeof res.body.errors[0]).toBe("string");
    expect(upstreamCalls(gw)).toBe(0);
  });

  it.each([`/gjirafa/api/v1/projects/${PROJECT}`, "/gjirafa/api/v1/projects", `${gjCerts()}/1/renew`])(
    "anything else under /gjirafa is a 404 with string errors: %s",
    async (path) => {
      const gw = gateway();
      const res = await gw.json<GjEnvelope>("GET", path, { key: writer });
      expect(res.status).toBe(404);
      expect(res.body.errors.length).toBeGreaterThan(0);
      expect(res.body.errors.every((e) => typeof e === "string")).toBe(true);
      expect(upstreamCalls(gw)).toBe(0);
    },
  );
});
