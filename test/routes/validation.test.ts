/**
 * Invalid input on every front door: 400 validation_failed naming the failing fields (or 400/413/415
 * for the body itself), and not one upstream call. The simulators' call counts prove the latter.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_CERTIFICATE, SAMPLE_CHAIN } from "../../sandbox";
import {
  cfPacks,
  clearKv,
  EXAMPLE,
  gateway,
  gjCerts,
  ORDER,
  PROJECT,
  ROUTE_KEYS,
  UNKNOWN_PACK,
  upstreamCalls,
} from "./helpers";

const admin = ROUTE_KEYS.admin;
beforeEach(clearKv);

const HOSTS_51 = Array.from({ length: 51 }, (_, i) => `h${i}.example.com`);
const CF_CREATE = { ...ORDER, provider: "cloudflare", zone: EXAMPLE, type: undefined };
const GJ_CREATE = { provider: "gjirafa", project: PROJECT, domain_name: "a.demo.certgate.test", scope_id: 1 };
const packPath = `${cfPacks()}/${UNKNOWN_PACK}`;
const cfRef = `/v1/certificates/cloudflare:${EXAMPLE}:${UNKNOWN_PACK}`;

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  fields: string[];
}

const CASES: Case[] = [
  // Native Cloudflare
  { name: "bad zone id", method: "GET", path: cfPacks("not-a-zone"), fields: ["path.zone_id"] },
  {
    name: "upper-case zone id",
    method: "GET",
    path: cfPacks(EXAMPLE.toUpperCase()),
    fields: ["path.zone_id"],
  },
  // Was `zzz-1`, which the one pack id rule (a string of at most 32 path-safe characters) now accepts.
  { name: "bad pack id", method: "GET", path: `${cfPacks()}/zzz:1`, fields: ["path.certificate_pack_id"] },
  {
    name: "33-char pack id",
    method: "DELETE",
    path: `${cfPacks()}/${"a".repeat(33)}`,
    fields: ["path.certificate_pack_id"],
  },
  { name: "per_page under 5", method: "GET", path: `${cfPacks()}?per_page=3`, fields: ["query.per_page"] },
  { name: "page 0", method: "GET", path: `${cfPacks()}?page=0`, fields: ["query.page"] },
  {
    name: "status other than all",
    method: "GET",
    path: `${cfPacks()}?status=active`,
    fields: ["query.status"],
  },
  { name: "unknown query", method: "GET", path: `${cfPacks()}?foo=1`, fields: ["query"] },
  {
    name: "51 hosts",
    method: "POST",
    path: `${cfPacks()}/order`,
    body: { ...ORDER, hosts: HOSTS_51 },
    fields: ["body.hosts"],
  },
  {
    name: "bad hostname",
    method: "POST",
    path: `${cfPacks()}/order`,
    body: { ...ORDER, hosts: ["exa mple.com"] },
    fields: ["body.hosts.0"],
  },
  {
    name: "bad enum",
    method: "POST",
    path: `${cfPacks()}/order`,
    body: { ...ORDER, validation_method: "dns" },
    fields: ["body.validation_method"],
  },
  {
    name: "wrong type",
    method: "POST",
    path: `${cfPacks()}/order`,
    body: { ...ORDER, validity_days: "90" },
    fields: ["body.validity_days"],
  },
  {
    name: "type not advanced",
    method: "POST",
    path: `${cfPacks()}/order`,
    body: { ...ORDER, type: "universal" },
    fields: ["body.type"],
  },
  {
    name: "unknown body field",
    method: "POST",
    path: `${cfPacks()}/order`,
    body: { ...ORDER, extra: 1 },
    fields: ["body"],
  },
  {
    name: "missing fields",
    method: "POST",
    path: `${cfPacks()}/order`,
    body: { type: "advanced" },
    fields: ["body.hosts", "body.validation_method", "body.validity_days", "body.certificate_authority"],
  },
  {
    name: "branding not boolean",
    method: "PATCH",
    path: packPath,
    body: { cloudflare_branding: "yes" },
    fields: ["body.cloudflare_branding"],
  },
  { name: "unknown PATCH field", method: "PATCH", path: packPath, body: { restart: true }, fields: ["body"] },
  // Unified
  { name: "bad unified id", method: "GET", path: "/v1/certificates/cloudflare:xyz:1", fields: ["path.id"] },
  {
    name: "unknown provider in id",
    method: "GET",
    path: `/v1/certificates/aws:${EXAMPLE}:1`,
    fields: ["path.id"],
  },
  {
    name: "non-int Gjirafa id",
    method: "DELETE",
    path: `/v1/certificates/gjirafa:${PROJECT}:abc`,
    fields: ["path.id"],
  },
  {
    name: "Gjirafa id over int32",
    method: "GET",
    path: `/v1/certificates/gjirafa:${PROJECT}:2147483648`,
    fields: ["path.id"],
  },
  {
    name: "bad status",
    method: "GET",
    path: "/v1/certificates?status=active,bogus",
    fields: ["query.status.1"],
  },
  {
    name: "per_page 0 and page x",
    method: "GET",
    path: "/v1/certificates?per_page=0&page=x",
    fields: ["query.page", "query.per_page"],
  },
  {
    name: "negative expiring_within",
    method: "GET",
    path: "/v1/certificates?expiring_within=-1",
    fields: ["query.expiring_within"],
  },
  { name: "bad zone filter", method: "GET", path: "/v1/certificates?zone=xyz", fields: ["query.zone"] },
  { name: "bad host filter", method: "GET", path: "/v1/certificates?host=a_b", fields: ["query.host"] },
  {
    name: "bad provider filter",
    method: "GET",
    path: "/v1/certificates?provider=aws",
    fields: ["query.provider"],
  },
  { name: "unknown list query", method: "GET", path: "/v1/certificates?sort=id", fields: ["query"] },
  { name: "bad include", method: "GET", path: `${cfRef}?include=all`, fields: ["query.include"] },
  { name: "bad quota zone", method: "GET", path: "/v1/quotas?zone=1", fields: ["query.zone"] },
  {
    name: "create: unknown provider",
    method: "POST",
    path: "/v1/certificates",
    body: { provider: "aws" },
    fields: ["body.provider"],
  },
  {
    name: "create: 51 hosts",
    method: "POST",
    path: "/v1/certificates",
    body: { ...CF_CREATE, hosts: HOSTS_51 },
    fields: ["body.hosts"],
  },
  {
    name: "create: repeated hosts",
    method: "POST",
    path: "/v1/certificates",
    body: { ...CF_CREATE, hosts: ["a.example.com", "a.example.com"] },
    fields: ["body.hosts"],
  },
  {
    name: "create: bad validity",
    method: "POST",
    path: "/v1/certificates",
    body: { ...CF_CREATE, validity_days: 91 },
    fields: ["body.validity_days"],
  },
  {
    name: "create: unknown field",
    method: "POST",
    path: "/v1/certificates",
    body: { ...CF_CREATE, project: PROJECT },
    fields: ["body"],
  },
  {
    name: "create: missing zone",
    method: "POST",
    path: "/v1/certificates",
    body: { ...CF_CREATE, zone: undefined },
    fields: ["body.zone"],
  },
  {
    name: "create: Gjirafa bad scope",
    method: "POST",
    path: "/v1/certificates",
    body: { ...GJ_CREATE, scope_id: -1 },
    fields: ["body.scope_id"],
  },
  {
    name: "create: Gjirafa bad domain",
    method: "POST",
    path: "/v1/certificates",
    body: { ...GJ_CREATE, domain_name: "-x.test" },
    fields: ["body.domain_name"],
  },
  {
    name: "import: not PEM",
    method: "POST",
    path: "/v1/certificates/import",
    body: { project: PROJECT, certificate: "x", private_key: "y", chain: SAMPLE_CHAIN, scope_id: 1 },
    fields: ["body.certificate", "body.private_key"],
  },
  {
    name: "import: missing key",
    method: "POST",
    path: "/v1/certificates/import",
    body: { project: PROJECT, certificate: SAMPLE_CERTIFICATE, scope_id: 1 },
    fields: ["body.private_key"],
  },
  { name: "update: nothing", method: "PATCH", path: cfRef, body: {}, fields: ["body"] },
  {
    name: "update: wrong type",
    method: "PATCH",
    path: cfRef,
    body: { cloudflare_branding: 1 },
    fields: ["body.cloudflare_branding"],
  },
];

const GJ_CASES: Case[] = [
  { name: "bad project id", method: "GET", path: gjCerts("not-a-uuid"), fields: ["path.project_id"] },
  // Was `-1`, which the int32 id rule accepts.
  { name: "signed id", method: "GET", path: `${gjCerts()}/+1`, fields: ["path.id"] },
  { name: "id under int32", method: "GET", path: `${gjCerts()}/-2147483649`, fields: ["path.id"] },
  { name: "id over int32", method: "PUT", path: `${gjCerts()}/2147483648/validate`, fields: ["path.id"] },
  { name: "pageSize 0", method: "GET", path: `${gjCerts()}?pageSize=0`, fields: ["query.pageSize"] },
  {
    name: "bad domainName",
    method: "POST",
    path: gjCerts(),
    body: { domainName: "bad host", scopeId: 1 },
    fields: ["body.domainName"],
  },
  {
    name: "scopeId as string",
    method: "POST",
    path: gjCerts(),
    body: { domainName: "a.demo.certgate.test", scopeId: "1" },
    fields: ["body.scopeId"],
  },
  {
    name: "unknown field",
    method: "PUT",
    path: `${gjCerts()}/1`,
    body: { scopeId: 1, name: "x" },
    fields: ["body"],
  },
  {
    name: "fractional scopeId",
    method: "PUT",
    path: `${gjCerts()}/1`,
    body: { scopeId: 1.5 },
    fields: ["body.scopeId"],
  },
];

describe("invalid input: 400 validation_failed, zero upstream calls", () => {
  it.each(CASES)("$name ($method $path)", async ({ method, path, body, fields }) => {
    const gw = gateway();
    const res = await gw.json<{
      errors: Array<{ code: string | number; certgate_code?: string; fields?: Array<{ path: string }> }>;
    }>(method, path, {
      key: admin,
      body,
    });
    expect(res.status).toBe(400);
    // The Cloudflare door carries integer codes (certgate's own: 71002), certgate's code beside them.
    const code = path.startsWith("/cloudflare/")
      ? res.body.errors[0]?.certgate_code
      : res.body.errors[0]?.code;
    expect(code).toBe("validation_failed");
    if (path.startsWith("/cloudflare/")) expect(res.body.errors[0]?.code).toBe(71002);
    expect(res.body.errors[0]?.fields?.map((f) => f.path)).toEqual(fields);
    expect(upstreamCalls(gw)).toBe(0);
  });

  it.each(GJ_CASES)(
    "Gjirafa: $name ($method $path) names the field in a string error",
    async ({ method, path, body, fields }) => {
      const gw = gateway();
      const res = await gw.json<{ errors: string[] }>(method, path, { key: admin, body });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatch(/^validation_failed: /);
      for (const field of fields) expect(res.body.errors[0]).toContain(field);
      expect(upstreamCalls(gw)).toBe(0);
    },
  );
});

const WRITES = [
  { method: "POST", path: `${cfPacks()}/order` },
  { method: "PATCH", path: packPath },
  { method: "POST", path: gjCerts() },
  { method: "POST", path: `${gjCerts()}/import` },
  { method: "PUT", path: `${gjCerts()}/1` },
  { method: "POST", path: "/v1/certificates" },
  { method: "POST", path: "/v1/certificates/import" },
  { method: "PATCH", path: cfRef },
];

describe("bodies that are not JSON objects within the limit", () => {
  it.each(WRITES)(
    "$method $path: non-JSON is 400, text/plain is 415, too large is 413",
    async ({ method, path }) => {
      const gw = gateway({ MAX_BODY_BYTES: "2048" });
      const bad = await gw.call(method, path, { key: admin, body: "{not json" });
      expect(bad.status).toBe(400);
      const plain = await gw.call(method, path, {
        key: admin,
        body: "{}",
        headers: { "Content-Type": "text/plain" },
      });
      expect(plain.status).toBe(415);
      const big = await gw.call(method, path, { key: admin, body: { hosts: ["x".repeat(4000)] } });
      expect(big.status).toBe(413);
      expect(upstreamCalls(gw)).toBe(0);
    },
  );
});
