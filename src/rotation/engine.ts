/**
 * The rotation engine: replaces one certificate pack without a moment in which its hosts have no
 * certificate. Steps (each a named, repeatable step of the runner):
 *
 *   read-old-pack      the old pack must be replaceable; note which packs exist now
 *   check-quota        room for one more pack, else failed(quota_exhausted) before any order
 *   order-replacement  same hosts, authority, validity, method; after a lost answer, find it instead
 *   poll-N / wait-N    until the replacement is active; records to publish while pending_validation;
 *                      failed(validation_timed_out) at the deadline
 *   check-coverage     the active replacement has every host of the old pack
 *   delete-old-pack    check again, claim the delete in the journal, delete the old pack
 *
 * The guarantees, each kept by one rule:
 * - The old pack is deleted only by `delete-old-pack`, after it has read the replacement active and
 *   covering the old hosts and then won the journal's claim (`deleting_old`), which a cancel cannot
 *   follow. A failure, a cancel or a refusal never deletes anything.
 * - At most one replacement is ordered: `order-replacement` first takes the id the journal holds, then
 *   looks for a pack that did not exist at `read-old-pack` and matches the order, and orders only when
 *   neither exists. A lost answer (restart, reset, 5xx) leaves a pack that the next attempt finds.
 * - Every step may run again (retry or restart) with the same effect: reads, journal moves that repeat
 *   the current state, the find-before-order above, and a delete that accepts "already deleted" once
 *   the claim is held.
 */
import type { RotationJournal } from "./journal";
import { type FailureReason, isFinal, type OperationRecord, type Transition } from "./operation";
import { isPortError, type OrderRequest, type PackView, type PortError, type RotationPort } from "./port";
import {
  findReplacement,
  hasRoom,
  isDeleting,
  missingHosts,
  pollDelayMs,
  progressOf,
  replaceable,
  validationDeadline,
} from "./rules";
import { isStepExhausted, type StepRunner } from "./runner";
import { MAX_POLLS, type RotationSettings } from "./settings";

export interface RotationInput {
  operationId: string;
  zone: string;
  oldPackId: string;
  settings: RotationSettings;
}

export interface EngineDeps {
  port: RotationPort;
  journal: RotationJournal;
  runner: StepRunner;
  /** Epoch ms. Read inside steps only, so a restarted run sees the times its steps kept. */
  now: () => number;
}

/** How a rotation ended (the Workflow's output). */
export type RotationOutcome = {
  state: "done" | "failed" | "cancelled";
  reason: FailureReason | null;
  message: string | null;
  /** The replacement, when one was ordered; after a failure or a cancel it is left in place. */
  new_pack_id: string | null;
};

type Final = { kind: "final" } & RotationOutcome;
type Planned = {
  kind: "ready";
  order: OrderRequest;
  /** Packs of the zone when the rotation began: none of them is the replacement. */
  existing: string[];
  deadline: number;
};
type Ordered = { kind: "ordered"; newPackId: string; adopted: boolean };
type Polled = { kind: "serving" } | { kind: "waiting"; at: number };

function finalOf(record: OperationRecord): Final {
  const state = record.state === "done" || record.state === "cancelled" ? record.state : "failed";
  return {
    kind: "final",
    state,
    reason: state === "failed" ? (record.reason ?? "upstream_error") : null,
    message: record.message,
    new_pack_id: record.new_pack_id,
  };
}

/** A port call whose refusal is an answer: transient failures (and bugs) are thrown for the runner to retry. */
async function ask<T>(
  call: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: PortError }> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (isPortError(error) && error.kind !== "transient") return { ok: false, error };
    throw error;
  }
}

export async function runRotation(input: RotationInput, deps: EngineDeps): Promise<RotationOutcome> {
  try {
    const final = await rotate(input, deps);
    return {
      state: final.state,
      reason: final.reason,
      message: final.message,
      new_pack_id: final.new_pack_id,
    };
  } catch (error) {
    if (!isStepExhausted(error)) throw error;
    const failed = await deps.runner.do("record-failure", () =>
      fail(deps, "upstream_error", exhaustedMessage(error.step, error.message)),
    );
    return {
      state: failed.state,
      reason: failed.reason,
      message: failed.message,
      new_pack_id: failed.new_pack_id,
    };
  }
}

