/**
 * An operation as `GET /v1/operations/{id}` shows it: the ledger record with ISO times, the unified
 * certificate ids of both packs, and what happens to the replacement when the rotation did not finish.
 */
import { certificateId } from "../model/certificate";
import type { OperationRecord } from "./operation";

export function operationView(record: OperationRecord) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const unfinished = record.state === "failed" || record.state === "cancelled";
  return {
    id: record.id,
    kind: "rotation" as const,
    provider: record.provider,
    zone: record.zone,
    state: record.state,
    reason: record.reason,
    message: record.message,
    old_certificate: {
      id: certificateId(record.provider, record.zone, record.old_pack_id),
      hosts: record.hosts,
      deleted: record.state === "done",
    },
    new_certificate:
      record.new_pack_id === null
        ? null
        : {
            id: certificateId(record.provider, record.zone, record.new_pack_id),
            provider_status: record.new_pack_status,
            left_in_place: unfinished,
          },
    validation_records: record.validation_records,
    dcv_delegation_records: record.dcv_delegation_records,
    validation_deadline: iso(record.validation_deadline),
    created_at: iso(record.created_at),
    updated_at: iso(record.updated_at),
    history: record.history.map((h) => ({ state: h.state, at: iso(h.at) })),
  };
}
