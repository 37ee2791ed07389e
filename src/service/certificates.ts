/**
 * The certificate service: every use case of both doors (and what the monitor shares with them), over
 * the registered providers. Lists go through the KV cache; writes go to the upstream and invalidate
 * their scope's list in the same request; the caller's zone/project grants are checked here, once per
 * use case, before any cache read or upstream call. Routes validate, call one function, shape the answer.
 */
import type { CacheStatus, ListCache, ListRead } from "../cache";
import { AppError } from "../errors";
import type { Certificate, Quota } from "../model/certificate";
import type { Scope } from "../model/scope";
import type { Registry, WriteAnswer } from "../providers/types";
import type { UpstreamContext } from "../upstream/context";
import { requestUpstream, type ServiceContext } from "./context";
import { createLists } from "./lists";
import { type CachedItem, createReads } from "./reads";
import { createScopes, type ResolvedScope } from "./scopes";
import { createWrites, type NativeEffect, type UnifiedBody } from "./writes";

export type {
  CertificateList,
  CertificateListQuery,
  PreparedCertificateList,
  QuotaList,
  ScopeFailure,
} from "./lists";
export type { NativeEffect, UnifiedBody } from "./writes";

/** One certificate of one scope, by the provider's own id (a unified id, parsed). */
export interface CertificateRef {
  scope: Scope;
  id: string;
}

/** A single-certificate answer: the certificate (null when a write's answer named none) and notes. */
export interface CertificateAnswer {
  result: Certificate | null;
  messages: string[];
}

/** A single read: the answer, and whether it came from the cached list (X-Cache, Age). */
export interface CertificateRead extends CertificateAnswer {
  cache: CacheStatus;
  /** The cached list's entry version when the answer came from it (ListRead `version`), else null. */
  version: string | null;
}

export function createCertificateService(registry: Registry, cache: ListCache) {
  const scopes = createScopes(registry);
  const reads = createReads(cache);
  const lists = createLists(scopes, reads);
  const writes = createWrites(scopes, cache);

  const shape = (
    ctx: ServiceContext,
    target: ResolvedScope,
    answer: { raw: unknown; messages: string[] },
    includeRaw = false,
  ): CertificateAnswer => ({
    result: answer.raw === null ? null : reads.normalize(target, answer.raw, ctx.deps.now(), includeRaw),
    messages: answer.messages,
  });

  const written = (ctx: ServiceContext, target: ResolvedScope, answer: WriteAnswer<unknown>) =>
    shape(ctx, target, answer);

  return {
    listCertificates: lists.listCertificates,
    readCertificateList: lists.readCertificateList,
    listQuotas: lists.listQuotas,

    /** From the scope's fresh cached list where that is whole (reads.cachedItem), else the upstream. */
    async getCertificate(
      ctx: ServiceContext,
      ref: CertificateRef,
      includeRaw: boolean,
      bypass = false,
    ): Promise<CertificateRead> {
      const target = scopes.authorize(ctx, ref.scope);
      const cached = await reads.cachedItem(ctx, target, ref.id, bypass);
      if (cached) {
        return {
          ...shape(ctx, target, { raw: cached.raw, messages: [] }, includeRaw),
          cache: cached.cache,
          version: cached.version,
        };
      }
      const answer = await target.instance.get(requestUpstream(ctx, target), ref.scope.id, ref.id);
      return {
        ...shape(ctx, target, answer, includeRaw),
        cache: { outcome: bypass ? "BYPASS" : "MISS", ageSeconds: 0 },
        version: null,
      };
    },

    async createCertificate(ctx: ServiceContext, body: UnifiedBody): Promise<CertificateAnswer> {
      const { target, answer } = await writes.create(ctx, body);
      return written(ctx, target, answer);
    },

    async importCertificate(ctx: ServiceContext, body: UnifiedBody): Promise<CertificateAnswer> {
      const { target, answer } = await writes.importCertificate(ctx, body);
      return written(ctx, target, answer);
    },

    /**
     * The fields of a PATCH belong to providers (their `update` fragments): one that this certificate's
     * provider does not take is a 422, after authorization (a caller without the scope gets the one 403).
     */
    async updateCertificate(
      ctx: ServiceContext,
      ref: CertificateRef,
      body: object,
    ): Promise<CertificateAnswer> {
      const target = scopes.authorize(ctx, ref.scope);
      const own = new Set(Object.keys(target.descriptor.unified.update?.shape ?? {}));
      const foreign = Object.entries(body).find(([field, value]) => value !== undefined && !own.has(field));
      if (foreign) {
        throw new AppError(
          "not_supported_by_provider",
          `${foreign[0]} does not apply to ${target.descriptor.label} certificates`,
          { provider: target.scope.provider },
        );
      }
      return written(ctx, target, await writes.update(ctx, target, ref.id, body));
    },

    async requestValidation(ctx: ServiceContext, ref: CertificateRef): Promise<CertificateAnswer> {
      const target = scopes.authorize(ctx, ref.scope);
      return written(ctx, target, await writes.requestValidation(ctx, target, ref.id));
    },

    async deleteCertificate(
      ctx: ServiceContext,
      ref: CertificateRef,
    ): Promise<{ result: { id: string; already_deleted: boolean }; messages: string[] }> {
      const target = scopes.authorize(ctx, ref.scope);
      const outcome = await writes.remove(ctx, target, ref.id);
      return {
        result: {
          id: `${ref.scope.provider}:${ref.scope.id}:${ref.id}`,
          already_deleted: outcome.already_deleted,
        },
        messages: outcome.messages,
      };
    },

    /** A native door's single read from the scope's fresh cached list, or null (it asks the upstream). */
    cachedItem(ctx: ServiceContext, scope: Scope, id: string, bypass: boolean): Promise<CachedItem | null> {
      return reads.cachedItem(ctx, scopes.authorize(ctx, scope), id, bypass);
    },

    /** A native door's quota, through the quota cache like GET /v1/quotas (writes invalidate it). */
    async readQuota(ctx: ServiceContext, scope: Scope, bypass: boolean): Promise<ListRead<Quota> | null> {
      return (await reads.readQuota(ctx, scopes.authorize(ctx, scope), bypass)).cache;
    },

    /** A native door's list: the scope's whole cached list (wire objects), authorized. */
    readList(ctx: ServiceContext, scope: Scope, bypass: boolean): Promise<ListRead<unknown>> {
      return reads.readScope(ctx, scopes.authorize(ctx, scope), bypass);
    },

    /** A native door's other operations: authorized for the scope; writes invalidate and record. */
    native<T>(
      ctx: ServiceContext,
      scope: Scope,
      operation: (upstream: UpstreamContext) => Promise<T>,
      effect: NativeEffect,
    ): Promise<T> {
      return writes.native(ctx, scope, operation, effect);
    },

    /** The scope of a registered provider (404 for an unknown name). */
    scopeOf: scopes.scopeOf,

    /** The scope a unified create or import body names, or null when it names none (its audit target). */
    scopeOfBody(body: UnifiedBody): Scope | null {
      try {
        return writes.bodyScope(body);
      } catch {
        return null;
      }
    },
  };
}

export type CertificateService = ReturnType<typeof createCertificateService>;

/** What a provider's native door may ask of the service. */
export type NativeService = Pick<CertificateService, "readList" | "readQuota" | "cachedItem" | "native">;
