/**
 * GET /v1/certificates and GET /v1/quotas over every demo zone and the demo project: filters, stable
 * order, paging, include=raw, and a failing scope reported in `errors` rather than silently missing.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { Certificate, Quota } from "../../src/model/certificate";
import { BASIC, clearKv, EXAMPLE, gateway, LAB, PROJECT, ROUTE_KEYS, SHOP, type V4Envelope } from "./helpers";

const reader = ROUTE_KEYS.reader;
beforeEach(clearKv);

type List = V4Envelope<Certificate[]>;

const ALL_ZONES = [EXAMPLE, SHOP, LAB];

function demoTotals(gw: ReturnType<typeof gateway>) {
  const zones = gw.sims.cloudflare.zoneIds();
  const packs = zones.reduce((n, z) => n + gw.sims.cloudflare.packs(z).length, 0);
  return { packs, certs: gw.sims.gjirafa.certificates(PROJECT).length };
}

describe("GET /v1/certificates", () => {
  it("lists every pack of every zone and every certificate of the project, once, ordered by id", async () => {
    const gw = gateway();
    const res = await gw.json<List>("GET", "/v1/certificates?per_page=200", { key: reader });
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);
    const { packs, certs } = demoTotals(gw);
    const ids = res.body.result.map((c) => c.id);
    expect(ids).toHaveLength(packs + certs);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
    expect(res.body.result_info).toEqual({
      page: 1,
      per_page: 200,
      count: ids.length,
      total_count: ids.length,
      total_pages: 1,
    });
    for (const zone of ALL_ZONES) expect(ids.some((id) => id.startsWith(`cloudflare:${zone}:`))).toBe(true);
    expect(ids.filter((id) => id.startsWith(`gjirafa:${PROJECT}:`))).toHaveLength(certs);
  });

  it.each([
    { name: "provider", query: "provider=gjirafa", check: (c: Certificate) => c.provider === "gjirafa" },
    { name: "zone", query: `zone=${SHOP}`, check: (c: Certificate) => c.scope.id === SHOP },
    {
      name: "project",
      query: `project=${PROJECT.toUpperCase()}`,
      check: (c: Certificate) => c.scope.id === PROJECT,
    },
    {
      name: "status list",
      query: "status=expired,pending_validation",
      check: (c: Certificate) => ["expired", "pending_validation"].includes(c.status),
    },
    {
      name: "exact host",
      query: "host=static.demo.certgate.test",
      check: (c: Certificate) => c.hosts.includes("static.demo.certgate.test"),
    },
    {
      name: "host covered by a wildcard",
      query: "host=WWW.example.com",
      check: (c: Certificate) => c.hosts.includes("*.example.com"),
    },
    {
      name: "expiring_within",
      query: "expiring_within=10",
      check: (c: Certificate) => c.days_remaining !== null && c.days_remaining <= 10,
    },
  ])("filters by $name and keeps every match", async ({ query, check }) => {
    const gw = gateway();
    const all = await gw.json<List>("GET", "/v1/certificates?per_page=200", { key: reader });
    const res = await gw.json<List>("GET", `/v1/certificates?per_page=200&${query}`, { key: reader });
    expect(res.status).toBe(200);
    expect(res.body.result.length).toBeGreaterThan(0);
    expect(res.body.result.map((c) => c.id)).toEqual(all.body.result.filter(check).map((c) => c.id));
  });

  it("host matches api.example.com exactly and through *.example.com, but not a.b.example.com", async () => {
    const gw = gateway();
    const api = await gw.json<List>("GET", "/v1/certificates?host=api.example.com", { key: reader });
    const hosts = api.body.result.map((c) => c.hosts);
    expect(hosts).toContainEqual(["example.com", "api.example.com"]);
    expect(hosts).toContainEqual(["example.com", "*.example.com"]);
    const deep = await gw.json<List>("GET", "/v1/certificates?host=a.b.example.com", { key: reader });
    expect(deep.body.result).toEqual([]);
  });

  it("pages through the whole list: pages are disjoint, stable, and the last is short", async () => {
    const gw = gateway();
    const whole = await gw.json<List>("GET", "/v1/certificates?per_page=200", { key: reader });
    const total = whole.body.result.length;
    const seen: string[] = [];
    const pages = Math.ceil(total / 4);
    expect(pages, "enough certificates for several pages").toBeGreaterThan(2);
    for (let page = 1; page <= pages + 1; page++) {
      const res = await gw.json<List>("GET", `/v1/certificates?per_page=4&page=${page}`, { key: reader });
      expect(res.body.result_info).toEqual({
        page,
        per_page: 4,
        count: Math.max(0, Math.min(4, total - (page - 1) * 4)),
        total_count: total,
        total_pages: pages,
      });
      seen.push(...res.body.result.map((c) => c.id));
    }
    expect(seen).toEqual(whole.body.result.map((c) => c.id));
  });

  it("include=raw adds the provider's own object; without it there is none", async () => {
    const gw = gateway();
    const raw = await gw.json<List>("GET", "/v1/certificates?per_page=200&include=raw", { key: reader });
    const { packs, certs } = demoTotals(gw);
    expect(raw.body.result).toHaveLength(packs + certs);
    for (const cert of raw.body.result) {
      const wire = cert.raw as { id: string | number };
      expect(cert.id.endsWith(`:${wire.id}`)).toBe(true);
    }
    const plain = await gw.json<List>("GET", "/v1/certificates?per_page=5", { key: reader });
    expect(plain.body.result).toHaveLength(5);
    expect(plain.body.result.every((c) => !("raw" in c))).toBe(true);
  });

  it("a failing zone is reported in errors (provider, scope, code) and the others are all there", async () => {
    const gw = gateway();
    gw.sims.cloudflare.faults.add({
      path: `/zones/${SHOP}/ssl/certificate_packs`,
      fault: { kind: "status", status: 500 },
    });
    const res = await gw.json<List>("GET", "/v1/certificates?per_page=200", { key: reader });
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ provider: "cloudflare", scope: SHOP, code: "upstream_unavailable" }),
    ]);
    const ids = res.body.result.map((c) => c.id);
    expect(ids.some((id) => id.includes(SHOP))).toBe(false);
    const { packs, certs } = demoTotals(gw);
    expect(ids).toHaveLength(packs + certs - gw.sims.cloudflare.packs(SHOP).length);
  });

  it.each([
    { query: `zone=${SHOP}`, status: 502 },
    { query: "provider=gjirafa", status: 502 },
  ])("when every scope asked for fails, the failure is the answer ($query)", async ({ query, status }) => {
    const gw = gateway();
    gw.sims.cloudflare.faults.add({ fault: { kind: "status", status: 500 } });
    gw.sims.gjirafa.faults.add({ fault: { kind: "status", status: 503 } });
    const res = await gw.json<List>("GET", `/v1/certificates?${query}`, { key: reader });
    expect(res.status).toBe(status);
    expect(res.body.success).toBe(false);
  });

  it("all scopes failing without a filter is an error status too, never an empty 200", async () => {
    const gw = gateway();
    gw.sims.cloudflare.faults.add({ fault: { kind: "status", status: 500 } });
    gw.sims.gjirafa.faults.add({ fault: { kind: "status", status: 500 } });
    const res = await gw.json<List>("GET", "/v1/certificates", { key: reader });
    expect(res.status).toBe(502);
  });
});

describe("GET /v1/quotas", () => {
  it("gives Cloudflare's allocation per zone and Gjirafa as unsupported with nulls", async () => {
    const gw = gateway();
    const res = await gw.json<V4Envelope<Quota[]>>("GET", "/v1/quotas", { key: reader });
    expect(res.status).toBe(200);
    const shop = res.body.result.find((q) => q.scope.id === SHOP);
    expect(shop).toEqual({
      provider: "cloudflare",
      scope: { kind: "zone", id: SHOP },
      supported: true,
      allocated: 10,
      used: 9,
      remaining: 1,
      percent: 90,
    });
    expect(res.body.result.find((q) => q.provider === "gjirafa")).toEqual({
      provider: "gjirafa",
      scope: { kind: "project", id: PROJECT },
      supported: false,
      allocated: null,
      used: null,
      remaining: null,
      percent: null,
    });
    expect(gw.sims.gjirafa.count()).toBe(0);
  });

  it("filters by provider and zone, and reports a failing zone in errors", async () => {
    const gw = gateway();
    const one = await gw.json<V4Envelope<Quota[]>>("GET", `/v1/quotas?zone=${EXAMPLE}`, { key: reader });
    expect(one.body.result.map((q) => q.scope.id)).toEqual([EXAMPLE]);
    const gj = await gw.json<V4Envelope<Quota[]>>("GET", "/v1/quotas?provider=gjirafa", { key: reader });
    expect(gj.body.result.map((q) => q.provider)).toEqual(["gjirafa"]);
    gw.sims.cloudflare.faults.add({
      path: `/zones/${LAB}/ssl/certificate_packs/quota`,
      fault: { kind: "status", status: 500 },
    });
    const partial = await gw.json<V4Envelope<Quota[]>>("GET", "/v1/quotas", { key: reader });
    expect(partial.status).toBe(200);
    expect(partial.body.errors).toEqual([expect.objectContaining({ provider: "cloudflare", scope: LAB })]);
    expect(partial.body.result.map((q) => q.scope.id).sort()).toEqual(
      [EXAMPLE, SHOP, BASIC, PROJECT].filter((id) => id !== LAB).sort(),
    );
  });
});
