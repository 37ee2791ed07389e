/**
 * Contract test from independent examples: an upstream that answers EXACTLY what the upstreams' own
 * documentation prints (test/fixtures/upstream-examples, sources in its README), pushed through every
 * operation of both front doors. Every one must answer 2xx: the native doors with the upstream's answer
 * as it came, `/v1` with the normalized model. Nothing here comes from certgate's simulators.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_CERTIFICATE, SAMPLE_CHAIN, SAMPLE_PRIVATE_KEY } from "../../sandbox";
import cfDelete from "../fixtures/upstream-examples/cloudflare-delete.json";
import cfGet from "../fixtures/upstream-examples/cloudflare-get.json";
import cfList from "../fixtures/upstream-examples/cloudflare-list.json";
import cfOrderReference from "../fixtures/upstream-examples/cloudflare-order-reference.json";
import cfOrderSchema from "../fixtures/upstream-examples/cloudflare-order-schema.json";
import cfOrderSdk from "../fixtures/upstream-examples/cloudflare-order-sdk.json";
import cfPatch from "../fixtures/upstream-examples/cloudflare-patch.json";
import cfQuota from "../fixtures/upstream-examples/cloudflare-quota.json";
import cfRestartSchema from "../fixtures/upstream-examples/cloudflare-restart-schema.json";
import gjCreate from "../fixtures/upstream-examples/gjirafa-create.json";
import gjDelete from "../fixtures/upstream-examples/gjirafa-delete.json";
import gjGet from "../fixtures/upstream-examples/gjirafa-get.json";
import gjImport from "../fixtures/upstream-examples/gjirafa-import.json";
import gjList from "../fixtures/upstream-examples/gjirafa-list.json";
import gjUpdate from "../fixtures/upstream-examples/gjirafa-update.json";
import gjValidate from "../fixtures/upstream-examples/gjirafa-validate.json";
import type { Handler } from "../helpers/deps";
import { answer, SCRIPTED_PROJECT, SCRIPTED_ZONE, scriptedGateway } from "../helpers/scripted";
import { clearKv } from "../routes/helpers";

beforeEach(clearKv);

const Z = SCRIPTED_ZONE;
const P = SCRIPTED_PROJECT;
const CF = `/cloudflare/client/v4/zones/${Z}/ssl/certificate_packs`;
const GJ = `/gjirafa/api/v1/projects/${P}/certificates`;

/** The documentation's pack id (the reference's placeholder) and certificate id. */
const PACK = cfGet.result.id;
const CERT = gjGet.result.id;

interface CloudflareAnswers {
  order: unknown;
  patch: unknown;
}

/** Cloudflare, answering each operation with its documented example. */
function cloudflareExamples(answers: CloudflareAnswers): Handler {
  return (request) => {
    const rest = new URL(request.url).pathname.split("/ssl/certificate_packs")[1] ?? "";
    if (rest === "" && request.method === "GET") return answer(cfList);
    if (rest === "/order") return answer(answers.order);
    if (rest === "/quota") return answer(cfQuota);
    if (request.method === "GET") return answer(cfGet);
    if (request.method === "PATCH") return answer(answers.patch);
    if (request.method === "DELETE") return answer(cfDelete);
    return answer({ success: false, errors: [{ code: 7003, message: "No route for the URI" }] }, 404);
  };
}

/** Gjirafa, answering each operation with its documented example. */
const gjirafaExamples: Handler = (request) => {
  const rest = new URL(request.url).pathname.split("/certificates")[1] ?? "";
  if (rest === "") return answer(request.method === "GET" ? gjList : gjCreate);
  if (rest === "/import") return answer(gjImport);
  if (rest.endsWith("/validate")) return answer(gjValidate);
  if (request.method === "GET") return answer(gjGet);
  if (request.method === "PUT") return answer(gjUpdate);
  if (request.method === "DELETE") return answer(gjDelete);
  return answer({ success: false, errors: ["Not Found"] }, 404);
};

const ORDER = {
  type: "advanced",
  hosts: ["example.com", "*.example.com", "www.example.com"],
  validation_method: "txt",
  validity_days: 14,
  certificate_authority: "lets_encrypt",
};
const PEM = { certificate: SAMPLE_CERTIFICATE, private_key: SAMPLE_PRIVATE_KEY, chain: SAMPLE_CHAIN };

type Body = Record<string, unknown> & { result?: unknown; messages?: unknown[] };

interface Row {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  /** What the answer must show besides its 2xx. */
  check: (body: Body) => void;
}

const nativeEcho = (example: unknown) => (body: Body) => expect(body).toEqual(example);

