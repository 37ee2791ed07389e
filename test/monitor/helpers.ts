/**
 * Fixtures for the monitor tests: fake providers behind the real CertificateProvider interface (the
 * list is a table the test edits between runs), a config parsed from the shared test env, a STATE
 * that counts writes, and a webhook receiver.
 */
import { env as runtimeEnv } from "cloudflare:test";
import { type Config, parseConfig } from "../../src/config";
import { AppError, type ProviderName } from "../../src/errors";
import { type Certificate, certificateId, type Quota } from "../../src/model/certificate";
import type { SkippedItem } from "../../src/model/list-notes";
import type { CertificateProvider } from "../../src/providers/types";
import type { UpstreamContext } from "../../src/upstream/context";
import { testEnv } from "../helpers/env";

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const WEBHOOK_URL = "https://hooks.alerts.test/certgate-secret-path-0123456789";
export const SLACK_URL = "https://hooks.slack.test/services/T000/B000/slack-secret-0123456789";

export interface FakeScope {
  certs: Certificate[];
  quota?: { allocated: number; used: number };
  /** Thrown by listAll (e.g. an upstream 500). */
  error?: AppError;
  /** Pages listAll costs (default 1). */
  pages?: number;
  /** Items the upstream sent that the list could not use (reported, not counted). */
  skipped?: SkippedItem[];
}

/** Where the fake providers send their requests: answered 200 by `receiver()`, never recorded. */
export const FAKE_UPSTREAM = "https://fake-upstream.test";

/**
 * Sends `calls` requests through the context's fetch, as a provider's client does: the monitor's budgeted
 * fetch counts them and refuses (throws) once the run's budget is spent.
 */
async function spend(ctx: UpstreamContext, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) await ctx.fetch(`${FAKE_UPSTREAM}/call`);
}

export interface FakeProvider extends CertificateProvider<Certificate> {
  scopes: Map<string, FakeScope>;
  listed: string[];
  validated: string[];
  validateError?: AppError;
}

export function fakeProvider(name: ProviderName, scopes: Record<string, FakeScope> = {}): FakeProvider {
  const provider: FakeProvider = {
    name,
    label: name === "cloudflare" ? "Cloudflare" : "Gjirafa",
    scopeKind: name === "cloudflare" ? "zone" : "project",
    hasQuotaApi: name === "cloudflare",
    scopes: new Map(Object.entries(scopes)),
    listed: [],
    validated: [],
    configuredScopes: (config: Config) =>
      name === "cloudflare" ? config.cloudflare.zones : config.gjirafa.projects,
    isConfigured: () => true,
    deployViews: false,
    itemNoun: "certificate",
    createOperation: "create",
    async listAll(ctx: UpstreamContext, scope: string) {
      const s = provider.scopes.get(scope) ?? { certs: [] };
      await spend(ctx, 1);
      provider.listed.push(scope);
      if (s.error) throw s.error;
      await spend(ctx, (s.pages ?? 1) - 1);
      return {
        items: s.certs.map((c) => structuredClone(c)),
        notes: { skipped: s.skipped ?? [], messages: [] },
      };
    },
    parseRaw: (v: unknown) => v as Certificate,
    get: () => Promise.reject(new Error("not used")),
    create: () => Promise.reject(new Error("not used")),
    importCertificate: () => Promise.reject(new Error("not used")),
    update: () => Promise.reject(new Error("not used")),
    async validate(ctx: UpstreamContext, scope: string, id: string) {
      await spend(ctx, 1);
      provider.validated.push(id);
      if (provider.validateError) throw provider.validateError;
      const cert = provider.scopes.get(scope)?.certs.find((c) => c.id.endsWith(`:${id}`));
      if (!cert) throw new AppError("not_found", "no such pack");
      return {
        raw: { ...cert, status: "pending_validation" as const, provider_status: "pending_validation" },
        messages: [],
      };
    },
    remove: () => Promise.reject(new Error("not used")),
    async quota(ctx: UpstreamContext, scope: string): Promise<Quota> {
      const q = provider.scopes.get(scope)?.quota;
      if (name === "gjirafa" || !q) {
        return {
          provider: name,
          scope: { kind: provider.scopeKind, id: scope },
          supported: false,
          allocated: null,
          used: null,
          remaining: null,
          percent: null,
        };
      }
      await spend(ctx, 1);
      return {
        provider: name,
        scope: { kind: "zone", id: scope },
        supported: true,
        allocated: q.allocated,
        used: q.used,
        remaining: q.allocated - q.used,
        percent: Math.round((q.used / q.allocated) * 1000) / 10,
      };
    },
    normalize: (_scope: string, raw: Certificate, now: number) => ({
      ...raw,
      days_remaining: raw.expires_at === null ? null : Math.floor((Date.parse(raw.expires_at) - now) / DAY),
    }),
    rawId: (raw: Certificate) => raw.id.split(":")[2] ?? raw.id,
  };
  return provider;
}

