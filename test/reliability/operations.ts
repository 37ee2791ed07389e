/**
 * Every upstream operation (Cloudflare: list, order, quota, get, patch, delete; Gjirafa: list, get,
 * create, import, update, validate, delete) through every front door that reaches it, as data: the
 * certgate request that triggers it and the upstream request it must cause. Fault tests walk this table.
 */
import { DEMO_GJIRAFA_PROJECT_ID, DEMO_ZONES, SAMPLE_CERTIFICATE, SAMPLE_CHAIN } from "../../sandbox";
import type { ReliabilityGateway } from "./suite";

export interface Fixture {
  zone: string;
  /** An active advanced pack (get, branding, delete). */
  activePack: string;
  /** A pack in validation_timed_out (restart validation). */
  timedOutPack: string;
  project: string;
  /** An issued Gjirafa certificate waiting for validation (validate). */
  pendingCert: string;
  /** An active Gjirafa certificate (get, update, delete). */
  activeCert: string;
  /** A PEM private key made for this run (secret material). */
  privateKey: string;
}

function idOf(items: ReadonlyArray<Record<string, unknown>>, match: (i: Record<string, unknown>) => boolean) {
  const found = items.find(match);
  if (!found) throw new Error("demo data changed: fixture not found");
  return String(found.id);
}

export function fixtureOf(gw: ReliabilityGateway, privateKey: string): Fixture {
  const zone = DEMO_ZONES.example.id;
  const packs = gw.sims.cloudflare.packs(zone) as unknown as Array<Record<string, unknown>>;
  const certs = gw.sims.gjirafa.certificates(DEMO_GJIRAFA_PROJECT_ID) as unknown as Array<
    Record<string, unknown>
  >;
  return {
    zone,
    activePack: idOf(packs, (p) => p.status === "active" && p.type === "advanced"),
    timedOutPack: idOf(packs, (p) => p.status === "validation_timed_out"),
    project: DEMO_GJIRAFA_PROJECT_ID,
    pendingCert: idOf(certs, (c) => c.certificateStatus === "Pending Validation"),
    activeCert: idOf(
      certs,
      (c) => c.certificateStatus === "Active" && c.certificateType === "Gjirafa Issued",
    ),
    privateKey,
  };
}

export type Door = "native" | "unified";
export type UpstreamOp =
  | "cloudflare.list"
  | "cloudflare.order"
  | "cloudflare.quota"
  | "cloudflare.get"
  | "cloudflare.patch"
  | "cloudflare.delete"
  | "gjirafa.list"
  | "gjirafa.get"
  | "gjirafa.create"
  | "gjirafa.import"
  | "gjirafa.update"
  | "gjirafa.validate"
  | "gjirafa.delete";

export interface OperationCase {
  op: UpstreamOp;
  door: Door;
  /** Label for test names. */
  label: string;
  method: string;
  path: (f: Fixture) => string;
  body?: (f: Fixture) => unknown;
  /** The upstream request: method and path suffix (sandbox PathPattern). */
  upstream: { method: string; path: (f: Fixture) => string };
  /** GET upstream: retried on transient failures. Everything else is sent once. */
  idempotent: boolean;
  /** Served from the list cache (stale copies exist). */
  cachedList: boolean;
}

const CF = "/cloudflare/client/v4/zones";
const GJ = "/gjirafa/api/v1/projects";
const cfUp = (f: Fixture, rest = "") => `/zones/${f.zone}/ssl/certificate_packs${rest}`;
const gjUp = (f: Fixture, rest = "") => `/projects/${f.project}/certificates${rest}`;
const unifiedCf = (f: Fixture, pack: string) => `/v1/certificates/cloudflare:${f.zone}:${pack}`;
const unifiedGj = (f: Fixture, id: string) => `/v1/certificates/gjirafa:${f.project}:${id}`;

const order = {
  type: "advanced",
  hosts: ["example.com", "reliability.example.com"],
  validation_method: "txt",
  validity_days: 90,
  certificate_authority: "lets_encrypt",
};

