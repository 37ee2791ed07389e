/**
 * The write use cases, over both doors: authorized once for their scope, sent once, then the scope's
 * cached list and quota invalidated in the same request, also when the write ended with its outcome
 * unknown (no answer, a reset, a 5xx: it may have happened). Deletions are recorded (state/deletions.ts)
 * so the monitor does not report them as made outside certgate.
 */
import type { ListCache } from "../cache";
import { AppError, isAppError } from "../errors";
import { createLogger } from "../logger";
import { noteCertificate, noteCreated } from "../model/audit-notes";
import { certificateId } from "../model/certificate";
import type { Scope } from "../model/scope";
import type { DeleteOutcome, WriteAnswer } from "../providers/types";
import { recordDeletion, wasDeletedThroughCertgate } from "../state/deletions";
import type { UpstreamContext } from "../upstream/context";
import { requestUpstream, type ServiceContext } from "./context";
import { cacheContext } from "./reads";
import type { ResolvedScope, Scopes } from "./scopes";

/** A body of a unified write, validated by its provider's fragment: its `provider` field names which. */
export type UnifiedBody = Record<string, unknown>;

/** The provider a unified body names (the union of fragments checked it is a registered one). */
function providerOf(body: UnifiedBody): string {
  const { provider } = body;
  if (typeof provider !== "string") {
    throw new AppError("validation_failed", "Invalid body: body.provider", {
      fields: [{ path: "body.provider", message: "is required" }],
    });
  }
  return provider;
}

/**
 * What a native operation does besides its answer. `certificate`: the provider's id of the certificate
 * a write acts on (for the audit record; `deletedId` counts as one).
 */
export type NativeEffect =
  | { write: false }
  | { write: true; deletedId?: string; creates?: string; certificate?: string };

/** The provider's object in a native write answer (its envelope's `result`), when it can be read. */
function createdRaw(target: ResolvedScope, answer: unknown): unknown {
  const result =
    typeof answer === "object" && answer !== null && "result" in answer ? answer.result : undefined;
  return target.instance.parseRaw(result);
}