function exhaustedMessage(step: string, message: string): string {
  // An order whose every answer was lost may still have landed: the caller is told where to look.
  const hint =
    step === "order-replacement" ? "; an order may have reached the upstream: list the zone's packs" : "";
  return `${step} kept failing: ${message.slice(0, 300)}${hint}`;
}

/** Moves the journal; a record that is (or becomes) final ends the rotation with it. */
async function move(deps: EngineDeps, transition: Omit<Transition, "now">): Promise<Final | null> {
  const record = await deps.journal.move({ ...transition, now: deps.now() });
  if (isFinal(record.state)) return finalOf(record);
  if (record.state !== transition.state) {
    throw new Error(`the operation is ${record.state} and cannot become ${transition.state}`);
  }
  return null;
}

async function fail(deps: EngineDeps, reason: FailureReason, message: string): Promise<Final> {
  const record = await deps.journal.move({ state: "failed", reason, message, now: deps.now() });
  return finalOf(record);
}

/** The journal's record when the operation already ended (a cancel, or a run that is a repeat). */
async function ended(deps: EngineDeps): Promise<Final | null> {
  const record = await deps.journal.read();
  return isFinal(record.state) ? finalOf(record) : null;
}

async function rotate(input: RotationInput, deps: EngineDeps): Promise<Final> {
  const { runner } = deps;
  const plan = await runner.do("read-old-pack", () => readOldPack(input, deps));
  if (plan.kind === "final") return plan;

  const quota = await runner.do("check-quota", () => checkQuota(input, deps));
  if (quota.kind === "final") return quota;

  const ordered = await runner.do("order-replacement", () => orderReplacement(input, deps, plan));
  if (ordered.kind === "final") return ordered;

  for (let n = 1; ; n += 1) {
    const polled = await runner.do(`poll-${n}`, () => poll(input, deps, plan, ordered.newPackId, n));
    if (polled.kind === "final") return polled;
    if (polled.kind === "serving") break;
    const backoff = pollDelayMs(n, input.settings.pollInitialMs, input.settings.pollMaxMs);
    // The last poll lands on the deadline rather than up to one backoff past it.
    await runner.sleep(`wait-${n}`, Math.max(1_000, Math.min(backoff, plan.deadline - polled.at)));
  }

  const covered = await runner.do("check-coverage", () =>
    checkCoverage(input, deps, plan, ordered.newPackId),
  );
  if (covered.kind === "final") return covered;

  return runner.do("delete-old-pack", () => deleteOldPack(input, deps, plan, ordered.newPackId));
}

async function readOldPack(input: RotationInput, deps: EngineDeps): Promise<Planned | Final> {
  const done = await ended(deps);
  if (done) return done;
  const old = await ask(() => deps.port.getPack(input.zone, input.oldPackId));
  if (!old.ok) return fail(deps, "upstream_error", `reading the old pack failed: ${old.error.message}`);
  if (old.value === null) return fail(deps, "old_pack_changed", "the old pack no longer exists");
  const verdict = replaceable(old.value);
  if (!verdict.ok)
    return fail(deps, "old_pack_changed", `the old pack cannot be replaced: ${verdict.message}`);
  const packs = await ask(() => deps.port.listPacks(input.zone));
  if (!packs.ok)
    return fail(deps, "upstream_error", `listing the zone's packs failed: ${packs.error.message}`);
  const deadline = validationDeadline(
    deps.now(),
    verdict.order.certificateAuthority,
    input.settings.validationTimeoutMs,
  );
  const moved = await move(deps, { state: "ordering", validation_deadline: deadline });
  if (moved) return moved;
  return { kind: "ready", order: verdict.order, existing: packs.value.map((p) => p.id), deadline };
}

