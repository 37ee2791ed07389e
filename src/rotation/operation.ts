/**
 * A rotation operation as callers see it (`GET /v1/operations/{id}`): its state, why it failed, and
 * what the caller must publish while the replacement waits for validation.
 *
 *   ordering -> awaiting_validation -> active -> deleting_old -> done
 *        \              \                \              \
 *         +--------------+----------------+--> failed    +--> failed (the DELETE was refused)
 *         +--------------+----------------+--> cancelled (never from deleting_old)
 *
 * `done`, `failed` and `cancelled` are final. Cancelling never deletes the old pack, and neither does a
 * failure: the old pack stays until the engine has seen the replacement active and covering its hosts.
 * A replacement already ordered is left in place and named in `new_pack_id`.
 */
import * as z from "zod";

export const ROTATION_STATES = [
  "ordering",
  "awaiting_validation",
  "active",
  "deleting_old",
  "done",
  "failed",
  "cancelled",
] as const;
export type RotationState = (typeof ROTATION_STATES)[number];

export const FINAL_STATES: readonly RotationState[] = ["done", "failed", "cancelled"];
/** States a cancel may end: before the engine committed to deleting the old pack. */
export const CANCELLABLE_STATES: readonly RotationState[] = ["ordering", "awaiting_validation", "active"];

export function isFinal(state: RotationState): boolean {
  return FINAL_STATES.includes(state);
}

export const FAILURE_REASONS = [
  /** The replacement did not validate before the DCV tokens (or the configured wait) ran out. */
  "validation_timed_out",
  /** The replacement ended in a status it cannot leave by itself (a *_timed_out, deleted, expired...). */
  "new_pack_failed",
  /** The replacement is active but lacks some host of the old pack. */
  "hosts_not_covered",
  /** The old pack was deleted, or its hosts changed, while the rotation ran. */
  "old_pack_changed",
  /** No room in the zone's advanced quota for the replacement. */
  "quota_exhausted",
  /** The upstream kept failing, or refused a request. */
  "upstream_error",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** A DNS or HTTP record the replacement needs published (Cloudflare's validation record shape). */
export const ValidationRecordSchema = z.object({
  txt_name: z.string().optional(),
  txt_value: z.string().optional(),
  http_url: z.string().optional(),
  http_body: z.string().optional(),
  cname: z.string().optional(),
  cname_target: z.string().optional(),
  emails: z.array(z.string()).optional(),
  status: z.string().optional(),
});

const Instant = z.number().int().nonnegative();

export const OperationRecordSchema = z.object({
  id: z.string(),
  /** The provider that rotates the pack. */
  provider: z.string(),
  zone: z.string(),
  old_pack_id: z.string(),
  new_pack_id: z.string().nullable(),
  state: z.enum(ROTATION_STATES),
  reason: z.enum(FAILURE_REASONS).nullable(),
  /** Human-readable detail of a failure or a cancel. Never an upstream body or a secret. */
  message: z.string().nullable(),
  /** The old pack's hosts: what the replacement must cover. */
  hosts: z.array(z.string()),
  /** The replacement's upstream status as last seen. */
  new_pack_status: z.string().nullable(),
  /** What to publish for DCV: set while the replacement is pending_validation. */
  validation_records: z.array(ValidationRecordSchema),
  /** The delegated-DCV alternative to `validation_records` (CNAMEs to Cloudflare), when offered. */
  dcv_delegation_records: z.array(ValidationRecordSchema),
  /** When the engine stops waiting for validation (epoch ms), once known. */
  validation_deadline: Instant.nullable(),
  created_at: Instant,
  updated_at: Instant,
  /** Every state entered, in order (the same state is listed once per entry). */
  history: z.array(z.object({ state: z.enum(ROTATION_STATES), at: Instant })),
});
export type OperationRecord = z.infer<typeof OperationRecordSchema>;

/** What the engine reports when it moves an operation; the ledger applies it (ledger.ts). */
export const TransitionSchema = z.object({
  state: z.enum(ROTATION_STATES),
  now: Instant,
  new_pack_id: z.string().optional(),
  new_pack_status: z.string().nullable().optional(),
  validation_records: z.array(ValidationRecordSchema).optional(),
  dcv_delegation_records: z.array(ValidationRecordSchema).optional(),
  validation_deadline: Instant.optional(),
  reason: z.enum(FAILURE_REASONS).optional(),
  message: z.string().max(500).optional(),
});
export type Transition = z.infer<typeof TransitionSchema>;

/**
 * Whether `to` may follow `from`. A repeat of the current state is allowed (a step that re-runs after a
 * restart reports again); `deleting_old` only follows `active`, and only a final state follows it.
 */
export function canMove(from: RotationState, to: RotationState): boolean {
  if (isFinal(from)) return false;
  if (to === "cancelled") return CANCELLABLE_STATES.includes(from);
  if (from === "deleting_old") return to === "deleting_old" || to === "done" || to === "failed";
  if (to === "deleting_old") return from === "active";
  if (to === "done") return false;
  return true;
}
