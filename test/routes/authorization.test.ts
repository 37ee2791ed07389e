/**
 * Authorization on every route of both front doors: a key limited to one zone never sees another
 * zone's packs, and gets 403 (never 404) for other zones, unmanaged zones and the project, with one
 * message whether the pack exists or not, before anything goes upstream. Scopes and keys checked too.
 */
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_CERTIFICATE, SAMPLE_CHAIN, SAMPLE_PRIVATE_KEY } from "../../sandbox";
import { FORBIDDEN_RESOURCE_MESSAGE } from "../../src/auth/authorize";
import type { Certificate, Quota } from "../../src/model/certificate";
import {
  cfPacks,
  clearKv,
  EXAMPLE,
  type Gateway,
  gateway,
  gjCerts,
  ORDER,
  PROJECT,
  ROUTE_KEYS,
  SHOP,
  UNKNOWN_PACK,
  UNKNOWN_ZONE,
  upstreamCalls,
  type V4Envelope,
} from "./helpers";

const limited = ROUTE_KEYS.exampleOnly;
beforeEach(clearKv);

type Route = { method: string; path: string; body?: unknown };

const GJ_IMPORT = {
  certificateBody: SAMPLE_CERTIFICATE,
  certificatePrivateKey: SAMPLE_PRIVATE_KEY,
  certificateChain: SAMPLE_CHAIN,
  scopeId: 1,
};

/** Every Cloudflare-native route for a zone, with `pack` as the pack id. */
const nativeCf = (zone: string, pack: string): Route[] => [
  { method: "GET", path: `${cfPacks(zone)}?status=all` },
  { method: "POST", path: `${cfPacks(zone)}/order`, body: ORDER },
  { method: "GET", path: `${cfPacks(zone)}/quota` },
  { method: "GET", path: `${cfPacks(zone)}/${pack}` },
  { method: "PATCH", path: `${cfPacks(zone)}/${pack}`, body: {} },
  { method: "DELETE", path: `${cfPacks(zone)}/${pack}` },
];

const nativeGj = (id: string): Route[] => [
  { method: "GET", path: gjCerts() },
  { method: "POST", path: gjCerts(), body: { domainName: "a.demo.certgate.test", scopeId: 1 } },
  { method: "POST", path: `${gjCerts()}/import`, body: GJ_IMPORT },
  { method: "GET", path: `${gjCerts()}/${id}` },
  { method: "PUT", path: `${gjCerts()}/${id}`, body: { scopeId: 2 } },
  { method: "PUT", path: `${gjCerts()}/${id}/validate` },
  { method: "DELETE", path: `${gjCerts()}/${id}` },
];

const unifiedFor = (ref: string): Route[] => [
  { method: "GET", path: `/v1/certificates/${ref}` },
  { method: "PATCH", path: `/v1/certificates/${ref}`, body: { cloudflare_branding: true } },
  { method: "POST", path: `/v1/certificates/${ref}/validate` },
  { method: "DELETE", path: `/v1/certificates/${ref}` },
];