export function createWrites(scopes: Scopes, cache: ListCache) {
  async function afterWrite(ctx: ServiceContext, scope: Scope): Promise<void> {
    await Promise.all([
      cache.invalidate(cacheContext(ctx), { scope, kind: "list" }),
      cache.invalidate(cacheContext(ctx), { scope, kind: "quota" }),
    ]);
  }

  /** Recorded so the monitor does not report this deletion as one made outside certgate. */
  async function recordDeletionSafely(ctx: ServiceContext, scope: Scope, id: string): Promise<void> {
    await recordDeletion(ctx.config.state, scope, id, ctx.deps.now()).catch((err: unknown) =>
      createLogger(ctx.deps, ctx.config.secrets).log("warn", "deletion_record_failed", {
        request_id: ctx.requestId,
        error: String(err),
      }),
    );
  }

  /**
   * Sends one write for an authorized scope. A creating write (`creates`: order, create, import) that
   * ends with its outcome unknown answers `upstream_outcome_unknown`, which tells the caller to list
   * before retrying; the next list and monitor run read the upstream afresh and show what was created.
   */
  async function write<T>(
    ctx: ServiceContext,
    target: ResolvedScope,
    send: (upstream: UpstreamContext) => Promise<T>,
    creates?: string,
  ): Promise<T> {
    let result: T;
    try {
      result = await send(requestUpstream(ctx, target));
    } catch (err) {
      if (isAppError(err) && err.outcomeUnknown) {
        await afterWrite(ctx, target.scope);
        if (creates !== undefined) throw outcomeUnknown(err, target, creates);
      }
      throw err;
    }
    await afterWrite(ctx, target.scope);
    return result;
  }

  /** The scope a unified create or import body names: its provider's scope field (`zone` or `project`). */
  function bodyScope(body: UnifiedBody): Scope {
    const provider = providerOf(body);
    const kind = scopes.descriptorOf(provider).scopeKind;
    const id = body[kind];
    if (typeof id !== "string") {
      throw new AppError("validation_failed", `Invalid body: body.${kind}`, {
        fields: [{ path: `body.${kind}`, message: `required for provider ${provider}` }],
      });
    }
    return scopes.scopeOf(provider, id);
  }

  return {
    bodyScope,

    create(
      ctx: ServiceContext,
      body: UnifiedBody,
    ): Promise<{ target: ResolvedScope; answer: WriteAnswer<unknown> }> {
      const target = scopes.authorize(ctx, bodyScope(body));
      return write(
        ctx,
        target,
        async (u) => ({
          target,
          answer: noteAnswer(ctx, target, await target.instance.create(u, target.scope.id, body)),
        }),
        target.descriptor.createOperation,
      );
    },

    importCertificate(
      ctx: ServiceContext,
      body: UnifiedBody,
    ): Promise<{ target: ResolvedScope; answer: WriteAnswer<unknown> }> {
      // A provider that cannot import at all is told before anything about the scope is looked at.
      const descriptor = scopes.descriptorOf(providerOf(body));
      if (!descriptor.unified.import) throw cannotImport(descriptor.name, descriptor.label);
      const target = scopes.authorize(ctx, bodyScope(body));
      const importCertificate = target.instance.importCertificate?.bind(target.instance);
      if (!importCertificate) throw cannotImport(descriptor.name, descriptor.label);
      return write(
        ctx,
        target,
        async (u) => ({
          target,
          answer: noteAnswer(ctx, target, await importCertificate(u, target.scope.id, body)),
        }),
        "import",
      );
    },

    update(
      ctx: ServiceContext,
      target: ResolvedScope,
      id: string,
      body: object,
    ): Promise<WriteAnswer<unknown>> {
      noteCertificate(ctx.notes, target.scope, id);
      return write(ctx, target, (u) => target.instance.update(u, target.scope.id, id, body));
    },

    requestValidation(ctx: ServiceContext, target: ResolvedScope, id: string): Promise<WriteAnswer<unknown>> {
      noteCertificate(ctx.notes, target.scope, id);
      return write(ctx, target, (u) => target.instance.requestValidation(u, target.scope.id, id));
    },

    async remove(ctx: ServiceContext, target: ResolvedScope, id: string): Promise<DeleteOutcome> {
      const { scope } = target;
      noteCertificate(ctx.notes, scope, id);
      let outcome: DeleteOutcome;
      try {
        outcome = await target.instance.remove(requestUpstream(ctx, target), scope.id, id);
      } catch (err) {
        // A repeated DELETE of something certgate deleted: a provider may forget a deleted certificate at
        // once or purge it after a while, so the upstream says 404; certgate's own deletion marker
        // (state/deletions.ts) says it is gone, which is what an idempotent DELETE reports.
        if (
          err instanceof AppError &&
          err.code === "not_found" &&
          (await wasDeletedThroughCertgate(ctx.config.state, scope, id))
        ) {
          return { id: certificateId(scope.provider, scope.id, id), already_deleted: true, messages: [] };
        }
        // It may have been deleted: the cached list must not keep showing it.
        if (isAppError(err) && err.outcomeUnknown) await afterWrite(ctx, scope);
        throw err;
      }
      await recordDeletionSafely(ctx, scope, id);
      await afterWrite(ctx, scope);
      return outcome;
    },

    /**
     * A native pass-through operation: authorized and scoped like every other, run with certgate's
     * upstream context; writes invalidate the scope's list, deletes are recorded for the monitor.
     */
    async native<T>(
      ctx: ServiceContext,
      scope: Scope,
      operation: (upstream: UpstreamContext) => Promise<T>,
      effect: NativeEffect,
    ): Promise<T> {
      const target = scopes.authorize(ctx, scope);
      if (!effect.write) {
        return operation(requestUpstream(ctx, target));
      }
      const { deletedId } = effect;
      const acted = effect.certificate ?? deletedId;
      if (acted !== undefined) noteCertificate(ctx.notes, scope, acted);
      return write(
        ctx,
        target,
        async (upstream) => {
          const result = await operation(upstream);
          if (deletedId) await recordDeletionSafely(ctx, scope, deletedId);
          if (effect.creates !== undefined && ctx.notes) {
            const raw = createdRaw(target, result);
            if (raw !== null) noteCreated(ctx.notes, { scope, id: target.instance.rawId(raw) });
          }
          return result;
        },
        effect.creates,
      );
    },
  };
}

/** Notes what a unified create or import created (when the answer named it), and passes the answer on. */
function noteAnswer(
  ctx: ServiceContext,
  target: ResolvedScope,
  answer: WriteAnswer<unknown>,
): WriteAnswer<unknown> {
  if (ctx.notes && answer.raw !== null) {
    noteCreated(ctx.notes, { scope: target.scope, id: target.instance.rawId(answer.raw) });
  }
  return answer;
}

/** A provider that cannot import certificates (it has no import fragment). */
function cannotImport(provider: string, label: string): AppError {
  return new AppError("not_supported_by_provider", `${label} certificates cannot be imported`, { provider });
}

/** A creating write that may or may not have happened: list before retrying, or it may happen twice. */
function outcomeUnknown(err: AppError, target: ResolvedScope, what: string): AppError {
  const { scope, descriptor } = target;
  const param = scope.kind;
  const details: AppError["details"] = { provider: scope.provider, scope: scope.id };
  if (err.details.upstream_code !== undefined) details.upstream_code = err.details.upstream_code;
  return new AppError(
    "upstream_outcome_unknown",
    `${descriptor.label} did not confirm the ${what} (${err.message}): it may or may not have been carried out. ` +
      `List the ${param}'s certificates (GET /v1/certificates?${param}=${scope.id}) before retrying, ` +
      `or the ${what} may happen twice`,
    details,
    undefined,
    { cause: err },
  );
}
