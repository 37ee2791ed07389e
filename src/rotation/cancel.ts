/**
 * Cancelling a rotation (`DELETE /v1/operations/{id}`). The ledger decides (ledger.ts `cancel`): before
 * the engine claimed the delete, the operation ends `cancelled`; after, it is too late. A cancel never
 * deletes anything: the old pack stays, and a replacement already ordered is left in place and named.
 *
 * The instance: once the replacement is known, it is only reading and waiting, so it is terminated at
 * once. Before that, an order may be on its way upstream; the instance is left to reach its next step,
 * where it sees the cancel, records the replacement's id if one was ordered, and ends by itself.
 */
import type { CancelResult, RotationLedger } from "./ledger";
import type { RotationParams } from "./params";

export type CancelAnswer =
  | (CancelResult & { instance: "terminated" | "ends_at_next_step" | "unchanged" })
  | { outcome: "not_found" };

export async function cancelRotation(input: {
  ledger: DurableObjectStub<RotationLedger>;
  workflow: Workflow<RotationParams>;
  operationId: string;
  now: number;
}): Promise<CancelAnswer> {
  const result = await input.ledger.cancel(input.operationId, input.now);
  if (result === null) return { outcome: "not_found" };
  if (result.outcome !== "cancelled") return { ...result, instance: "unchanged" };
  if (result.record.new_pack_id === null) return { ...result, instance: "ends_at_next_step" };
  try {
    const instance = await input.workflow.get(input.operationId);
    await instance.terminate();
    return { ...result, instance: "terminated" };
  } catch {
    // Already finished, or not reachable now: it ends at its next step, which reads the cancel.
    return { ...result, instance: "ends_at_next_step" };
  }
}
