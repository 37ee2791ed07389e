/**
 * The list use cases: GET /v1/certificates and GET /v1/quotas over every scope the caller may see.
 * Each returns the items, one error per scope that failed (beside the others' items), what the
 * upstreams and the cache said (`messages`), and one cache status for the whole answer.
 */
import { type CacheStatus, type ListRead, mergeCacheStatus } from "../cache";
import { MAX_UPSTREAM_IN_FLIGHT, mapSettled } from "../concurrency";
import type { ResultInfo } from "../envelope";
import { AppError, type ErrorDetails } from "../errors";
import { type Certificate, daysRemainingChangesAt, type Quota } from "../model/certificate";
import { notesAsMessages } from "../model/list-notes";
import { SCOPE_KINDS } from "../model/scope";
import type { ServiceContext } from "./context";
import { type Reads, type ScopeAnswer, toAppError } from "./reads";
import type { ResolvedScope, ScopeFilter, Scopes } from "./scopes";
import { byId, type CertificateFilter, matchesQuery, paginate, wholeFailure } from "./select";

/** A scope that failed inside an aggregated answer: its error, with the scope it belongs to. */
export interface ScopeFailure extends ErrorDetails {
  code: string;
  message: string;
  provider: string;
  scope: string;
}

export interface CertificateListQuery extends ScopeFilter, CertificateFilter {
  include?: "raw";
  page: number;
  per_page: number;
}

export interface CertificateList {
  items: Certificate[];
  page: ResultInfo;
  errors: ScopeFailure[];
  messages: string[];
  cache: CacheStatus;
  /** When the clock alone changes this answer (epoch ms, exclusive; days_remaining): Infinity if never. */
  until: number;
}

/** A list's scopes, read and authorized; `build` makes the answer (lists.ts `readCertificateList`). */
export interface PreparedCertificateList {
  cache: CacheStatus;
  /** The cache entries the answer is made of, or null when it is made of anything else. */
  version: string | null;
  build(now: number): CertificateList;
}

export interface QuotaList {
  items: Quota[];
  errors: ScopeFailure[];
  cache: CacheStatus;
}

function failureOf(target: ResolvedScope, err: AppError): ScopeFailure {
  return {
    ...err.details,
    code: err.code,
    message: err.message,
    provider: target.scope.provider,
    scope: target.scope.id,
  };
}

export function createLists(scopes: Scopes, reads: Reads) {
  /** A scope or provider named by the query is checked first (403, then 404), then every visible scope. */
  function targetsOf(ctx: ServiceContext, filter: ScopeFilter): ResolvedScope[] {
    for (const kind of SCOPE_KINDS) {
      const id = filter[kind];
      if (id !== undefined) scopes.authorizeNamed(ctx, kind, id);
    }
    return scopes.visible(ctx, filter);
  }

  /** A scope's list notes as `messages` lines ("cloudflare <zone>: left out an unusable pack ..."). */
  function notesOf(target: ResolvedScope, read: ListRead<unknown>): string[] {
    const { scope, descriptor } = target;
    return notesAsMessages(`${scope.provider} ${scope.id}`, descriptor.itemNoun, read.notes);
  }

  /**
   * The list's scopes, read (authorized first): what the answer is made of, before it is built. A list
   * every scope of which failed is that failure. `version` names the cache entries it is made of (each
   * scope's ListRead version, in scope order), or is null when any part is not an entry as stored: a
   * failed scope, a stale copy served for a failed load, a deployment view.
   */
  async function readCertificateList(
    ctx: ServiceContext,
    query: CertificateListQuery,
    bypass: boolean,
  ): Promise<PreparedCertificateList> {
    const targets = targetsOf(ctx, query);
    const answers = await reads.readScopes(ctx, targets, bypass, query.deploy);
    const failed = wholeFailure(
      answers.length,
      answers.flatMap((a) => (a.ok ? [] : [a.error])),
    );
    if (failed) throw failed;
    const versions: string[] = [];
    for (const a of answers) {
      const version = a.ok && !a.read.refreshFailed ? a.read.version : null;
      if (version === null) break;
      versions.push(`${a.target.scope.provider}:${a.target.scope.id}=${version}`);
    }
    const cache = mergeCacheStatus(answers.flatMap((a) => (a.ok ? [a.read] : [])));
    return {
      cache,
      version: versions.length === answers.length ? versions.join(",") : null,
      build: (now) => buildCertificateList(answers, query, now, cache),
    };
  }

  /** The answer from the scopes' reads, and when the clock alone changes it (days_remaining, filters on it). */
  function buildCertificateList(
    answers: ReadonlyArray<ScopeAnswer<unknown>>,
    query: CertificateListQuery,
    now: number,
    cache: CacheStatus,
  ): CertificateList {
    const errors: ScopeFailure[] = [];
    const messages: string[] = [];
    const certs: Certificate[] = [];
    let until = Number.POSITIVE_INFINITY;
    for (const answer of answers) {
      if (!answer.ok) {
        errors.push(failureOf(answer.target, answer.error));
        continue;
      }
      const { scope } = answer.target;
      if (answer.read.refreshFailed) {
        const { error } = answer.read;
        const cause = error instanceof AppError ? ` (${error.code}: ${error.message})` : "";
        messages.push(
          `${scope.provider} ${scope.id}: upstream failed, served a cached copy ${answer.read.ageSeconds} s old${cause}`,
        );
      }
      messages.push(...notesOf(answer.target, answer.read));
      for (const raw of answer.read.items) {
        const cert = reads.normalize(answer.target, raw, now, query.include === "raw");
        // Every certificate counts, shown or not: `expiring_within` picks by days_remaining too.
        const expires = cert.expires_at === null ? null : Date.parse(cert.expires_at);
        until = Math.min(until, daysRemainingChangesAt(expires, now));
        if (matchesQuery(cert, query)) certs.push(cert);
      }
    }
    certs.sort(byId);
    const page = paginate(certs, query.page, query.per_page);
    return { items: page.items, page: page.info, errors, messages, cache, until };
  }

  async function listCertificates(
    ctx: ServiceContext,
    query: CertificateListQuery,
    bypass: boolean,
  ): Promise<CertificateList> {
    return (await readCertificateList(ctx, query, bypass)).build(ctx.deps.now());
  }

  async function listQuotas(ctx: ServiceContext, filter: ScopeFilter, bypass: boolean): Promise<QuotaList> {
    const targets = targetsOf(ctx, filter);
    const settled = await mapSettled(targets, MAX_UPSTREAM_IN_FLIGHT, (t) => reads.readQuota(ctx, t, bypass));
    const items: Quota[] = [];
    const errors: ScopeFailure[] = [];
    const failures: AppError[] = [];
    const cached: Array<ListRead<Quota>> = [];
    targets.forEach((target, i) => {
      const s = settled[i];
      if (s?.status === "fulfilled") {
        if (s.value.cache) cached.push(s.value.cache);
        items.push(...s.value.quotas);
        return;
      }
      const error = toAppError(s?.reason);
      failures.push(error);
      errors.push(failureOf(target, error));
    });
    const failed = wholeFailure(targets.length, failures);
    if (failed) throw failed;
    return { items, errors, cache: mergeCacheStatus(cached) };
  }

  return { readCertificateList, listCertificates, listQuotas };
}
