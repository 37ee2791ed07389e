/**
 * RotationLedger: one live rotation per pack, transitions by the state machine, the exclusion between a
 * cancel and the engine's claim on the delete, history, and pruning of finished operations.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RETENTION_MS } from "../../src/rotation/ledger";
import { canMove, ROTATION_STATES, type RotationState } from "../../src/rotation/operation";
import { freshStub, rejectionOf } from "../durable/helpers";

const T0 = Date.parse("2026-12-14T09:00:00Z");
const ledger = () => freshStub(env.ROTATION_LEDGER);

async function begun(id = "op-1", pack = "pack-1") {
  const stub = ledger();
  const result = await stub.begin({
    provider: "cloudflare",
    id,
    zone: "z",
    old_pack_id: pack,
    hosts: ["example.com"],
    now: T0,
  });
  if (!result.started) throw new Error("not started");
  return stub;
}

describe("RotationLedger.begin", () => {
  it("starts in ordering, once per pack until the rotation ends", async () => {
    const stub = await begun("op-1", "pack-1");
    const again = await stub.begin({
      provider: "cloudflare",
      id: "op-1",
      zone: "z",
      old_pack_id: "pack-1",
      hosts: [],
      now: T0 + 1,
    });
    expect(again).toMatchObject({ started: true, record: { id: "op-1", state: "ordering" } });
    const second = await stub.begin({
      provider: "cloudflare",
      id: "op-2",
      zone: "z",
      old_pack_id: "pack-1",
      hosts: [],
      now: T0 + 2,
    });
    expect(second).toMatchObject({ started: false, live: { id: "op-1" } });
    const other = await stub.begin({
      provider: "cloudflare",
      id: "op-3",
      zone: "z",
      old_pack_id: "pack-2",
      hosts: [],
      now: T0 + 3,
    });
    expect(other.started).toBe(true);
    await stub.move("op-1", { state: "failed", reason: "quota_exhausted", now: T0 + 4 });
    const after = await stub.begin({
      provider: "cloudflare",
      id: "op-4",
      zone: "z",
      old_pack_id: "pack-1",
      hosts: [],
      now: T0 + 5,
    });
    expect(after.started).toBe(true);
  });

  it("refuses ids that cannot be Workflow instance ids", async () => {
    const error = await rejectionOf(
      ledger().begin({
        provider: "cloudflare",
        id: "has space",
        zone: "z",
        old_pack_id: "p",
        hosts: [],
        now: T0,
      }),
    );
    expect(String(error)).toContain("RotationLedger.begin: invalid input");
  });
});

describe("RotationLedger.move", () => {
  it("follows the state machine and keeps a history", async () => {
    const stub = await begun();
    await stub.move("op-1", {
      state: "awaiting_validation",
      new_pack_id: "new-1",
      new_pack_status: "pending_validation",
      validation_records: [{ txt_name: "_acme-challenge.example.com", txt_value: "t" }],
      now: T0 + 1,
    });
    await stub.move("op-1", {
      state: "awaiting_validation",
      new_pack_status: "pending_validation",
      now: T0 + 2,
    });
    const refused = await stub.move("op-1", { state: "deleting_old", now: T0 + 3 });
    expect(refused.state).toBe("awaiting_validation");
    await stub.move("op-1", { state: "active", validation_records: [], now: T0 + 4 });
    await stub.move("op-1", { state: "deleting_old", now: T0 + 5 });
    const done = await stub.move("op-1", { state: "done", now: T0 + 6 });
    expect(done).toMatchObject({ state: "done", new_pack_id: "new-1", reason: null, validation_records: [] });
    expect(done.history).toEqual([
      { state: "ordering", at: T0 },
      { state: "awaiting_validation", at: T0 + 1 },
      { state: "active", at: T0 + 4 },
      { state: "deleting_old", at: T0 + 5 },
      { state: "done", at: T0 + 6 },
    ]);
    const frozen = await stub.move("op-1", { state: "failed", reason: "upstream_error", now: T0 + 7 });
    expect(frozen.state).toBe("done");
  });

  it("a final record still learns the replacement's id, and nothing else", async () => {
    const stub = await begun();
    await stub.cancel("op-1", T0 + 1);
    const after = await stub.move("op-1", {
      state: "awaiting_validation",
      new_pack_id: "late-1",
      new_pack_status: "initializing",
      now: T0 + 2,
    });
    expect(after).toMatchObject({ state: "cancelled", new_pack_id: "late-1", new_pack_status: null });
    const second = await stub.move("op-1", { state: "cancelled", new_pack_id: "late-2", now: T0 + 3 });
    expect(second.new_pack_id).toBe("late-1");
  });

  it("a failure keeps its reason and message", async () => {
    const stub = await begun();
    const failed = await stub.move("op-1", {
      state: "failed",
      reason: "hosts_not_covered",
      message: "the replacement does not cover a.example.com",
      now: T0 + 1,
    });
    expect(failed).toMatchObject({
      state: "failed",
      reason: "hosts_not_covered",
      message: "the replacement does not cover a.example.com",
    });
  });

  it("canMove: deleting_old only from active, done only from deleting_old, final is final", () => {
    const allowed = (from: RotationState) => ROTATION_STATES.filter((to) => canMove(from, to));
    expect(allowed("ordering")).toEqual(["ordering", "awaiting_validation", "active", "failed", "cancelled"]);
    expect(allowed("active")).toEqual([
      "ordering",
      "awaiting_validation",
      "active",
      "deleting_old",
      "failed",
      "cancelled",
    ]);
    expect(allowed("deleting_old")).toEqual(["deleting_old", "done", "failed"]);
    for (const final of ["done", "failed", "cancelled"] as const) expect(allowed(final)).toEqual([]);
  });
});

describe("RotationLedger.cancel", () => {
  it.each([
    ["ordering", [], "cancelled"],
    ["awaiting_validation", ["awaiting_validation"], "cancelled"],
    ["active", ["awaiting_validation", "active"], "cancelled"],
    ["deleting_old", ["awaiting_validation", "active", "deleting_old"], "too_late"],
    ["done", ["awaiting_validation", "active", "deleting_old", "done"], "already_final"],
  ] as const)("from %s: %s", async (_from, path, outcome) => {
    const stub = await begun();
    const at = (n: number) => T0 + n;
    for (const [i, state] of path.entries())
      await stub.move("op-1", { state, new_pack_id: "new-1", now: at(i + 1) });
    const result = await stub.cancel("op-1", at(10));
    expect(result?.outcome).toBe(outcome);
    if (outcome === "cancelled") {
      expect(result?.record.state).toBe("cancelled");
      // After a cancel, the engine's claim on the delete is refused.
      const claim = await stub.move("op-1", { state: "deleting_old", now: at(11) });
      expect(claim.state).toBe("cancelled");
    } else {
      expect(result?.record.state).toBe(path.at(-1));
    }
  });

  it("says what happens to the replacement", async () => {
    const stub = await begun();
    const early = await stub.cancel("op-1", T0 + 1);
    expect(early?.record.message).toBe("cancelled; the old pack is untouched");
    const other = await begun("op-2", "pack-2");
    await other.move("op-2", { state: "awaiting_validation", new_pack_id: "new-2", now: T0 + 1 });
    const late = await other.cancel("op-2", T0 + 2);
    expect(late?.record.message).toBe(
      "cancelled; the old pack is untouched and the replacement new-2 is left in place",
    );
  });

  it("an unknown operation is null", async () => {
    expect(await ledger().cancel("nope", T0)).toBeNull();
    expect(await ledger().read("nope")).toBeNull();
  });
});

describe("retention", () => {
  it("finished operations are pruned after RETENTION_MS; live ones never", async () => {
    const stub = await begun("old-done", "pack-a");
    await stub.move("old-done", { state: "failed", reason: "quota_exhausted", now: T0 });
    await stub.begin({
      provider: "cloudflare",
      id: "old-live",
      zone: "z",
      old_pack_id: "pack-b",
      hosts: [],
      now: T0,
    });
    await stub.begin({
      provider: "cloudflare",
      id: "trigger-1",
      zone: "z",
      old_pack_id: "pack-c",
      hosts: [],
      now: T0 + RETENTION_MS - 1,
    });
    expect(await stub.read("old-done")).not.toBeNull();
    await stub.begin({
      provider: "cloudflare",
      id: "trigger-2",
      zone: "z",
      old_pack_id: "pack-d",
      hosts: [],
      now: T0 + RETENTION_MS + 1,
    });
    expect(await stub.read("old-done")).toBeNull();
    expect(await stub.read("old-live")).not.toBeNull();
  });
});