export const OPERATION_CASES: readonly OperationCase[] = [
  {
    op: "cloudflare.list",
    door: "native",
    label: "GET native pack list",
    method: "GET",
    path: (f) => `${CF}/${f.zone}/ssl/certificate_packs?status=all`,
    upstream: { method: "GET", path: (f) => cfUp(f) },
    idempotent: true,
    cachedList: true,
  },
  {
    op: "cloudflare.list",
    door: "unified",
    label: "GET /v1/certificates?zone=",
    method: "GET",
    path: (f) => `/v1/certificates?zone=${f.zone}`,
    upstream: { method: "GET", path: (f) => cfUp(f) },
    idempotent: true,
    cachedList: true,
  },
  {
    op: "cloudflare.order",
    door: "native",
    label: "POST native order",
    method: "POST",
    path: (f) => `${CF}/${f.zone}/ssl/certificate_packs/order`,
    body: () => order,
    upstream: { method: "POST", path: (f) => cfUp(f, "/order") },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "cloudflare.order",
    door: "unified",
    label: "POST /v1/certificates (cloudflare)",
    method: "POST",
    path: () => "/v1/certificates",
    body: (f) => {
      const { type: _type, ...rest } = order;
      return { provider: "cloudflare", zone: f.zone, ...rest };
    },
    upstream: { method: "POST", path: (f) => cfUp(f, "/order") },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "cloudflare.quota",
    door: "native",
    label: "GET native quota",
    method: "GET",
    path: (f) => `${CF}/${f.zone}/ssl/certificate_packs/quota`,
    upstream: { method: "GET", path: (f) => cfUp(f, "/quota") },
    idempotent: true,
    cachedList: false,
  },
  {
    op: "cloudflare.quota",
    door: "unified",
    label: "GET /v1/quotas?zone=",
    method: "GET",
    path: (f) => `/v1/quotas?zone=${f.zone}`,
    upstream: { method: "GET", path: (f) => cfUp(f, "/quota") },
    idempotent: true,
    cachedList: false,
  },
  {
    op: "cloudflare.get",
    door: "native",
    label: "GET native pack",
    method: "GET",
    path: (f) => `${CF}/${f.zone}/ssl/certificate_packs/${f.activePack}`,
    upstream: { method: "GET", path: (f) => cfUp(f, `/${f.activePack}`) },
    idempotent: true,
    cachedList: false,
  },
  {
    op: "cloudflare.get",
    door: "unified",
    label: "GET /v1/certificates/cloudflare:…",
    method: "GET",
    path: (f) => unifiedCf(f, f.activePack),
    upstream: { method: "GET", path: (f) => cfUp(f, `/${f.activePack}`) },
    idempotent: true,
    cachedList: false,
  },
  {
    op: "cloudflare.patch",
    door: "native",
    label: "PATCH native {} (restart validation)",
    method: "PATCH",
    path: (f) => `${CF}/${f.zone}/ssl/certificate_packs/${f.timedOutPack}`,
    body: () => ({}),
    upstream: { method: "PATCH", path: (f) => cfUp(f, `/${f.timedOutPack}`) },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "cloudflare.patch",
    door: "unified",
    label: "POST /v1/certificates/cloudflare:…/validate",
    method: "POST",
    path: (f) => `${unifiedCf(f, f.timedOutPack)}/validate`,
    upstream: { method: "PATCH", path: (f) => cfUp(f, `/${f.timedOutPack}`) },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "cloudflare.patch",
    door: "unified",
    label: "PATCH /v1/certificates/cloudflare:… (branding)",
    method: "PATCH",
    path: (f) => unifiedCf(f, f.activePack),
    body: () => ({ cloudflare_branding: true }),
    upstream: { method: "PATCH", path: (f) => cfUp(f, `/${f.activePack}`) },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "cloudflare.delete",
    door: "native",
    label: "DELETE native pack",
    method: "DELETE",
    path: (f) => `${CF}/${f.zone}/ssl/certificate_packs/${f.activePack}`,
    upstream: { method: "DELETE", path: (f) => cfUp(f, `/${f.activePack}`) },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "cloudflare.delete",
    door: "unified",
    label: "DELETE /v1/certificates/cloudflare:…",
    method: "DELETE",
    path: (f) => unifiedCf(f, f.activePack),
    upstream: { method: "DELETE", path: (f) => cfUp(f, `/${f.activePack}`) },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "gjirafa.list",
    door: "native",
    label: "GET native certificate list",
    method: "GET",
    path: (f) => `${GJ}/${f.project}/certificates`,
    upstream: { method: "GET", path: (f) => gjUp(f) },
    idempotent: true,
    cachedList: true,
  },
  {
    op: "gjirafa.list",
    door: "unified",
    label: "GET /v1/certificates?project=",
    method: "GET",
    path: (f) => `/v1/certificates?project=${f.project}`,
    upstream: { method: "GET", path: (f) => gjUp(f) },
    idempotent: true,
    cachedList: true,
  },
  {
    op: "gjirafa.get",
    door: "native",
    label: "GET native certificate",
    method: "GET",
    path: (f) => `${GJ}/${f.project}/certificates/${f.activeCert}`,
    upstream: { method: "GET", path: (f) => gjUp(f, `/${f.activeCert}`) },
    idempotent: true,
    cachedList: false,
  },
  {
    op: "gjirafa.get",
    door: "unified",
    label: "GET /v1/certificates/gjirafa:…",
    method: "GET",
    path: (f) => unifiedGj(f, f.activeCert),
    upstream: { method: "GET", path: (f) => gjUp(f, `/${f.activeCert}`) },
    idempotent: true,
    cachedList: false,
  },
  {
    op: "gjirafa.create",
    door: "native",
    label: "POST native create",
    method: "POST",
    path: (f) => `${GJ}/${f.project}/certificates`,
    body: () => ({ domainName: "rel.demo.certgate.test", additionalDomainNames: [], scopeId: 1 }),
    upstream: { method: "POST", path: (f) => gjUp(f) },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "gjirafa.create",
    door: "unified",
    label: "POST /v1/certificates (gjirafa)",
    method: "POST",
    path: () => "/v1/certificates",
    body: (f) => ({
      provider: "gjirafa",
      project: f.project,
      domain_name: "rel.demo.certgate.test",
      scope_id: 1,
    }),
    upstream: { method: "POST", path: (f) => gjUp(f) },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "gjirafa.import",
    door: "native",
    label: "POST native import",
    method: "POST",
    path: (f) => `${GJ}/${f.project}/certificates/import`,
    body: (f) => ({
      certificateBody: SAMPLE_CERTIFICATE,
      certificatePrivateKey: f.privateKey,
      certificateChain: SAMPLE_CHAIN,
      scopeId: 1,
    }),
    upstream: { method: "POST", path: (f) => gjUp(f, "/import") },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "gjirafa.import",
    door: "unified",
    label: "POST /v1/certificates/import",
    method: "POST",
    path: () => "/v1/certificates/import",
    body: (f) => ({
      provider: "gjirafa",
      project: f.project,
      certificate: SAMPLE_CERTIFICATE,
      private_key: f.privateKey,
      chain: SAMPLE_CHAIN,
      scope_id: 1,
    }),
    upstream: { method: "POST", path: (f) => gjUp(f, "/import") },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "gjirafa.update",
    door: "native",
    label: "PUT native update",
    method: "PUT",
    path: (f) => `${GJ}/${f.project}/certificates/${f.activeCert}`,
    body: () => ({ scopeId: 2 }),
    upstream: { method: "PUT", path: (f) => gjUp(f, `/${f.activeCert}`) },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "gjirafa.update",
    door: "unified",
    label: "PATCH /v1/certificates/gjirafa:… (scope)",
    method: "PATCH",
    path: (f) => unifiedGj(f, f.activeCert),
    body: () => ({ scope_id: 2 }),
    upstream: { method: "PUT", path: (f) => gjUp(f, `/${f.activeCert}`) },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "gjirafa.validate",
    door: "native",
    label: "PUT native validate",
    method: "PUT",
    path: (f) => `${GJ}/${f.project}/certificates/${f.pendingCert}/validate`,
    upstream: { method: "PUT", path: (f) => gjUp(f, `/${f.pendingCert}/validate`) },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "gjirafa.validate",
    door: "unified",
    label: "POST /v1/certificates/gjirafa:…/validate",
    method: "POST",
    path: (f) => `${unifiedGj(f, f.pendingCert)}/validate`,
    upstream: { method: "PUT", path: (f) => gjUp(f, `/${f.pendingCert}/validate`) },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "gjirafa.delete",
    door: "native",
    label: "DELETE native certificate",
    method: "DELETE",
    path: (f) => `${GJ}/${f.project}/certificates/${f.activeCert}`,
    upstream: { method: "DELETE", path: (f) => gjUp(f, `/${f.activeCert}`) },
    idempotent: false,
    cachedList: false,
  },
  {
    op: "gjirafa.delete",
    door: "unified",
    label: "DELETE /v1/certificates/gjirafa:…",
    method: "DELETE",
    path: (f) => unifiedGj(f, f.activeCert),
    upstream: { method: "DELETE", path: (f) => gjUp(f, `/${f.activeCert}`) },
    idempotent: false,
    cachedList: false,
  },
];

/** A PEM PKCS#8 private key made now (never a fixture on disk), and its base64 body. */
export async function makePrivateKeyPem(
  algorithm: "RSA" | "EC" = "EC",
): Promise<{ pem: string; base64: string }> {
  const params =
    algorithm === "EC"
      ? { name: "ECDSA", namedCurve: "P-256" }
      : {
          name: "RSASSA-PKCS1-v1_5",
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: "SHA-256",
        };
  const pair = (await crypto.subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  const der = new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
  let binary = "";
  for (const b of der) binary += String.fromCharCode(b);
  const base64 = btoa(binary);
  const lines = base64.match(/.{1,64}/g) ?? [];
  return { pem: `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----\n`, base64 };
}
