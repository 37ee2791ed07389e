/**
 * Where the engine writes an operation's visible state, and the one place a cancel and the engine meet:
 * both go through `move`, which the ledger applies atomically (ledger.ts). Moving to `deleting_old` is
 * the engine's claim on the delete: it succeeds only while the operation is `active` (or already
 * `deleting_old`, on a repeat), and a cancel succeeds only before it. So an operation is either
 * cancelled or deletes the old pack, never both.
 */
import type { OperationRecord, Transition } from "./operation";

export interface RotationJournal {
  read(): Promise<OperationRecord>;
  /**
   * Applies `transition` when `canMove(current, transition.state)`, and returns the record as it stands
   * after, moved or not. A `new_pack_id` is kept even when the move is refused, if none was known: a
   * replacement ordered just before a cancel is still named.
   */
  move(transition: Transition): Promise<OperationRecord>;
}
