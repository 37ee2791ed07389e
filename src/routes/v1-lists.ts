/**
 * Unified lists: GET /v1/certificates and GET /v1/quotas. Thin: validate, ask the service, shape.
 */
import { Hono } from "hono";
import { ListQuerySchema, QuotaQuerySchema } from "../api/schemas";
import { requireScope } from "../auth/authorize";
import { cacheHeaders, type ListRead, mergeCacheStatus, wantsBypass } from "../cache";
import { MAX_UPSTREAM_IN_FLIGHT, mapSettled } from "../concurrency";
import type { AppEnv } from "../context";
import { type EnvelopeError, successBody } from "../envelope";
import { AppError } from "../errors";
import type { Certificate, Quota } from "../model/certificate";
import type { CertificateService, ScopeTarget } from "../service/certificates";
import { byId, matchesQuery, paginate } from "../service/select";
import { queryOf, validate } from "../validation";
import { serviceContext } from "./service-context";

function scopeError(target: ScopeTarget, err: AppError): EnvelopeError {
  return {
    ...err.details,
    code: err.code,
    message: err.message,
    provider: target.provider,
    scope: target.scope,
  };
}

export function listRoutes(service: CertificateService) {
  return new Hono<AppEnv>()
    .get("/v1/certificates", requireScope("certificates:read"), async (c) => {
      const query = validate(ListQuerySchema, queryOf(c), "query");
      const ctx = serviceContext(c);
      if (query.zone) service.authorizeScope(ctx, { provider: "cloudflare", scope: query.zone });
      if (query.project) service.authorizeScope(ctx, { provider: "gjirafa", scope: query.project });
      const targets = service.visibleScopes(ctx, query);
      const answers = await service.readScopes(ctx, targets, wantsBypass(c.req.raw.headers), query.deploy);

      const errors: EnvelopeError[] = [];
      const messages: string[] = [];
      const certs: Certificate[] = [];
      const now = ctx.deps.now();
      for (const answer of answers) {
        if (!answer.ok) {
          errors.push(scopeError(answer.target, answer.error));
          continue;
        }
        if (answer.read.refreshFailed) {
          const { error } = answer.read;
          const cause = error instanceof AppError ? ` (${error.code}: ${error.message})` : "";
          messages.push(
            `${answer.target.provider} ${answer.target.scope}: upstream failed, served a cached copy ${answer.read.ageSeconds} s old${cause}`,
          );
        }
        messages.push(...service.notesOf(answer.target, answer.read.notes));
        for (const raw of answer.read.items) {
          const cert = service.normalize(answer.target, raw, now, query.include === "raw");
          if (matchesQuery(cert, query)) certs.push(cert);
        }
      }
      // Every scope failed: the failure is the answer (status of the first), not an empty 200.
      const firstFailure = answers.find((a) => !a.ok);
      if (answers.length > 0 && errors.length === answers.length && firstFailure && !firstFailure.ok) {
        throw firstFailure.error;
      }
      certs.sort(byId);
      const page = paginate(certs, query.page, query.per_page);
      const status = mergeCacheStatus(answers.flatMap((a) => (a.ok ? [a.read] : [])));
      c.set("cacheOutcome", status.outcome);
      return c.json(
        successBody(page.items, { result_info: page.info, errors, messages }),
        200,
        cacheHeaders(status),
      );
    })
    .get("/v1/quotas", requireScope("certificates:read"), async (c) => {
      const query = validate(QuotaQuerySchema, queryOf(c), "query");
      const ctx = serviceContext(c);
      if (query.zone) service.authorizeScope(ctx, { provider: "cloudflare", scope: query.zone });
      const targets = service.visibleScopes(ctx, query);
      const bypass = wantsBypass(c.req.raw.headers);
      const settled = await mapSettled(targets, MAX_UPSTREAM_IN_FLIGHT, (t) => service.quota(ctx, t, bypass));
      const result: Quota[] = [];
      const errors: EnvelopeError[] = [];
      const reads: Array<ListRead<Quota>> = [];
      settled.forEach((s, i) => {
        const target = targets[i] as ScopeTarget;
        if (s.status === "fulfilled") {
          if (s.value.cache) reads.push(s.value.cache);
          result.push(...s.value.quotas);
        } else
          errors.push(
            scopeError(
              target,
              s.reason instanceof AppError ? s.reason : new AppError("internal_error", "Internal error"),
            ),
          );
      });
      if (targets.length > 0 && errors.length === targets.length) {
        const first = settled.find((s) => s.status === "rejected");
        if (first?.status === "rejected" && first.reason instanceof AppError) throw first.reason;
      }
      const status = mergeCacheStatus(reads);
      c.set("cacheOutcome", status.outcome);
      return c.json(successBody(result, { errors }), 200, cacheHeaders(status));
    });
}