function cloudflareRows(answers: CloudflareAnswers): Row[] {
  const v1Id = (id: string) => `/v1/certificates/cloudflare:${Z}:${id}`;
  const unified = (id: string) => (body: Body) =>
    expect(body.result).toMatchObject({ id: `cloudflare:${Z}:${id}`, provider: "cloudflare" });
  const orderId = (answers.order as { result: { id: string } }).result.id;
  const patchId = (answers.patch as { result: { id: string } }).result.id;
  return [
    {
      name: "native list",
      method: "GET",
      path: `${CF}?status=all`,
      check: (b) => expect(b.result).toEqual(cfList.result),
    },
    {
      name: "native order",
      method: "POST",
      path: `${CF}/order`,
      body: ORDER,
      check: nativeEcho(answers.order),
    },
    { name: "native quota", method: "GET", path: `${CF}/quota`, check: nativeEcho(cfQuota) },
    { name: "native get", method: "GET", path: `${CF}/${PACK}`, check: nativeEcho(cfGet) },
    {
      name: "native restart (PATCH {})",
      method: "PATCH",
      path: `${CF}/${PACK}`,
      body: {},
      check: nativeEcho(answers.patch),
    },
    {
      name: "native branding (PATCH)",
      method: "PATCH",
      path: `${CF}/${PACK}`,
      body: { cloudflare_branding: true },
      check: nativeEcho(answers.patch),
    },
    { name: "native delete", method: "DELETE", path: `${CF}/${PACK}`, check: nativeEcho(cfDelete) },
    {
      name: "/v1 list",
      method: "GET",
      path: `/v1/certificates?zone=${Z}`,
      check: (b) => expect(b.result).toMatchObject([{ id: `cloudflare:${Z}:${PACK}` }]),
    },
    {
      name: "/v1 order",
      method: "POST",
      path: "/v1/certificates",
      body: { ...ORDER, type: undefined, provider: "cloudflare", zone: Z },
      check: unified(orderId),
    },
    {
      name: "/v1 quotas",
      method: "GET",
      path: `/v1/quotas?zone=${Z}`,
      check: (b) => expect(b.result).toMatchObject([{ provider: "cloudflare", allocated: 0, used: 0 }]),
    },
    { name: "/v1 get", method: "GET", path: v1Id(PACK), check: unified(PACK) },
    {
      name: "/v1 restart validation",
      method: "POST",
      path: `${v1Id(PACK)}/validate`,
      check: unified(patchId),
    },
    {
      name: "/v1 branding (PATCH)",
      method: "PATCH",
      path: v1Id(PACK),
      body: { cloudflare_branding: true },
      check: unified(patchId),
    },
    {
      name: "/v1 delete",
      method: "DELETE",
      path: v1Id(PACK),
      check: (b) => expect(b.result).toEqual({ id: `cloudflare:${Z}:${PACK}`, already_deleted: false }),
    },
  ];
}

const GJIRAFA_ROWS: Row[] = [
  {
    name: "native list",
    method: "GET",
    path: GJ,
    // The list item, with its detail laid over it (src/providers/gjirafa/enrich.ts).
    check: (b) => expect(b.result).toEqual([{ ...gjList.result[0], ...gjGet.result }]),
  },
  { name: "native get", method: "GET", path: `${GJ}/${CERT}`, check: nativeEcho(gjGet) },
  {
    name: "native create",
    method: "POST",
    path: GJ,
    body: { domainName: "shop.example.com", additionalDomainNames: [], scopeId: 0 },
    check: nativeEcho(gjCreate),
  },
  {
    name: "native import",
    method: "POST",
    path: `${GJ}/import`,
    body: {
      certificateBody: PEM.certificate,
      certificatePrivateKey: PEM.private_key,
      certificateChain: PEM.chain,
      scopeId: 0,
    },
    check: nativeEcho(gjImport),
  },
  {
    name: "native update",
    method: "PUT",
    path: `${GJ}/${CERT}`,
    body: { scopeId: 0 },
    check: nativeEcho(gjUpdate),
  },
  { name: "native validate", method: "PUT", path: `${GJ}/${CERT}/validate`, check: nativeEcho(gjValidate) },
  { name: "native delete", method: "DELETE", path: `${GJ}/${CERT}`, check: nativeEcho(gjDelete) },
  {
    name: "/v1 list",
    method: "GET",
    path: `/v1/certificates?project=${P}`,
    check: (b) => {
      expect(b.result).toMatchObject([{ id: `gjirafa:${P}:${CERT}`, hosts: ["string"] }]);
      // A success with non-empty errors and messages is a success; what Gjirafa said reaches the caller.
      expect(b.messages).toContain(`gjirafa ${P}: Gjirafa says: string`);
    },
  },
  ...(
    [
      ["/v1 get", "GET", `/v1/certificates/gjirafa:${P}:${CERT}`, undefined],
      [
        "/v1 create",
        "POST",
        "/v1/certificates",
        { provider: "gjirafa", project: P, domain_name: "shop.example.com", scope_id: 0 },
      ],
      ["/v1 import", "POST", "/v1/certificates/import", { ...PEM, project: P, scope_id: 0 }],
      ["/v1 update (PATCH)", "PATCH", `/v1/certificates/gjirafa:${P}:${CERT}`, { scope_id: 0 }],
      ["/v1 validate", "POST", `/v1/certificates/gjirafa:${P}:${CERT}/validate`, undefined],
    ] as const
  ).map(
    ([name, method, path, body]): Row => ({
      name,
      method,
      path,
      body,
      check: (b) => {
        expect(b.result).toMatchObject({
          id: `gjirafa:${P}:${CERT}`,
          certificates: [{ id: gjGet.result.sslCertificateId, serial_number: "string" }],
          certificate_scope: { name: null, id: 0, options: gjGet.result.scopeOptions },
        });
        expect(b.messages).toContain("Gjirafa says: string");
      },
    }),
  ),
  {
    name: "/v1 delete",
    method: "DELETE",
    path: `/v1/certificates/gjirafa:${P}:${CERT}`,
    check: (b) => expect(b.result).toEqual({ id: `gjirafa:${P}:${CERT}`, already_deleted: false }),
  },
];