function forbiddenRoutes(gw: Gateway): Array<Route & { what: string }> {
  const shopPack = String(gw.sims.cloudflare.packs(SHOP)[0]?.id);
  const gjId = String(gw.sims.gjirafa.certificates(PROJECT)[0]?.id);
  const tag = (what: string, routes: Route[]) => routes.map((r) => ({ ...r, what }));
  return [
    ...tag("other zone, existing pack", nativeCf(SHOP, shopPack)),
    ...tag("other zone, no such pack", nativeCf(SHOP, UNKNOWN_PACK)),
    ...tag("unmanaged zone", nativeCf(UNKNOWN_ZONE, UNKNOWN_PACK)),
    ...tag("project not granted", nativeGj(gjId)),
    ...tag("project not granted, no such id", nativeGj("424242")),
    ...tag("other zone, existing pack", unifiedFor(`cloudflare:${SHOP}:${shopPack}`)),
    ...tag("other zone, no such pack", unifiedFor(`cloudflare:${SHOP}:${UNKNOWN_PACK}`)),
    ...tag("unmanaged zone", unifiedFor(`cloudflare:${UNKNOWN_ZONE}:${UNKNOWN_PACK}`)),
    ...tag("project not granted", unifiedFor(`gjirafa:${PROJECT}:${gjId}`)),
    ...tag("unified filters", [
      { method: "GET", path: `/v1/certificates?zone=${SHOP}` },
      { method: "GET", path: `/v1/certificates?zone=${UNKNOWN_ZONE}` },
      { method: "GET", path: `/v1/certificates?project=${PROJECT}` },
      { method: "GET", path: `/v1/quotas?zone=${SHOP}` },
    ]),
    ...tag("unified writes", [
      {
        method: "POST",
        path: "/v1/certificates",
        body: { ...ORDER, type: undefined, provider: "cloudflare", zone: SHOP },
      },
      {
        method: "POST",
        path: "/v1/certificates",
        body: { provider: "gjirafa", project: PROJECT, domain_name: "a.demo.certgate.test", scope_id: 1 },
      },
      {
        method: "POST",
        path: "/v1/certificates/import",
        body: {
          project: PROJECT,
          certificate: SAMPLE_CERTIFICATE,
          private_key: SAMPLE_PRIVATE_KEY,
          chain: SAMPLE_CHAIN,
          scope_id: 1,
        },
      },
    ]),
  ];
}

describe("a key limited to one zone", () => {
  it("sees only that zone on the unified list and quotas, with no trace of the others", async () => {
    const gw = gateway();
    const list = await gw.json<V4Envelope<Certificate[]>>("GET", "/v1/certificates?per_page=200", {
      key: limited,
    });
    expect(list.status).toBe(200);
    expect(list.body.errors).toEqual([]);
    expect(list.body.result.map((c) => c.id).sort()).toEqual(
      gw.sims.cloudflare
        .packs(EXAMPLE)
        .map((p) => `cloudflare:${EXAMPLE}:${p.id}`)
        .sort(),
    );
    const quotas = await gw.json<V4Envelope<Quota[]>>("GET", "/v1/quotas", { key: limited });
    expect(quotas.body.result.map((q) => q.scope.id)).toEqual([EXAMPLE]);
    expect(gw.sims.cloudflare.calls().length).toBeGreaterThan(0);
    expect(gw.sims.cloudflare.calls().every((c) => c.path.includes(EXAMPLE))).toBe(true);
    expect(gw.sims.gjirafa.count()).toBe(0);
  });

  it("works normally in its own zone (control)", async () => {
    const gw = gateway();
    const pack = String(gw.sims.cloudflare.packs(EXAMPLE)[0]?.id);
    expect((await gw.call("GET", `${cfPacks()}/${pack}`, { key: limited })).status).toBe(200);
    expect(
      (await gw.call("GET", `/v1/certificates/cloudflare:${EXAMPLE}:${pack}`, { key: limited })).status,
    ).toBe(200);
    expect((await gw.call("POST", `${cfPacks()}/order`, { key: limited, body: ORDER })).status).toBe(200);
  });

  it("gets 403 with one message everywhere else, whether the resource exists or not, and nothing goes upstream", async () => {
    const gw = gateway();
    const routes = forbiddenRoutes(gw);
    for (const route of routes) {
      const res = await gw.call(route.method, route.path, { key: limited, body: route.body });
      const label = `${route.what}: ${route.method} ${route.path}`;
      expect(res.status, label).toBe(403);
      const body = (await res.json()) as { errors: Array<{ code: string; message: string } | string> };
      const [first] = body.errors;
      if (route.path.startsWith("/gjirafa/"))
        expect(first, label).toBe(`forbidden: ${FORBIDDEN_RESOURCE_MESSAGE}`);
      else if (route.path.startsWith("/cloudflare/"))
        // Integer codes on the Cloudflare door (71004 = forbidden), certgate's code beside.
        expect(first, label).toMatchObject({
          code: 71004,
          certgate_code: "forbidden",
          message: FORBIDDEN_RESOURCE_MESSAGE,
        });
      else expect(first, label).toMatchObject({ code: "forbidden", message: FORBIDDEN_RESOURCE_MESSAGE });
    }
    expect(routes.length).toBeGreaterThan(40);
    expect(upstreamCalls(gw)).toBe(0);
  });
});

