/**
 * The clients against every switchable behaviour of the simulators (sandbox/: each assumption the
 * clients could make about an upstream is a switch), through every operation of both doors. The
 * defaults agree with the clients by construction; the variants are where they could disagree:
 * Cloudflare answers without `certificates`, with null fields, with errors/messages on successes, with
 * or without total_pages; Gjirafa pages from 0 or 1, capped page sizes, a paging query it ignores, null
 * fields, errors/messages on successes.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  type CloudflareSimulatorOptions,
  createCloudflareSimulator,
  createGjirafaSimulator,
  type GjirafaSimulatorOptions,
  instantSleep,
  SAMPLE_CERTIFICATE,
  SAMPLE_CHAIN,
  SAMPLE_PRIVATE_KEY,
} from "../../sandbox";
import type { Certificate } from "../../src/model/certificate";
import { testClock } from "../helpers/deps";
import { UPSTREAM_CLOUDFLARE_TOKEN, UPSTREAM_GJIRAFA_KEY } from "../helpers/ids";
import { SCRIPTED_PROJECT as P, scriptedGateway, SCRIPTED_ZONE as Z } from "../helpers/scripted";
import { clearKv } from "../routes/helpers";

beforeEach(clearKv);

const CF = `/cloudflare/client/v4/zones/${Z}/ssl/certificate_packs`;
const GJ = `/gjirafa/api/v1/projects/${P}/certificates`;
const DAY = 86_400_000;

interface Envelope<T = unknown> {
  success: boolean;
  errors: unknown[];
  messages: unknown[];
  result: T;
}

function cloudflareWorld(options: CloudflareSimulatorOptions) {
  const clock = testClock();
  const sim = createCloudflareSimulator({
    ...options,
    zones: [{ id: Z, name: "example.com" }],
    credentials: [{ token: UPSTREAM_CLOUDFLARE_TOKEN, permission: "edit" }],
    now: clock.now,
    sleep: instantSleep,
  });
  const gw = scriptedGateway({ cloudflare: (r) => sim.fetch(r) }, {}, clock);
  return { sim, gw };
}

function gjirafaWorld(options: GjirafaSimulatorOptions) {
  const clock = testClock();
  const sim = createGjirafaSimulator({
    ...options,
    projects: [{ id: P }],
    apiKeys: [{ key: UPSTREAM_GJIRAFA_KEY }],
    now: clock.now,
    sleep: instantSleep,
  });
  const gw = scriptedGateway({ gjirafa: (r) => sim.fetch(r) }, {}, clock);
  return { sim, gw, clock };
}

const CLOUDFLARE_VARIANTS: Array<[string, CloudflareSimulatorOptions]> = [
  ["the default shapes", {}],
  ["no certificates in write answers", { shape: { omitEmptyCertificates: "writes" } }],
  ["no certificates in any pack that has none", { shape: { omitEmptyCertificates: "always" } }],
  ["null instead of absent fields (one all-null certificate)", { shape: { nullFields: true } }],
  ["errors and messages on every success", { successNotes: true }],
  ["no total_pages in result_info", { legacyResultInfo: true }],
  [
    "all of them at once",
    {
      shape: { omitEmptyCertificates: "always", nullFields: true },
      successNotes: true,
      legacyResultInfo: true,
    },
  ],
];

describe("Cloudflare client vs every simulator variant", () => {
  it.each(CLOUDFLARE_VARIANTS)("%s: every operation of both doors answers 2xx", async (_name, options) => {
    const { sim, gw } = cloudflareWorld(options);
    const active = String(sim.seedPack(Z, { hosts: ["example.com"], status: "active" }).id);
    const timedOut = String(sim.seedPack(Z, { hosts: ["example.com"], status: "validation_timed_out" }).id);
    const other = String(sim.seedPack(Z, { hosts: ["example.com", "a.example.com"], status: "active" }).id);
    sim.seedPack(Z, { hosts: ["example.com", "b.example.com"], status: "pending_validation" });
    const order = {
      type: "advanced",
      hosts: ["example.com", "new.example.com"],
      validation_method: "txt",
      validity_days: 90,
      certificate_authority: "lets_encrypt",
    };
    const v1 = (id: string) => `/v1/certificates/cloudflare:${Z}:${id}`;
    const calls: Array<[string, string, unknown?]> = [
      ["GET", `${CF}?status=all`],
      ["GET", `/v1/certificates?zone=${Z}`],
      ["GET", `${CF}/quota`],
      ["GET", `/v1/quotas?zone=${Z}`],
      ["GET", `${CF}/${active}`],
      ["GET", v1(active)],
      ["PATCH", `${CF}/${active}`, { cloudflare_branding: true }],
      ["PATCH", v1(other), { cloudflare_branding: true }],
      ["POST", `${v1(timedOut)}/validate`],
      ["POST", `${CF}/order`, order],
      ["POST", "/v1/certificates", { ...order, type: undefined, provider: "cloudflare", zone: Z }],
      ["DELETE", `${CF}/${active}`],
      ["DELETE", v1(other)],
    ];
    for (const [method, path, body] of calls) {
      const res = await gw.json<Envelope>(method, path, { body });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
      expect(res.body.success).toBe(true);
    }
    // The list through /v1 shows every pack the simulator holds, each normalized.
    const list = await gw.json<Envelope<Certificate[]>>("GET", `/v1/certificates?zone=${Z}`, {
      headers: { "Cache-Control": "no-cache" },
    });
    expect(list.body.result.map((c) => c.id).sort()).toEqual(
      sim
        .packs(Z)
        .map((p) => `cloudflare:${Z}:${p.id}`)
        .sort(),
    );
    expect(list.body.errors).toEqual([]);
  });
});

const PEM = { certificate: SAMPLE_CERTIFICATE, private_key: SAMPLE_PRIVATE_KEY, chain: SAMPLE_CHAIN };

const GJIRAFA_VARIANTS: Array<[string, GjirafaSimulatorOptions]> = [
  ["the default paging (pages from 1, 10 a page)", {}],
  ["pages from 0", { paging: { firstPageIndex: 0 } }],
  ["pages from 0, page size capped at 2", { maxPageSize: 2, paging: { firstPageIndex: 0, oversize: "cap" } }],
  ["pages from 1, page size capped at 2", { maxPageSize: 2, paging: { firstPageIndex: 1, oversize: "cap" } }],
  ["pages of 1 from 0", { defaultPageSize: 1, paging: { firstPageIndex: 0 } }],
  ["a paging query it ignores (the project fits its page)", { paging: { ignoreQuery: true } }],
  ["null instead of empty fields", { shape: { nullFields: true } }],
  ["errors and messages on every success", { successNotes: true }],
  [
    "all of them at once",
    {
      maxPageSize: 2,
      paging: { firstPageIndex: 0, oversize: "cap" },
      shape: { nullFields: true },
      successNotes: true,
    },
  ],
];

describe("Gjirafa client vs every simulator variant", () => {
  it.each(GJIRAFA_VARIANTS)(
    "%s: every operation of both doors answers 2xx, lists complete",
    async (_n, options) => {
      const { sim, gw, clock } = gjirafaWorld(options);
      for (let i = 0; i < 5; i++) {
        sim.seedCertificate(P, {
          domainName: `h${i}.example.com`,
          status: i === 0 ? "Pending Validation" : "Active",
          notBefore: clock.now() - 10 * DAY,
        });
      }
      const [first, second, third] = sim.certificates(P).map((c) => c.id);
      const v1 = (id: number | undefined) => `/v1/certificates/gjirafa:${P}:${id}`;
      const calls: Array<[string, string, unknown?]> = [
        ["GET", `/v1/certificates?project=${P}`],
        ["GET", `${GJ}?pageSize=100`],
        ["GET", `${GJ}/${second}`],
        ["GET", v1(second)],
        ["PUT", `${GJ}/${second}`, { scopeId: 2 }],
        ["PATCH", v1(third), { scope_id: 2 }],
        ["PUT", `${GJ}/${first}/validate`],
        ["POST", `${v1(first)}/validate`],
        ["POST", GJ, { domainName: "n1.example.com", scopeId: 1 }],
        [
          "POST",
          "/v1/certificates",
          { provider: "gjirafa", project: P, domain_name: "n2.example.com", scope_id: 1 },
        ],
        [
          "POST",
          `${GJ}/import`,
          {
            certificateBody: PEM.certificate,
            certificatePrivateKey: PEM.private_key,
            certificateChain: PEM.chain,
            scopeId: 1,
          },
        ],
        ["POST", "/v1/certificates/import", { ...PEM, project: P, scope_id: 1 }],
        ["DELETE", `${GJ}/${second}`],
        ["DELETE", v1(third)],
      ];
      for (const [method, path, body] of calls) {
        const res = await gw.json<Envelope>(method, path, { body });
        expect(res.status, `${method} ${path}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
        expect(res.body.success).toBe(true);
      }
      // Every certificate the simulator holds, once, through both doors (the writes invalidated the cache).
      const ids = sim.certificates(P).map((c) => c.id);
      expect(ids.length).toBe(7);
      const unified = await gw.json<Envelope<Certificate[]>>("GET", `/v1/certificates?project=${P}`);
      expect(unified.body.result.map((c) => c.id).sort()).toEqual(
        ids.map((id) => `gjirafa:${P}:${id}`).sort(),
      );
      expect(unified.body.errors).toEqual([]);
      const native = await gw.json<Envelope<Array<{ id: number }>>>("GET", `${GJ}?pageSize=100`);
      expect(native.body.result.map((c) => c.id).sort((a, b) => a - b)).toEqual(ids);
    },
  );
});
