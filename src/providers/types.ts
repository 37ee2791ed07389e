/**
 * The one interface both providers sit behind. Routes, the certificate service, the cache and the
 * monitor see only this and the normalized model; wire shapes stay inside each provider's folder
 * (the native pass-through routes get them from the provider's own `native.ts`).
 */
import type { Config } from "../config";
import type { ProviderName } from "../errors";
import type { Certificate, Quota } from "../model/certificate";
import type { ListNotes } from "../model/list-notes";
import type { UpstreamContext } from "../upstream/context";
import type { WriteAnswer } from "./answers";

export type { UpstreamContext } from "../upstream/context";
export type { WriteAnswer } from "./answers";

/** Unified create body (POST /v1/certificates), already validated; the provider maps it to its wire body. */
export type CreateInput =
  | {
      provider: "cloudflare";
      zone: string;
      hosts: string[];
      validation_method: "txt" | "http" | "email";
      validity_days: 14 | 30 | 90 | 365;
      certificate_authority: "google" | "lets_encrypt" | "ssl_com";
      cloudflare_branding?: boolean;
    }
  | {
      provider: "gjirafa";
      project: string;
      domain_name: string;
      additional_names: string[];
      scope_id: number;
    };

export interface ImportInput {
  /** PEM. Secret material: never logged, cached or echoed. */
  certificate: string;
  private_key: string;
  chain: string;
  scope_id: number;
}

/** Unified PATCH body: Cloudflare takes branding, Gjirafa takes scope_id. */
export interface UpdateInput {
  cloudflare_branding?: boolean;
  scope_id?: number;
}

export interface DeleteOutcome {
  id: string;
  /** True when the upstream already had it deleted or deleting (DELETE is idempotent). */
  already_deleted: boolean;
  /** What the upstream said beside its answer. */
  messages: string[];
}

/** One scope's full list: the usable items and what the load found besides them. */
export interface ScopeList<Raw> {
  items: Raw[];
  notes: ListNotes;
}

/** A single object read: the wire object and what the upstream said beside it. */
export interface ReadAnswer<Raw> {
  raw: Raw;
  messages: string[];
}

/** Cloudflare's deployment views of a list (`deploy=`): staging or production. */
export type DeployView = "staging" | "production";

export interface ListOptions<Raw> {
  /** The last list this isolate saw for the scope, for providers that can reuse parts of it. */
  previous?: readonly Raw[];
  /** A deployment view instead of the default list (only providers with `deployViews`). */
  deploy?: DeployView;
}

/**
 * A provider. `Raw` is its validated wire object (loose: unknown fields kept), which is what the
 * list cache stores and the native routes return.
 */
export interface CertificateProvider<Raw = unknown> {
  readonly name: ProviderName;
  /** How messages name it ("Cloudflare"). */
  readonly label: string;
  readonly scopeKind: "zone" | "project";
  /** Whether `quota()` asks the upstream (Cloudflare) or answers `supported: false` locally (Gjirafa). */
  readonly hasQuotaApi: boolean;
  /** The scopes (zone ids / project uuids) configured for this provider. */
  configuredScopes(config: Config): string[];
  /** Whether the provider is configured at all (credentials and base URL present). */
  isConfigured(config: Config): boolean;
  /** Whether `listAll` takes `deploy` (Cloudflare's staging/production views). */
  readonly deployViews: boolean;

  /**
   * Every object in one scope, all pages (Cloudflare: status=all). An item the upstream sent that
   * cannot be used is left out and reported in `notes`, never a failed scope. `options.previous` lets a
   * provider reuse what has not changed (Gjirafa: unchanged details).
   */
  listAll(ctx: UpstreamContext, scope: string, options?: ListOptions<Raw>): Promise<ScopeList<Raw>>;
  /** Validates one cached/listed wire object (used when reading the cache back). */
  parseRaw(value: unknown): Raw | null;
  get(ctx: UpstreamContext, scope: string, id: string): Promise<ReadAnswer<Raw>>;
  /**
   * Writes. A 2xx answer is a write that happened: it is read as far as it goes (`raw` null when not
   * even its id is readable) and never turned into an error.
   */
  create(ctx: UpstreamContext, scope: string, input: CreateInput): Promise<WriteAnswer<Raw>>;
  importCertificate(ctx: UpstreamContext, scope: string, input: ImportInput): Promise<WriteAnswer<Raw>>;
  update(ctx: UpstreamContext, scope: string, id: string, input: UpdateInput): Promise<WriteAnswer<Raw>>;
  /** Cloudflare: restart validation (refused with 409 from a known status other than validation_timed_out). Gjirafa: validate. */
  validate(ctx: UpstreamContext, scope: string, id: string): Promise<WriteAnswer<Raw>>;
  remove(ctx: UpstreamContext, scope: string, id: string): Promise<DeleteOutcome>;
  /** Cloudflare: advanced quota. Gjirafa: `supported: false`, no upstream call. */
  quota(ctx: UpstreamContext, scope: string): Promise<Quota>;

  /** Pure mapping to the model. `nowMs` computes days_remaining. */
  normalize(scope: string, raw: Raw, nowMs: number): Certificate;
  /** The provider's id of a wire object (for unified ids and lookups). */
  rawId(raw: Raw): string;
  /** What its lists hold, for messages ("pack", "certificate"). */
  readonly itemNoun: string;
  /** What `create` is called upstream, for messages ("order", "create"). */
  readonly createOperation: string;
}