async function checkQuota(input: RotationInput, deps: EngineDeps): Promise<{ kind: "room" } | Final> {
  const done = await ended(deps);
  if (done) return done;
  const quota = await ask(() => deps.port.quota(input.zone));
  if (!quota.ok)
    return fail(deps, "upstream_error", `reading the zone's quota failed: ${quota.error.message}`);
  if (!hasRoom(quota.value)) return fail(deps, "quota_exhausted", quotaMessage(quota.value));
  return { kind: "room" };
}

function quotaMessage(quota: { allocated: number | null; used: number | null }): string {
  return `the zone's advanced certificate quota has no room (${quota.used} of ${quota.allocated} used); delete a pack or raise the quota`;
}

async function orderReplacement(
  input: RotationInput,
  deps: EngineDeps,
  plan: Planned,
): Promise<Ordered | Final> {
  const record = await deps.journal.read();
  if (record.state === "cancelled" && record.new_pack_id === null) return nameLeftover(input, deps, plan);
  if (isFinal(record.state)) return finalOf(record);
  let pack: PackView | null = null;
  let adopted = true;
  const knownId = record.new_pack_id;
  if (knownId !== null) {
    // An earlier attempt ordered and recorded it, then lost its result: that pack is the replacement,
    // and no other is ever ordered, even if it is gone.
    const known = await ask(() => deps.port.getPack(input.zone, knownId));
    if (!known.ok)
      return fail(deps, "upstream_error", `reading the replacement failed: ${known.error.message}`);
    if (known.value === null)
      return fail(deps, "new_pack_failed", `the replacement ${knownId} no longer exists`);
    pack = known.value;
  } else {
    const packs = await ask(() => deps.port.listPacks(input.zone));
    if (!packs.ok)
      return fail(deps, "upstream_error", `listing the zone's packs failed: ${packs.error.message}`);
    pack = findReplacement(packs.value, plan.order, plan.existing);
  }
  if (pack === null) {
    adopted = false;
    // The last look before the only write that cannot be taken back: a cancel that came in meanwhile wins.
    const latest = await deps.journal.read();
    if (isFinal(latest.state)) return finalOf(latest);
    const placed = await ask(() => deps.port.order(input.zone, plan.order));
    if (!placed.ok) {
      // The upstream's quota code is not documented: a refused order with a full quota is a full quota.
      const quota = await ask(() => deps.port.quota(input.zone));
      if (quota.ok && !hasRoom(quota.value)) return fail(deps, "quota_exhausted", quotaMessage(quota.value));
      return fail(deps, "upstream_error", `the order was refused: ${placed.error.message}`);
    }
    pack = placed.value;
  }
  const moved = await move(deps, {
    state: "awaiting_validation",
    new_pack_id: pack.id,
    new_pack_status: pack.status,
    validation_records: pack.validationRecords,
    dcv_delegation_records: pack.dcvDelegationRecords,
  });
  if (moved) return moved;
  return { kind: "ordered", newPackId: pack.id, adopted };
}

/**
 * Cancelled before this step kept its result: an earlier attempt may have ordered all the same (its
 * answer lost). That replacement is left in place, but named, so the caller knows it exists.
 */
async function nameLeftover(input: RotationInput, deps: EngineDeps, plan: Planned): Promise<Final> {
  const packs = await deps.port.listPacks(input.zone);
  const leftover = findReplacement(packs, plan.order, plan.existing);
  if (leftover === null) return finalOf(await deps.journal.read());
  return finalOf(await deps.journal.move({ state: "cancelled", new_pack_id: leftover.id, now: deps.now() }));
}

