/**
 * Starting a rotation: the refusals a caller gets at once (the pack is unknown or cannot be replaced,
 * the zone's quota has no room, the pack is already being rotated), then the ledger record, then the
 * Workflow instance. The engine checks the pack and the quota again in its own steps: minutes or a
 * restart may separate the two.
 */
import type { RotationLedger } from "./ledger";
import type { OperationRecord } from "./operation";
import type { RotationParams } from "./params";
import type { RotationPort } from "./port";
import { hasRoom, replaceable } from "./rules";
import type { RotationSettings } from "./settings";

export type RefusalCode = "not_found" | "not_replaceable" | "quota_exhausted" | "rotation_in_progress";

/** A refusal before anything was written. `status`: the HTTP status the API answers it with. */
export type StartRefusal = {
  refused: true;
  code: RefusalCode;
  status: 404 | 409;
  message: string;
  /** For rotation_in_progress: the operation already running. */
  operation?: OperationRecord;
};

export type StartResult = { refused: false; operation: OperationRecord } | StartRefusal;

export interface StartInput {
  port: RotationPort;
  ledger: DurableObjectStub<RotationLedger>;
  workflow: Workflow<RotationParams>;
  operationId: string;
  /** The provider whose rotation capability `port` is. */
  provider: string;
  zone: string;
  oldPackId: string;
  settings: RotationSettings;
  now: number;
  /** Who asked: the audit records of the instance's own writes name them. */
  requestedBy?: RotationParams["requested_by"];
}

/** Port failures (PortError) are thrown: the caller answers them as upstream errors. */
export async function startRotation(input: StartInput): Promise<StartResult> {
  const { port, zone, oldPackId } = input;
  const old = await port.getPack(zone, oldPackId);
  if (old === null) {
    return {
      refused: true,
      code: "not_found",
      status: 404,
      message: `pack ${oldPackId} not found in zone ${zone}`,
    };
  }
  const verdict = replaceable(old);
  if (!verdict.ok) return { refused: true, code: "not_replaceable", status: 409, message: verdict.message };
  const quota = await port.quota(zone);
  if (!hasRoom(quota)) {
    return {
      refused: true,
      code: "quota_exhausted",
      status: 409,
      message: `the zone's advanced certificate quota has no room for the replacement (${quota.used} of ${quota.allocated} used)`,
    };
  }
  const begun = await input.ledger.begin({
    id: input.operationId,
    provider: input.provider,
    zone,
    old_pack_id: oldPackId,
    hosts: verdict.order.hosts,
    now: input.now,
  });
  if (!begun.started) {
    return {
      refused: true,
      code: "rotation_in_progress",
      status: 409,
      message: `pack ${oldPackId} is already being rotated by ${begun.live.id}`,
      operation: begun.live,
    };
  }
  try {
    await input.workflow.create({
      id: input.operationId,
      params: {
        provider: input.provider,
        zone,
        old_pack_id: oldPackId,
        settings: input.settings,
        requested_by: input.requestedBy,
      },
    });
  } catch (error) {
    // No instance runs it: end the record, so the pack is not held by an operation nobody executes.
    await input.ledger.move(input.operationId, {
      state: "failed",
      reason: "upstream_error",
      message: "the rotation could not be started",
      now: input.now,
    });
    throw error;
  }
  return { refused: false, operation: begun.record };
}
