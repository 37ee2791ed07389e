/**
 * What every provider is to the rest of certgate. A provider module (providers/<name>/index.ts) describes
 * itself (`ProviderDescriptor`) and, once its settings are configured, hands out a `ProviderInstance`: the
 * operations the certificate service, the cache and the monitor use, over the normalized model. Wire
 * shapes stay inside each provider's folder; its native door gets them from the provider itself.
 */
import type * as z from "zod";
import type { Certificate, Quota } from "../model/certificate";
import type { ListNotes } from "../model/list-notes";
import type { ProviderRenewal, RenewalInput } from "../model/renewal";
import type { ScopeKind } from "../model/scope";
import type { RotationPort } from "../rotation/port";
import type { UpstreamContext } from "../upstream/context";
import type { ErrorDialect } from "../upstream/dialect";
import type { WriteAnswer } from "./answers";

export type { WriteAnswer } from "./answers";

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

/** A provider's deployment views of a list (`deploy=`), for providers that have them. */
export type DeployView = "staging" | "production";

export interface ListOptions<Raw> {
  /** The last list this isolate saw for the scope, for providers that can reuse parts of it. */
  previous?: readonly Raw[];
  /** A deployment view instead of the default list (only providers with `deployViews`). */
  deploy?: DeployView;
}

/**
 * The `/v1` body fragments of a provider, each validated at the edge before the provider sees it:
 * - `create`: one member of POST /v1/certificates' union, with `provider: z.literal(name)` and its scope
 *   field (`zone` or `project`, by its scope kind);
 * - `import`: the same for POST /v1/certificates/import, when the provider can import at all;
 * - `update`: the PATCH fields it accepts (all optional; the core merges every provider's fields and
 *   refuses, with 422, a field another provider owns).
 */
export interface UnifiedFragments {
  create: z.ZodObject;
  import?: z.ZodObject;
  update?: z.ZodObject;
}

/** Static facts about a provider: what it is, how its ids look, how it fails, how it renews. */
export interface ProviderDescriptor {
  /** Lowercase, unique: the `provider` of its certificates, unified ids, cache keys and errors. */
  readonly name: string;
  /** How messages name it ("Cloudflare"). */
  readonly label: string;
  /** Which grant list authorizes its scopes and which `/v1` query key filters them. */
  readonly scopeKind: ScopeKind;
  /** The id rule of its scopes (config lists, grants, paths, queries); may normalize (lowercase). */
  readonly scopeId: z.ZodType<string, string>;
  /** What a scope id looks like, in words ("32-hex zone id"). */
  readonly scopeIdRule: string;
  /** THE id rule of its certificates (both doors, unified ids); may normalize ("007" -> "7"). */
  readonly certificateId: z.ZodType<string, string>;
  /** What its lists hold, for messages ("pack", "certificate"). */
  readonly itemNoun: string;
  /** What creating one is called upstream, for messages ("order", "create"). */
  readonly createOperation: string;
  /** Whether `quota()` asks the upstream (and is worth caching) or answers `supported: false` locally. */
  readonly hasQuotaApi: boolean;
  /** Whether `listAll` takes `deploy` (staging/production views). */
  readonly deployViews: boolean;
  /**
   * Whether an item of its list is the whole object a single read answers: then a single read is served
   * from a fresh cached list (docs/caching.md). Default false (its list items are partial).
   */
  readonly listedItemsComplete?: boolean;
  /** Its error dialect, for the upstream core. */
  readonly errors: ErrorDialect;
  /**
   * When the provider renews a certificate by itself (days before expiry, null: never) and the grace
   * before it counts as late: the monitor's lifetime model reads it (src/providers/<name>/renewal.ts).
   */
  renewal(input: RenewalInput): ProviderRenewal;
  /** What the monitor may spend on it per run (default: no cap of its own). */
  readonly monitor: { readonly maxCallsPerRun?: number };
  readonly unified: UnifiedFragments;
}

/**
 * A configured provider. `Raw` is its validated wire object (loose: unknown fields kept), which is what
 * the list cache stores and its native door returns. Inputs of writes are what its `/v1` fragments
 * produced: the edge validated them for exactly this provider.
 */