async function poll(
  input: RotationInput,
  deps: EngineDeps,
  plan: Planned,
  newPackId: string,
  n: number,
): Promise<Polled | Final> {
  const done = await ended(deps);
  if (done) return done;
  const read = await ask(() => deps.port.getPack(input.zone, newPackId));
  if (!read.ok) return fail(deps, "upstream_error", `reading the replacement failed: ${read.error.message}`);
  const pack = read.value;
  if (pack === null) return fail(deps, "new_pack_failed", `the replacement ${newPackId} no longer exists`);
  const progress = progressOf(pack);
  if (progress.kind === "serving") {
    const moved = await move(deps, {
      state: "active",
      new_pack_status: pack.status,
      validation_records: [],
      dcv_delegation_records: [],
    });
    return moved ?? { kind: "serving" };
  }
  if (progress.kind === "failed") return fail(deps, progress.reason, progress.message);
  const at = deps.now();
  if (at >= plan.deadline || n >= MAX_POLLS) {
    return fail(
      deps,
      "validation_timed_out",
      `the replacement was still ${pack.status ?? "pending"} at the deadline ${new Date(plan.deadline).toISOString()}`,
    );
  }
  const moved = await move(deps, {
    state: "awaiting_validation",
    new_pack_status: pack.status,
    validation_records: pack.validationRecords,
    dcv_delegation_records: pack.dcvDelegationRecords,
  });
  return moved ?? { kind: "waiting", at };
}

/** The replacement as read now: serving and covering every old host, or the failure that stops the rotation. */
async function verifyReplacement(
  input: RotationInput,
  deps: EngineDeps,
  hosts: readonly string[],
  newPackId: string,
): Promise<Final | null> {
  const read = await ask(() => deps.port.getPack(input.zone, newPackId));
  if (!read.ok) return fail(deps, "upstream_error", `reading the replacement failed: ${read.error.message}`);
  const pack = read.value;
  if (pack === null) return fail(deps, "new_pack_failed", `the replacement ${newPackId} no longer exists`);
  if (progressOf(pack).kind !== "serving") {
    return fail(
      deps,
      "new_pack_failed",
      `the replacement is no longer active (${pack.status ?? "no status"})`,
    );
  }
  const missing = missingHosts(hosts, pack.hosts);
  if (missing.length > 0) {
    return fail(
      deps,
      "hosts_not_covered",
      `the replacement does not cover ${missing.join(", ")}`.slice(0, 500),
    );
  }
  return null;
}

async function checkCoverage(
  input: RotationInput,
  deps: EngineDeps,
  plan: Planned,
  newPackId: string,
): Promise<{ kind: "covered" } | Final> {
  const done = await ended(deps);
  if (done) return done;
  return (await verifyReplacement(input, deps, plan.order.hosts, newPackId)) ?? { kind: "covered" };
}

async function deleteOldPack(
  input: RotationInput,
  deps: EngineDeps,
  plan: Planned,
  newPackId: string,
): Promise<Final> {
  const record = await deps.journal.read();
  if (isFinal(record.state)) return finalOf(record);
  if (record.state !== "deleting_old") {
    // Read both packs again right before the claim: minutes may have passed since check-coverage.
    const unsafe = await verifyReplacement(input, deps, plan.order.hosts, newPackId);
    if (unsafe) return unsafe;
    const old = await ask(() => deps.port.getPack(input.zone, input.oldPackId));
    if (!old.ok) return fail(deps, "upstream_error", `reading the old pack failed: ${old.error.message}`);
    if (old.value === null || isDeleting(old.value.status)) {
      return fail(deps, "old_pack_changed", "the old pack was deleted while the rotation ran");
    }
    const hosts = plan.order.hosts;
    if (missingHosts(hosts, old.value.hosts).length > 0 || missingHosts(old.value.hosts, hosts).length > 0) {
      return fail(deps, "old_pack_changed", "the old pack's hosts changed while the rotation ran");
    }
    const claimed = await move(deps, { state: "deleting_old" });
    if (claimed) return claimed;
  }
  const deleted = await ask(() => deps.port.deletePack(input.zone, input.oldPackId));
  // Once the claim is held, a 404 means the old pack is gone: deleted by an earlier attempt of this step.
  if (!deleted.ok && deleted.error.kind !== "not_found") {
    return fail(deps, "upstream_error", `deleting the old pack failed: ${deleted.error.message}`);
  }
  return finalOf(await deps.journal.move({ state: "done", now: deps.now() }));
}
