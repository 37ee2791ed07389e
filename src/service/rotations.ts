/**
 * Rotation use cases (docs/writes.md "Rotation"): start one for a certificate whose provider has the
 * rotation capability, read an operation, cancel it. The engine, its ledger and its Workflow live in
 * src/rotation/; the provider's port comes from its module (providers/<name>/), reached through the
 * configured provider, so nothing here names a provider.
 *
 * Authorization: the certificate's scope for a start (403, then 404, like every use case); for an
 * operation, the zone its id names, checked before the ledger is read, so a 403 never says whether the
 * operation exists.
 */
import { assertAllowed } from "../auth/authorize";
import type { Config } from "../config/load";
import type { Deps } from "../deps";
import { AppError, isAppError } from "../errors";
import { type AuditNotes, noteCertificate, noteCreated } from "../model/audit-notes";
import { certificateId } from "../model/certificate";
import type { Registry } from "../providers/types";
import { cancelRotation } from "../rotation/cancel";
import { newOperationId, zoneOfOperation } from "../rotation/ids";
import type { RotationJournal } from "../rotation/journal";
import { ledgerFor } from "../rotation/ledger-journal";
import type { OperationRecord } from "../rotation/operation";
import type { RotationParams } from "../rotation/params";
import { isPortError, type RotationPort } from "../rotation/port";
import { type StartRefusal, startRotation } from "../rotation/start";
import { operationView } from "../rotation/view";
import { type AuditRecord, appendAudit } from "./audit";
import type { CertificateRef } from "./certificates";
import { ROTATION_CALLER, requestUpstream, type ServiceContext, upstreamContext } from "./context";
import { createScopes } from "./scopes";

export type OperationView = ReturnType<typeof operationView>;

/** Operation ids embed a 32-hex zone (rotation/ids.ts); a provider with rotation has such scopes. */
const ZONE_ID = /^[0-9a-f]{32}$/;

/** The rotation port of a configured provider, or null when it has no rotation capability. */
export function rotationPortFor(
  config: Config,
  deps: Deps,
  provider: string,
  requestId: string,
): RotationPort | null {
  const configured = config.providers.find((p) => p.descriptor.name === provider);
  if (!configured?.rotation) return null;
  const rotation = configured.rotation;
  return rotation(() => upstreamContext({ deps, config, requestId }, configured, ROTATION_CALLER));
}

/** The provider layer's own error behind a port failure: the API answers it as any upstream error. */
function unwrap(error: unknown): unknown {
  return isPortError(error) && isAppError(error.cause) ? error.cause : error;
}

function refusal(refused: StartRefusal): AppError {
  switch (refused.code) {
    case "not_found":
      return new AppError("not_found", capitalized(refused.message));
    case "not_replaceable":
      return new AppError("conflict", `This certificate cannot be rotated: ${refused.message}`);
    case "quota_exhausted":
      return new AppError("quota_exhausted", capitalized(refused.message));
    case "rotation_in_progress":
      return new AppError(
        "rotation_in_progress",
        capitalized(refused.message),
        refused.operation ? { operation_id: refused.operation.id } : {},
      );
  }
}