export interface ProviderInstance<Raw = unknown> {
  /** The scopes (zone ids / project uuids) configured for it, in configuration order. */
  readonly scopes: readonly string[];
  /**
   * Every object in one scope, all pages. An item the upstream sent that cannot be used is left out and
   * reported in `notes`, never a failed scope. `options.previous` lets a provider reuse what has not
   * changed.
   */
  listAll(ctx: UpstreamContext, scope: string, options?: ListOptions<Raw>): Promise<ScopeList<Raw>>;
  /** Validates one cached/listed wire object (used when reading the cache back). */
  parseRaw(value: unknown): Raw | null;
  get(ctx: UpstreamContext, scope: string, id: string): Promise<ReadAnswer<Raw>>;
  /**
   * Writes. A 2xx answer is a write that happened: it is read as far as it goes (`raw` null when not
   * even its id is readable) and never turned into an error.
   */
  create(ctx: UpstreamContext, scope: string, input: unknown): Promise<WriteAnswer<Raw>>;
  /** Present when the provider can import a certificate (it then has an `import` fragment). */
  importCertificate?(ctx: UpstreamContext, scope: string, input: unknown): Promise<WriteAnswer<Raw>>;
  update(ctx: UpstreamContext, scope: string, id: string, input: unknown): Promise<WriteAnswer<Raw>>;
  /**
   * Asks the provider to run domain validation now: Cloudflare restarts it (from validation_timed_out),
   * Gjirafa checks the DNS challenge.
   */
  requestValidation(ctx: UpstreamContext, scope: string, id: string): Promise<WriteAnswer<Raw>>;
  remove(ctx: UpstreamContext, scope: string, id: string): Promise<DeleteOutcome>;
  /** Its quota in a scope; `supported: false` with nulls (no upstream call) when it has no quota API. */
  quota(ctx: UpstreamContext, scope: string): Promise<Quota>;
  /** Pure mapping to the model. `nowMs` computes days_remaining. */
  normalize(scope: string, raw: Raw, nowMs: number): Certificate;
  /** The provider's id of a wire object (for unified ids and lookups). */
  rawId(raw: Raw): string;
}

/**
 * Replacing a certificate without downtime (src/rotation/): the port the rotation engine drives, over a
 * configured instance. `upstream` gives each call its own context (a rotation outlives any deadline).
 */
export type RotationAccess = (upstream: () => UpstreamContext) => RotationPort;
/** What a provider's settings say about its upstream budget (docs/budget.md). */
export interface UpstreamBudgetSettings {
  /** Calls per 5 minutes certgate may make with this credential; null: no cap. */
  limitPer5Min: number | null;
  /** The credential the upstream counts by (a token, a key); null when none is configured. */
  credential: string | null;
}

/** A configured provider's upstream budget: its cap, and which UpstreamBudget object counts it. */
export interface ProviderBudget {
  readonly limitPer5Min: number | null;
  /** `{provider}:{digest of the credential}` (never the credential); computed once per configuration. */
  objectName(): Promise<string>;
}

/** A provider as a request or a monitor run sees it: what it is, and its configured operations. */
export interface ConfiguredProvider {
  descriptor: ProviderDescriptor;
  instance: ProviderInstance;
  /** Present when the provider can rotate a certificate with the engine's guarantee (its `rotation`). */
  rotation?: RotationAccess;
  budget: ProviderBudget;
}

/** A setting that failed validation: its name and why, never its value. */
export interface SettingIssue {
  name: string;
  message: string;
}

export type LoadedProvider =
  | { ok: true; configured: ConfiguredProvider | null; secrets: string[] }
  | { ok: false; settings: SettingIssue[] };

/** The registered providers, as the layers below the app see them (providers/registry.ts makes it). */
export interface Registry {
  readonly descriptors: readonly ProviderDescriptor[];
  get(name: string): ProviderDescriptor | undefined;
  /** Reads each provider's settings from an env (once per env object) and configures it. */
  load(env: object): LoadedProvider[];
}
