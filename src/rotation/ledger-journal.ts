/** The engine's journal over the zone's RotationLedger object (ledger.ts), for one operation. */
import type { RotationJournal } from "./journal";
import type { RotationLedger } from "./ledger";
import type { OperationRecord } from "./operation";

export function ledgerFor(
  namespace: DurableObjectNamespace<RotationLedger>,
  zone: string,
): DurableObjectStub<RotationLedger> {
  return namespace.get(namespace.idFromName(zone));
}

export function ledgerJournal(
  ledger: DurableObjectStub<RotationLedger>,
  operationId: string,
): RotationJournal {
  return {
    async read(): Promise<OperationRecord> {
      const record = await ledger.read(operationId);
      if (record === null) throw new Error(`the ledger has no operation ${operationId}`);
      return record;
    },
    move: (transition) => ledger.move(operationId, transition),
  };
}