describe("scopes and keys", () => {
  const writes = (gw: Gateway): Route[] => {
    const pack = String(gw.sims.cloudflare.packs(EXAMPLE)[0]?.id);
    const ref = `cloudflare:${EXAMPLE}:${pack}`;
    return [
      ...nativeCf(EXAMPLE, pack).filter((r) => r.method !== "GET"),
      ...nativeGj("1").filter((r) => r.method !== "GET"),
      ...unifiedFor(ref).filter((r) => r.method !== "GET"),
      {
        method: "POST",
        path: "/v1/certificates",
        body: { ...ORDER, type: undefined, provider: "cloudflare", zone: EXAMPLE },
      },
      { method: "POST", path: "/v1/certificates/import", body: { project: PROJECT } },
    ];
  };
  const reads = (gw: Gateway): Route[] => [
    ...nativeCf(EXAMPLE, String(gw.sims.cloudflare.packs(EXAMPLE)[0]?.id)).filter((r) => r.method === "GET"),
    ...nativeGj("1").filter((r) => r.method === "GET"),
    { method: "GET", path: "/v1/certificates" },
    { method: "GET", path: "/v1/quotas" },
    { method: "GET", path: `/v1/certificates/gjirafa:${PROJECT}:1` },
  ];

  it("a read-only key gets 403 on every write and nothing goes upstream", async () => {
    const gw = gateway();
    for (const route of writes(gw)) {
      const res = await gw.call(route.method, route.path, { key: ROUTE_KEYS.reader, body: route.body });
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
    }
    expect(upstreamCalls(gw)).toBe(0);
  });

  it("a key without certificate scopes gets 403 on every read", async () => {
    const gw = gateway();
    for (const route of reads(gw)) {
      const res = await gw.call(route.method, route.path, { key: ROUTE_KEYS.nothing });
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
    }
    expect(upstreamCalls(gw)).toBe(0);
  });

  it("no key, or an unknown key, is 401 with WWW-Authenticate on every route", async () => {
    const gw = gateway();
    for (const route of [...reads(gw), ...writes(gw)]) {
      const attempts: Array<Record<string, string>> = [
        {},
        { Authorization: "Bearer cg_unknown_key_0000000000000000000000000000000000" },
      ];
      for (const headers of attempts) {
        const res = await gw.call(route.method, route.path, { headers, body: route.body });
        expect(res.status, `${route.method} ${route.path}`).toBe(401);
        expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      }
    }
    expect(upstreamCalls(gw)).toBe(0);
  });
});

describe("allowlists compare ids case-insensitively", () => {
  it("a key whose entry names its project in upper case reaches that project, and only it", async () => {
    const plain = `cg_test_upper_case_project_${"u".repeat(24)}`;
    const entry = {
      name: "upper-case-project",
      sha256: createHash("sha256").update(plain).digest("hex"),
      scopes: ["certificates:read"],
      zones: [],
      projects: [PROJECT.toUpperCase()],
    };
    const gw = gateway({
      API_KEYS: JSON.stringify([...Object.values(ROUTE_KEYS).map((k) => k.entry), entry]),
    });
    const key = { key: plain, entry };
    const list = await gw.json<V4Envelope<Certificate[]>>("GET", "/v1/certificates", { key });
    expect(list.status).toBe(200);
    expect(list.body.errors).toEqual([]);
    const ids = list.body.result.map((c) => c.id);
    expect(ids.length).toBe(gw.sims.gjirafa.certificates(PROJECT).length);
    expect(ids.every((id) => id.startsWith(`gjirafa:${PROJECT}:`))).toBe(true);
    expect((await gw.call("GET", gjCerts(), { key })).status).toBe(200);
    expect((await gw.call("GET", `${cfPacks()}?status=all`, { key })).status).toBe(403);
  });
});
