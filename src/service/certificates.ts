/**
 * The certificate service: everything the routes (native and unified) and the monitor do with
 * certificates, over the provider interface. Lists go through the KV cache; writes go to the
 * upstream and invalidate their scope's list in the same request; authorization (the caller's
 * zone/project allowlist) is checked here before any cache read or upstream call.
 */
import { allowsScopeRef, assertAllowed, assertScope } from "../auth/authorize";
import type { ListCache, ListRead } from "../cache";
import { MAX_UPSTREAM_IN_FLIGHT, mapSettled } from "../concurrency";
import { AppError, isAppError, type ProviderName } from "../errors";
import { createLogger } from "../logger";
import {
  type Certificate,
  certificateId,
  daysRemaining,
  type Quota,
  QuotaSchema,
} from "../model/certificate";
import { type ListNotes, notesAsMessages } from "../model/list-notes";
import { deletionKey, recordDeletion } from "../monitor/deletions";
import type {
  CertificateProvider,
  CreateInput,
  DeleteOutcome,
  DeployView,
  ImportInput,
  ReadAnswer,
  UpdateInput,
  UpstreamContext,
  WriteAnswer,
} from "../providers/types";
import { type ServiceContext, upstreamContext } from "./context";

export type Providers = Record<ProviderName, CertificateProvider>;

export interface ScopeTarget {
  provider: ProviderName;
  scope: string;
}

/** One scope's answer inside an aggregated list: its items, or why it has none. */
export type ScopeAnswer<T> =
  | { target: ScopeTarget; ok: true; read: ListRead<T> }
  | { target: ScopeTarget; ok: false; error: AppError };

