/**
 * Reading scopes: a scope's whole list through the list cache (or, for a deployment view, straight from
 * the upstream), many scopes at once, a scope's quota, and the normalization of what was read.
 */
import type { CacheContext, CacheStatus, ListCache, ListRead } from "../cache";
import { MAX_UPSTREAM_IN_FLIGHT, mapSettled } from "../concurrency";
import { AppError } from "../errors";
import { createLogger } from "../logger";
import { type Certificate, daysRemaining, type Quota, QuotaSchema } from "../model/certificate";
import type { DeployView } from "../providers/types";
import { requestUpstream, type ServiceContext } from "./context";
import type { ResolvedScope } from "./scopes";

/** One scope's answer inside an aggregated read: its items, or why it has none. */
export type ScopeAnswer<T> =
  | { target: ResolvedScope; ok: true; read: ListRead<T> }
  | { target: ResolvedScope; ok: false; error: AppError };

/** One item from a scope's cached list, with the list's cache status and entry version (ListRead). */
export interface CachedItem {
  raw: unknown;
  cache: CacheStatus;
  version: string | null;
}

export function cacheContext(ctx: ServiceContext): CacheContext {
  return {
    kv: ctx.config.cache,
    deps: ctx.deps,
    windows: ctx.config.cacheWindows,
    waitUntil: ctx.waitUntil,
    kvCacheTtl: ctx.config.kvCacheTtlSeconds,
    logger: createLogger(ctx.deps, ctx.config.secrets, { request_id: ctx.requestId }),
  };
}

export function toAppError(reason: unknown): AppError {
  return reason instanceof AppError
    ? reason
    : new AppError("internal_error", "Internal error", {}, undefined, { cause: reason });
}

export function createReads(cache: ListCache) {
  // Normalization is pure and cached wire objects are shared by every hit of this isolate (the list
  // cache reuses its decoded entry), so each is mapped once; only days_remaining follows the clock.
  // Keyed weakly by the wire object: whole-scope data, never a caller's view, gone with its entry.
  const normalized = new WeakMap<object, Certificate>();

  /**
   * One scope's full list (wire objects), through the cache. A deployment view (`deploy`) is not what
   * the cache holds: it is read from the upstream (BYPASS), uncached.
   */
  async function readScope(
    ctx: ServiceContext,
    target: ResolvedScope,
    bypass: boolean,
    deploy?: DeployView,
  ): Promise<ListRead<unknown>> {
    const { instance, scope } = target;
    if (deploy !== undefined) {
      if (!target.descriptor.deployViews) {
        throw new AppError("not_supported_by_provider", `${target.descriptor.label} has no deploy views`, {
          provider: scope.provider,
        });
      }
      const fetchedAt = ctx.deps.now();
      const list = await instance.listAll(requestUpstream(ctx, target), scope.id, { deploy });
      return {
        items: list.items,
        notes: list.notes,
        outcome: "BYPASS",
        ageSeconds: 0,
        stale: false,
        fetchedAt,
        version: null,
        refreshFailed: false,
      };
    }
    return cache.read<unknown>(cacheContext(ctx), {
      key: { scope },
      load: (previous) =>
        instance.listAll(requestUpstream(ctx, target), scope.id, previous ? { previous } : undefined),
      parse: (value: unknown) => instance.parseRaw(value),
      bypass,
    });
  }

  async function readScopes(
    ctx: ServiceContext,
    targets: readonly ResolvedScope[],
    bypass: boolean,
    deploy?: DeployView,
  ): Promise<Array<ScopeAnswer<unknown>>> {
    const settled = await mapSettled(targets, MAX_UPSTREAM_IN_FLIGHT, (t) =>
      readScope(ctx, t, bypass, deploy),
    );
    return targets.map((target, i): ScopeAnswer<unknown> => {
      const s = settled[i];
      if (s?.status === "fulfilled") return { target, ok: true, read: s.value };
      return { target, ok: false, error: toAppError(s?.reason) };
    });
  }

  /**
   * A scope's quota, through the cache like lists (an order or delete changes `used`: writes invalidate
   * it). `cache` is null when the provider answers locally (no quota API upstream: no KV write spent).
   */
  async function readQuota(
    ctx: ServiceContext,
    target: ResolvedScope,
    bypass: boolean,
  ): Promise<{ quotas: Quota[]; cache: ListRead<Quota> | null }> {
    const { instance, scope } = target;
    if (!target.descriptor.hasQuotaApi) {
      return { quotas: [await instance.quota(requestUpstream(ctx, target), scope.id)], cache: null };
    }
    const read = await cache.read<Quota>(cacheContext(ctx), {
      key: { scope, kind: "quota" },
      load: async () => [await instance.quota(requestUpstream(ctx, target), scope.id)],
      parse: (value: unknown) => {
        const parsed = QuotaSchema.safeParse(value);
        return parsed.success ? parsed.data : null;
      },
      bypass,
    });
    return { quotas: read.items, cache: read };
  }

  /**
   * One item of a scope from its cached list, when the provider's listed items are whole objects
   * (`listedItemsComplete`) and a read of the list would be a HIT (fresh and not invalidated by a write
   * here; with `bypass`, loaded within the minimum refresh interval). Null otherwise, or when the list
   * does not hold the id (created elsewhere since, or unknown): the caller asks the upstream.
   */
  async function cachedItem(
    ctx: ServiceContext,
    target: ResolvedScope,
    id: string,
    bypass: boolean,
  ): Promise<CachedItem | null> {
    const { instance, scope } = target;
    if (target.descriptor.listedItemsComplete !== true) return null;
    const read = await cache.lookup(
      cacheContext(ctx),
      { scope },
      (value) => instance.parseRaw(value),
      bypass,
    );
    const raw = read?.items.find((item) => instance.rawId(item) === id);
    if (!read || raw === undefined) return null;
    return { raw, cache: { outcome: read.outcome, ageSeconds: read.ageSeconds }, version: read.version };
  }

  /** A wire object as the model, normalized once per object; days_remaining follows `now`. */
  function normalize(target: ResolvedScope, raw: unknown, now: number, includeRaw: boolean): Certificate {
    const key = typeof raw === "object" && raw !== null ? raw : null;
    let cert = key ? normalized.get(key) : undefined;
    if (!cert || cert.scope.id !== target.scope.id) {
      cert = target.instance.normalize(target.scope.id, raw, now);
      if (key) normalized.set(key, cert);
    }
    const days_remaining = daysRemaining(cert.expires_at === null ? null : Date.parse(cert.expires_at), now);
    return includeRaw ? { ...cert, days_remaining, raw } : { ...cert, days_remaining };
  }

  return { readScope, readScopes, readQuota, cachedItem, normalize };
}

export type Reads = ReturnType<typeof createReads>;