function capitalized(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

function noteOperation(notes: AuditNotes | undefined, record: OperationRecord): void {
  noteCertificate(notes, { provider: record.provider, kind: "zone", id: record.zone }, record.old_pack_id);
}

export function createRotations(registry: Registry) {
  const scopes = createScopes(registry);

  /** The operation `id` names, after the caller's zone grant; 404 when it is not (or no longer) kept. */
  async function load(ctx: ServiceContext, id: string): Promise<OperationRecord> {
    const zone = zoneOfOperation(id);
    if (zone === null) throw new AppError("not_found", "No such operation");
    assertAllowed(ctx.principal, { kind: "zone", id: zone });
    const record = await ledgerFor(ctx.config.rotation.ledger, zone).read(id);
    if (record === null) throw new AppError("not_found", `Operation ${id} not found`);
    noteOperation(ctx.notes, record);
    return record;
  }

  return {
    /**
     * Starts a rotation: 403/404 for the certificate's scope, 422 for a provider without the capability,
     * then the engine's refusals (start.ts): 404 unknown pack, 409 not replaceable, 409 quota_exhausted,
     * 409 rotation_in_progress. The Workflow instance does the rest.
     */
    async start(ctx: ServiceContext, ref: CertificateRef): Promise<OperationView> {
      const target = scopes.authorize(ctx, ref.scope);
      noteCertificate(ctx.notes, ref.scope, ref.id);
      const { descriptor } = target;
      if (!target.rotation || !ZONE_ID.test(ref.scope.id)) {
        throw new AppError(
          "not_supported_by_provider",
          `${descriptor.label} certificates cannot be rotated by certgate: its API does not let certgate guarantee that the old certificate stays until the new one serves every host (docs/writes.md)`,
          { provider: descriptor.name },
        );
      }
      const operationId = newOperationId(ref.scope.id);
      const requestedBy = { actor: ctx.principal.name, via: ctx.principal.via };
      let result: Awaited<ReturnType<typeof startRotation>>;
      try {
        result = await startRotation({
          port: target.rotation(() => requestUpstream(ctx, target)),
          ledger: ledgerFor(ctx.config.rotation.ledger, ref.scope.id),
          workflow: ctx.config.rotation.workflow,
          operationId,
          provider: descriptor.name,
          zone: ref.scope.id,
          oldPackId: ref.id,
          settings: ctx.config.rotation.settings,
          now: ctx.deps.now(),
          requestedBy,
        });
      } catch (error) {
        throw unwrap(error);
      }
      if (result.refused) throw refusal(result);
      noteCreated(ctx.notes, operationId);
      return operationView(result.operation);
    },

    async read(ctx: ServiceContext, id: string): Promise<OperationView> {
      return operationView(await load(ctx, id));
    },

    /**
     * Cancels before the engine claims the delete; never deletes anything. Cancelling a cancelled
     * operation answers it again (DELETE is idempotent); one that is done, failed or already deleting
     * the old pack is a 409 with its state.
     */
    async cancel(ctx: ServiceContext, id: string): Promise<OperationView> {
      const record = await load(ctx, id);
      const zone = record.zone;
      const answer = await cancelRotation({
        ledger: ledgerFor(ctx.config.rotation.ledger, zone),
        workflow: ctx.config.rotation.workflow,
        operationId: id,
        now: ctx.deps.now(),
      });
      if (answer.outcome === "not_found") throw new AppError("not_found", `Operation ${id} not found`);
      const current = answer.record;
      if (answer.outcome === "cancelled" || current.state === "cancelled") return operationView(current);
      const why =
        answer.outcome === "too_late"
          ? "the replacement is active and the old pack is being deleted"
          : `the operation already ended ${current.state}`;
      throw new AppError("conflict", `Too late to cancel: ${why}`, { current_status: current.state });
    },
  };
}

export type Rotations = ReturnType<typeof createRotations>;

export interface AuditedJournalInput {
  deps: Deps;
  config: Config;
  operationId: string;
  provider: string;
  zone: string;
  oldPackId: string;
  requestedBy: RotationParams["requested_by"] | null;
}

/**
 * The engine's journal, recording in the audit log the two writes a rotation makes upstream: the order
 * of the replacement (when the ledger first names it) and the delete of the old pack (when the operation
 * is done). Record ids derive from the operation, so a step that runs again appends nothing new.
 */
export function auditedJournal(journal: RotationJournal, input: AuditedJournalInput): RotationJournal {
  const { deps, config, operationId, provider, zone } = input;
  const unified = (pack: string) => certificateId(provider, zone, pack);
  const record = (
    suffix: string,
    action: string,
    method: string,
    fields: Pick<AuditRecord, "certificate_id" | "created_id">,
  ): AuditRecord => ({
    id: `${operationId}.${suffix}`,
    at: deps.now(),
    actor: input.requestedBy?.actor ?? "certgate",
    actor_via: input.requestedBy?.via ?? "none",
    action,
    method,
    door: "workflow",
    provider,
    scope: zone,
    ...fields,
    outcome: { status: 200, code: null, upstream_request_id: null },
    request_id: operationId,
    idempotency_key: null,
  });
  return {
    read: () => journal.read(),
    async move(transition) {
      const after = await journal.move(transition);
      const records: AuditRecord[] = [];
      if (transition.new_pack_id !== undefined && after.new_pack_id === transition.new_pack_id) {
        records.push(
          record("order", "rotation.order", "POST", {
            certificate_id: unified(input.oldPackId),
            created_id: unified(transition.new_pack_id),
          }),
        );
      }
      if (transition.state === "done" && after.state === "done") {
        records.push(
          record("delete", "rotation.delete_old", "DELETE", {
            certificate_id: unified(input.oldPackId),
            created_id: after.new_pack_id === null ? null : unified(after.new_pack_id),
          }),
        );
      }
      await appendAudit(deps, config, records);
      return after;
    },
  };
}