export function createCertificateService(providers: Providers, cache: ListCache) {
  // Normalization is pure and cached wire objects are shared by every hit of this isolate (the list
  // cache reuses its decoded entry), so each is mapped once; only days_remaining follows the clock.
  // Keyed weakly by the wire object: whole-scope data, never a caller's view, gone with its entry.
  const normalized = new WeakMap<object, Certificate>();

  function cacheContext(ctx: ServiceContext) {
    return {
      kv: ctx.config.cache,
      deps: ctx.deps,
      windows: ctx.config.cacheWindows,
      waitUntil: ctx.waitUntil,
      logger: createLogger(ctx.deps, ctx.config.secrets, { request_id: ctx.requestId }),
    };
  }

  /** 403 unless the caller may see the scope; 404 unless certgate manages it (checked in that order). */
  function authorizeScope(ctx: ServiceContext, target: ScopeTarget): CertificateProvider {
    const provider = providers[target.provider];
    assertAllowed(ctx.principal, { kind: provider.scopeKind, id: target.scope });
    const managed =
      provider.isConfigured(ctx.config) && provider.configuredScopes(ctx.config).includes(target.scope);
    if (!managed) {
      throw new AppError(
        "not_found",
        `${provider.scopeKind === "zone" ? "Zone" : "Project"} ${target.scope} is not managed by this certgate`,
        { provider: target.provider },
      );
    }
    return provider;
  }

  /**
   * Every scope the caller may see, optionally narrowed by provider / zone / project. With `deploy`,
   * only providers that have deployment views (Cloudflare); asking for another one by name is a 422.
   */
  function visibleScopes(
    ctx: ServiceContext,
    filter: { provider?: ProviderName; zone?: string; project?: string; deploy?: DeployView },
  ): ScopeTarget[] {
    const targets: ScopeTarget[] = [];
    for (const provider of Object.values(providers)) {
      if (filter.provider && filter.provider !== provider.name) continue;
      if (!provider.isConfigured(ctx.config)) continue;
      const wanted = provider.scopeKind === "zone" ? filter.zone : filter.project;
      const other = provider.scopeKind === "zone" ? filter.project : filter.zone;
      if (other && !wanted) continue; // filtering by the other provider's scope kind
      if (filter.deploy && !provider.deployViews) {
        if (filter.provider === provider.name || wanted) {
          throw new AppError(
            "not_supported_by_provider",
            `deploy applies to providers with deployment views; ${provider.label} has none`,
            { provider: provider.name },
          );
        }
        continue;
      }
      for (const scope of provider.configuredScopes(ctx.config)) {
        if (wanted && scope !== wanted) continue;
        if (allowsScopeRef(ctx.principal, { kind: provider.scopeKind, id: scope })) {
          targets.push({ provider: provider.name, scope });
        }
      }
    }
    return targets;
  }

  /**
   * One scope's full list (wire objects), through the cache. A deployment view (`deploy`, Cloudflare's
   * staging/production) is not what the cache holds: it is read from the upstream (BYPASS), uncached.
   */
  async function readScope(
    ctx: ServiceContext,
    target: ScopeTarget,
    bypass: boolean,
    deploy?: DeployView,
  ): Promise<ListRead<unknown>> {
    const provider = authorizeScope(ctx, target);
    if (deploy !== undefined) return readDeployView(ctx, provider, target, deploy);
    return cache.read<unknown>(cacheContext(ctx), {
      key: target,
      load: (previous) =>
        provider.listAll(upstreamContext(ctx), target.scope, previous ? { previous } : undefined),
      parse: (value: unknown) => provider.parseRaw(value),
      bypass,
    });
  }

  async function readDeployView(
    ctx: ServiceContext,
    provider: CertificateProvider,
    target: ScopeTarget,
    deploy: DeployView,
  ): Promise<ListRead<unknown>> {
    if (!provider.deployViews) {
      throw new AppError("not_supported_by_provider", `${provider.label} has no deploy views`, {
        provider: provider.name,
      });
    }
    const fetchedAt = ctx.deps.now();
    const list = await provider.listAll(upstreamContext(ctx), target.scope, { deploy });
    return {
      items: list.items,
      notes: list.notes,
      outcome: "BYPASS",
      ageSeconds: 0,
      stale: false,
      fetchedAt,
      refreshFailed: false,
    };
  }

  async function readScopes(
    ctx: ServiceContext,
    targets: readonly ScopeTarget[],
    bypass: boolean,
    deploy?: DeployView,
  ): Promise<Array<ScopeAnswer<unknown>>> {
    const settled = await mapSettled(targets, MAX_UPSTREAM_IN_FLIGHT, (t) =>
      readScope(ctx, t, bypass, deploy),
    );
    return settled.map((s, i) => {
      const target = targets[i] as ScopeTarget;
      if (s.status === "fulfilled") return { target, ok: true as const, read: s.value };
      const error =
        s.reason instanceof AppError
          ? s.reason
          : new AppError("internal_error", "Internal error", {}, undefined, {
              cause: s.reason,
            });
      return { target, ok: false as const, error };
    });
  }

  /** Recorded so the monitor does not report this deletion as one made outside certgate. */
  async function recordDeletionSafely(ctx: ServiceContext, target: ScopeTarget, id: string): Promise<void> {
    await recordDeletion(ctx.config.state, { ...target, id }, ctx.deps.now()).catch((err: unknown) =>
      createLogger(ctx.deps, ctx.config.secrets).log("warn", "deletion_record_failed", {
        request_id: ctx.requestId,
        error: String(err),
      }),
    );
  }

  /** Whether certgate recorded deleting this item; a KV failure reads as "no" (the 404 stands). */
  async function deletedEarlier(ctx: ServiceContext, target: ScopeTarget, id: string): Promise<boolean> {
    const marker = await ctx.config.state.get(deletionKey({ ...target, id })).catch(() => null);
    return marker !== null;
  }

  /**
   * A write: authorized, sent once, then its scope's cached list and quota invalidated, also when the
   * write ended with its outcome unknown (no answer, a reset, a 5xx: it may have happened). A creating
   * write (`creates`: order, create, import) that ends that way answers `upstream_outcome_unknown`,
   * which tells the caller to list before retrying; the next list and monitor run read the upstream
   * afresh and show whatever was created.
   */
  async function write<T>(
    ctx: ServiceContext,
    target: ScopeTarget,
    send: (provider: CertificateProvider, upstream: UpstreamContext) => Promise<T>,
    creates?: string,
  ): Promise<T> {
    assertScope(ctx.principal, "certificates:write");
    const provider = authorizeScope(ctx, target);
    let result: T;
    try {
      result = await send(provider, upstreamContext(ctx));
    } catch (err) {
      if (isAppError(err) && err.outcomeUnknown) {
        await afterWrite(ctx, target);
        if (creates !== undefined) throw outcomeUnknown(err, provider, target, creates);
      }
      throw err;
    }
    await afterWrite(ctx, target);
    return result;
  }

  async function afterWrite(ctx: ServiceContext, target: ScopeTarget): Promise<void> {
    await Promise.all([
      cache.invalidate(cacheContext(ctx), { ...target, kind: "list" }),
      cache.invalidate(cacheContext(ctx), { ...target, kind: "quota" }),
    ]);
  }

  return {
    authorizeScope,
    visibleScopes,
    readScope,
    readScopes,

    /** A scope's list notes as `messages` lines ("cloudflare <zone>: left out an unusable pack ..."). */
    notesOf(target: ScopeTarget, notes: ListNotes): string[] {
      return notesAsMessages(
        `${target.provider} ${target.scope}`,
        providers[target.provider].itemNoun,
        notes,
      );
    },

    normalize(target: ScopeTarget, raw: unknown, now: number, includeRaw: boolean): Certificate {
      const key = typeof raw === "object" && raw !== null ? raw : null;
      let cert = key ? normalized.get(key) : undefined;
      if (!cert || cert.scope.id !== target.scope) {
        cert = providers[target.provider].normalize(target.scope, raw, now);
        if (key) normalized.set(key, cert);
      }
      const days_remaining = daysRemaining(
        cert.expires_at === null ? null : Date.parse(cert.expires_at),
        now,
      );
      return includeRaw ? { ...cert, days_remaining, raw } : { ...cert, days_remaining };
    },

    async get(ctx: ServiceContext, target: ScopeTarget, id: string): Promise<ReadAnswer<unknown>> {
      const provider = authorizeScope(ctx, target);
      return provider.get(upstreamContext(ctx), target.scope, id);
    },

    create: (ctx: ServiceContext, target: ScopeTarget, input: CreateInput): Promise<WriteAnswer<unknown>> =>
      write(
        ctx,
        target,
        (provider, upstream) => provider.create(upstream, target.scope, input),
        providers[target.provider].createOperation,
      ),

    importCertificate: (
      ctx: ServiceContext,
      target: ScopeTarget,
      input: ImportInput,
    ): Promise<WriteAnswer<unknown>> =>
      write(
        ctx,
        target,
        (provider, upstream) => provider.importCertificate(upstream, target.scope, input),
        "import",
      ),

    update: (
      ctx: ServiceContext,
      target: ScopeTarget,
      id: string,
      input: UpdateInput,
    ): Promise<WriteAnswer<unknown>> =>
      write(ctx, target, (provider, upstream) => provider.update(upstream, target.scope, id, input)),

    validate: (ctx: ServiceContext, target: ScopeTarget, id: string): Promise<WriteAnswer<unknown>> =>
      write(ctx, target, (provider, upstream) => provider.validate(upstream, target.scope, id)),

    async remove(ctx: ServiceContext, target: ScopeTarget, id: string): Promise<DeleteOutcome> {
      const provider = authorizeScope(ctx, target);
      let outcome: DeleteOutcome;
      try {
        outcome = await provider.remove(upstreamContext(ctx), target.scope, id);
      } catch (err) {
        // A repeated DELETE of something certgate deleted: Gjirafa forgets a deleted certificate at once
        // and Cloudflare purges a deleted pack after a while, so the upstream says 404; certgate's own
        // deletion marker (monitor/deletions.ts) says it is gone, which is what an idempotent DELETE reports.
        if (err instanceof AppError && err.code === "not_found" && (await deletedEarlier(ctx, target, id))) {
          return {
            id: certificateId(target.provider, target.scope, id),
            already_deleted: true,
            messages: [],
          };
        }
        // It may have been deleted: the cached list must not keep showing it.
        if (isAppError(err) && err.outcomeUnknown) await afterWrite(ctx, target);
        throw err;
      }
      await recordDeletionSafely(ctx, target, id);
      await afterWrite(ctx, target);
      return outcome;
    },

    /**
     * A native pass-through operation: authorized and scoped like every other, run with certgate's
     * upstream context; writes invalidate the scope's list, deletes are recorded for the monitor.
     */
    async native<T>(
      ctx: ServiceContext,
      target: ScopeTarget,
      operation: (upstream: UpstreamContext) => Promise<T>,
      effect: { write: false } | { write: true; deletedId?: string; creates?: string },
    ): Promise<T> {
      if (!effect.write) {
        authorizeScope(ctx, target);
        return operation(upstreamContext(ctx));
      }
      const { deletedId } = effect;
      return write(
        ctx,
        target,
        async (_provider, upstream) => {
          const result = await operation(upstream);
          if (deletedId) await recordDeletionSafely(ctx, target, deletedId);
          return result;
        },
        effect.creates,
      );
    },

    /**
     * A scope's quota, through the cache like lists (an order or delete changes `used`: see afterWrite).
     * `cache` is null when the provider answers locally (no quota API upstream: no KV write spent on it).
     */
    async quota(
      ctx: ServiceContext,
      target: ScopeTarget,
      bypass = false,
    ): Promise<{ quotas: Quota[]; cache: ListRead<Quota> | null }> {
      const provider = authorizeScope(ctx, target);
      if (!provider.hasQuotaApi) {
        return { quotas: [await provider.quota(upstreamContext(ctx), target.scope)], cache: null };
      }
      const read = await cache.read<Quota>(cacheContext(ctx), {
        key: { ...target, kind: "quota" },
        load: async () => [await provider.quota(upstreamContext(ctx), target.scope)],
        parse: (value: unknown) => {
          const parsed = QuotaSchema.safeParse(value);
          return parsed.success ? parsed.data : null;
        },
        bypass,
      });
      return { quotas: read.items, cache: read };
    },
  };
}

export type CertificateService = ReturnType<typeof createCertificateService>;

/** A creating write that may or may not have happened: list before retrying, or it may happen twice. */
function outcomeUnknown(
  err: AppError,
  provider: CertificateProvider,
  target: ScopeTarget,
  what: string,
): AppError {
  const label = provider.label;
  const param = provider.scopeKind === "zone" ? "zone" : "project";
  const details: AppError["details"] = { provider: provider.name, scope: target.scope };
  if (err.details.upstream_code !== undefined) details.upstream_code = err.details.upstream_code;
  return new AppError(
    "upstream_outcome_unknown",
    `${label} did not confirm the ${what} (${err.message}): it may or may not have been carried out. ` +
      `List the ${param}'s certificates (GET /v1/certificates?${param}=${target.scope}) before retrying, ` +
      `or the ${what} may happen twice`,
    details,
    undefined,
    { cause: err },
  );
}