const CLOUDFLARE_VARIANTS: Array<[string, CloudflareAnswers]> = [
  ["API reference examples", { order: cfOrderReference, patch: cfPatch }],
  ["published schema examples (no certificates)", { order: cfOrderSchema, patch: cfRestartSchema }],
  ["SDK reference example (errors and messages on a success)", { order: cfOrderSdk, patch: cfPatch }],
];

describe("contract: the upstreams' own example answers, through both doors", () => {
  const cases = CLOUDFLARE_VARIANTS.flatMap(([variant, answers]) =>
    cloudflareRows(answers).map((row) => ({ ...row, variant, answers })),
  );

  it.each(cases)("Cloudflare $variant: $name answers 2xx", async ({ method, path, body, check, answers }) => {
    const gw = scriptedGateway({ cloudflare: cloudflareExamples(answers) });
    const res = await gw.json<Body>(method, path, { body });
    expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
    check(res.body);
  });

  it.each(GJIRAFA_ROWS)(
    "Gjirafa documentation examples: $name answers 2xx",
    async ({ method, path, body, check }) => {
      const gw = scriptedGateway({ gjirafa: gjirafaExamples });
      const res = await gw.json<Body>(method, path, { body });
      expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
      check(res.body);
    },
  );

  it("an order answered without certificates (published schema) still invalidates the zone's cached list", async () => {
    let listed = 0;
    const examples = cloudflareExamples({ order: cfOrderSchema, patch: cfRestartSchema });
    const gw = scriptedGateway({
      cloudflare: (request) => {
        if (request.method === "GET" && new URL(request.url).pathname.endsWith("/certificate_packs"))
          listed += 1;
        return examples(request);
      },
    });
    expect((await gw.json("GET", `/v1/certificates?zone=${Z}`)).headers.get("x-cache")).toBe("MISS");
    expect((await gw.json("GET", `/v1/certificates?zone=${Z}`)).headers.get("x-cache")).toBe("HIT");
    const order = await gw.json<Body>("POST", "/v1/certificates", {
      body: { ...ORDER, type: undefined, provider: "cloudflare", zone: Z },
    });
    expect(order.status).toBe(200);
    expect(order.body.result).toMatchObject({
      certificates: [],
      status: "pending",
      provider_status: "initializing",
    });
    const after = await gw.json("GET", `/v1/certificates?zone=${Z}`);
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(listed).toBe(2);
  });

  it("what the SDK reference's example says beside its success reaches /v1 callers, with its code", async () => {
    const gw = scriptedGateway({ cloudflare: cloudflareExamples({ order: cfOrderSdk, patch: cfPatch }) });
    const res = await gw.json<Body>("POST", "/v1/certificates", {
      body: { ...ORDER, type: undefined, provider: "cloudflare", zone: Z },
    });
    expect(res.status).toBe(200);
    expect(res.body.messages).toEqual(["Cloudflare says: message (code 1000)"]);
    expect(res.body.result).toMatchObject({
      cloudflare_branding: false,
      primary_certificate: "7e7b8deba8538af625850b7b2530034c",
      certificates: [
        {
          id: "7e7b8deba8538af625850b7b2530034c",
          issuer: "Let's Encrypt",
          signature_algorithm: "ECDSAWithSHA256",
          bundle_method: "ubiquitous",
          geo_restriction: "us",
          expires_at: "2024-01-01T00:00:00.000Z",
          uploaded_at: "2014-01-01T05:20:00.000Z",
          primary: true,
        },
      ],
      not_before: null,
    });
  });
});