export interface CertInput {
  scope: string;
  id: string;
  provider?: ProviderName;
  host?: string;
  status?: Certificate["status"];
  provider_status?: string;
  expires_at?: string | null;
  validity_days?: number | null;
  type?: string | null;
  errors?: string[];
  records?: Certificate["validation"]["records"];
}

export function cert(input: CertInput): Certificate {
  const provider = input.provider ?? "cloudflare";
  return {
    id: certificateId(provider, input.scope, input.id),
    provider,
    scope: { kind: provider === "cloudflare" ? "zone" : "project", id: input.scope },
    hosts: [input.host ?? `${input.id}.example.com`],
    status: input.status ?? "active",
    provider_status: input.provider_status ?? input.status ?? "active",
    type: input.type === undefined ? (provider === "cloudflare" ? "advanced" : "Gjirafa Issued") : input.type,
    certificate_authority: "lets_encrypt",
    issuer: null,
    validity_days: input.validity_days === undefined ? 90 : input.validity_days,
    not_before: null,
    expires_at: input.expires_at === undefined ? "2027-06-01T00:00:00Z" : input.expires_at,
    days_remaining: null,
    validation: { method: "txt", records: input.records ?? [], errors: input.errors ?? [] },
    updated_at: null,
    cloudflare_branding: null,
    primary_certificate: null,
    certificates: [],
    certificate_scope: null,
  };
}

export const TXT_RECORD = {
  kind: "txt" as const,
  name: "_acme-challenge.a.example.com",
  value: "token-abc",
  url: null,
  emails: [],
  status: "pending",
  source: "validation_records",
};

/** A STATE binding that counts writes per key (KV writes per run are bounded). */
export function countingKv(kv: KVNamespace): KVNamespace & { puts: string[] } {
  const puts: string[] = [];
  const wrapped = Object.create(kv) as KVNamespace & { puts: string[] };
  return Object.assign(wrapped, {
    puts,
    get: kv.get.bind(kv),
    list: kv.list.bind(kv),
    delete: kv.delete.bind(kv),
    getWithMetadata: kv.getWithMetadata.bind(kv),
    put: (key: string, value: string, options?: KVNamespacePutOptions) => {
      puts.push(key);
      return kv.put(key, value, options);
    },
  });
}

/** Deletes every key of a namespace: each test starts from an empty STATE. */
export async function clearKv(kv: KVNamespace): Promise<void> {
  for (;;) {
    const res = await kv.list();
    await Promise.all(res.keys.map((k) => kv.delete(k.name)));
    if (res.list_complete) break;
  }
}

export async function resetStorage(): Promise<void> {
  await clearKv(runtimeEnv.STATE);
  await clearKv(runtimeEnv.CACHE);
}

export function monitorConfig(
  vars: Record<string, string | undefined> = {},
): Config & { state: KVNamespace & { puts: string[] } } {
  const parsed = parseConfig(
    testEnv({ ALERT_WEBHOOK_URL: WEBHOOK_URL, ...vars }) as unknown as Record<string, unknown>,
  );
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.settings)}`);
  return { ...parsed.config, state: countingKv(parsed.config.state) };
}

/** A webhook receiver for deps.fetch: records JSON bodies by URL; `fail` makes it answer 500. */
export function receiver() {
  const bodies: Array<{ url: string; body: unknown }> = [];
  const state = { fail: false };
  const fetch = async (input: Request | string | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url.startsWith(FAKE_UPSTREAM)) return new Response("{}", { status: 200 });
    bodies.push({ url: request.url, body: await request.json() });
    return new Response(state.fail ? "nope" : "ok", { status: state.fail ? 500 : 200 });
  };
  return {
    fetch,
    bodies,
    state,
    to: (url: string) => bodies.filter((b) => b.url === url).map((b) => b.body),
  };
}
