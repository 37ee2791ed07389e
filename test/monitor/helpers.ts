/**
 * Fixtures for the monitor tests: fake providers registered under the real providers' descriptors (the
 * list is a table the test edits between runs), a config parsed from the shared test env, a STATE
 * that counts writes, and a webhook receiver.
 */
import { type Config, parseConfig } from "../../src/config/load";
import { AppError } from "../../src/errors";
import { type Certificate, CertificateSchema, certificateId, type Quota } from "../../src/model/certificate";
import type { SkippedItem } from "../../src/model/list-notes";
import { cloudflare } from "../../src/providers/cloudflare";
import { gjirafa } from "../../src/providers/gjirafa";
import type { RegisteredProvider } from "../../src/providers/module";
import { createRegistry } from "../../src/providers/registry";
import type { ProviderInstance, Registry } from "../../src/providers/types";
import type { UpstreamContext } from "../../src/upstream/context";
import { testEnv } from "../helpers/env";

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE_MS = 60_000;
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

/**
 * A fake provider instance: its list is a table (`data`) the test edits between runs. It speaks for a
 * real provider's descriptor (fakeModule), so renewal windows, labels and quota rules stay the real ones.
 */
export interface FakeProvider extends ProviderInstance<Certificate> {
  /** The scopes the configuration gives it (set when the module is configured). */
  scopes: string[];
  data: Map<string, FakeScope>;
  listed: string[];
  validated: string[];
  validateError?: AppError;
}

export function fakeProvider(
  name: "cloudflare" | "gjirafa",
  data: Record<string, FakeScope> = {},
): FakeProvider {
  const kind = name === "cloudflare" ? "zone" : "project";
  const provider: FakeProvider = {
    scopes: [],
    data: new Map(Object.entries(data)),
    listed: [],
    validated: [],
    async listAll(ctx: UpstreamContext, scope: string) {
      const s = provider.data.get(scope) ?? { certs: [] };
      await spend(ctx, 1);
      provider.listed.push(scope);
      if (s.error) throw s.error;
      await spend(ctx, (s.pages ?? 1) - 1);
      return {
        items: s.certs.map((c) => structuredClone(c)),
        notes: { skipped: s.skipped ?? [], messages: [] },
      };
    },
    parseRaw(v: unknown) {
      const parsed = CertificateSchema.safeParse(v);
      return parsed.success ? parsed.data : null;
    },
    get: () => Promise.reject(new Error("not used")),
    create: () => Promise.reject(new Error("not used")),
    update: () => Promise.reject(new Error("not used")),
    async requestValidation(ctx: UpstreamContext, scope: string, id: string) {
      await spend(ctx, 1);
      provider.validated.push(id);
      if (provider.validateError) throw provider.validateError;
      const cert = provider.data.get(scope)?.certs.find((c) => c.id.endsWith(`:${id}`));
      if (!cert) throw new AppError("not_found", "no such pack");
      return {
        raw: { ...cert, status: "pending_validation" as const, provider_status: "pending_validation" },
        messages: [],
      };
    },
    remove: () => Promise.reject(new Error("not used")),
    async quota(ctx: UpstreamContext, scope: string): Promise<Quota> {
      const q = provider.data.get(scope)?.quota;
      if (name === "gjirafa" || !q) {
        return {
          provider: name,
          scope: { kind, id: scope },
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

/**
 * A provider registered under a real provider's descriptor and settings whose instance is `fake`: the
 * registry injection the tests use (createWorker(deps, { providers }), the monitor's config). The real
 * module still reads and checks its settings (scopes, credentials, secrets to redact); only the
 * instance it would configure is replaced, and it brings no native door.
 */
export function fakeModule(real: RegisteredProvider, fake: FakeProvider): RegisteredProvider {
  return {
    descriptor: real.descriptor,
    connect() {
      const connection = real.connect();
      return {
        load(env) {
          const loaded = connection.load(env);
          if (!loaded.ok || !loaded.configured) return loaded;
          fake.scopes = [...loaded.configured.instance.scopes];
          return { ...loaded, configured: { ...loaded.configured, instance: fake } };
        },
        routes: () => [],
      };
    },
  };
}

/** A registry of the two fake providers (in the real registry's order). */
export function fakeRegistry(cf: FakeProvider, gj: FakeProvider) {
  return createRegistry([fakeModule(cloudflare, cf), fakeModule(gjirafa, gj)]);
}

export interface CertInput {
  scope: string;
  id: string;
  provider?: "cloudflare" | "gjirafa";
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

export { clearKv, resetStorage } from "../helpers/kv";

export function monitorConfig(
  vars: Record<string, string | undefined> = {},
  registry: Registry = createRegistry(),
): Config & { state: KVNamespace & { puts: string[] } } {
  const parsed = parseConfig(testEnv({ ALERT_WEBHOOK_URL: WEBHOOK_URL, ...vars }), registry);
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.settings)}`);
  return { ...parsed.config, state: countingKv(parsed.config.state) };
}

/** A webhook receiver for deps.fetch: records JSON bodies (null for a GET) by URL; `fail` makes it answer 500. */
export function receiver() {
  const bodies: Array<{ url: string; body: unknown }> = [];
  const state = { fail: false };
  const fetch = async (input: Request | string | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url.startsWith(FAKE_UPSTREAM)) return new Response("{}", { status: 200 });
    // A GET (the heartbeat ping) has no body.
    bodies.push({ url: request.url, body: request.method === "GET" ? null : await request.json() });
    return new Response(state.fail ? "nope" : "ok", { status: state.fail ? 500 : 200 });
  };
  return {
    fetch,
    bodies,
    state,
    to: (url: string) => bodies.filter((b) => b.url === url).map((b) => b.body),
  };
}
