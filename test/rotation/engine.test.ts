/**
 * The engine, case by case: the path of an undisturbed rotation, each way it ends without deleting the
 * old pack, and the lost answers, restarts and cancels the invariant test draws at random, pinned here
 * so each one is known to be exercised.
 */
import { describe, expect, it } from "vitest";
import type { FailureReason } from "../../src/rotation/operation";
import { type Ending, rotateUnderFaults, SETTINGS, scenario, T0 } from "./harness";

const DAY = 24 * 3_600_000;

describe("an undisturbed rotation", () => {
  it("goes ordering -> awaiting_validation (with records) -> active -> deleting_old -> done", async () => {
    const r = await rotateUnderFaults(scenario({ validations: 2 }));
    expect(r.zone.violations).toEqual([]);
    expect(r.record.state).toBe("done");
    expect(r.record.history.map((h) => h.state)).toEqual([
      "ordering",
      "awaiting_validation",
      "active",
      "deleting_old",
      "done",
    ]);
    // While the replacement was pending_validation, the operation carried what to publish, per host.
    const published = r.transitions.filter((t) => t.new_pack_status === "pending_validation");
    expect(published.length).toBeGreaterThan(0);
    for (const t of published) {
      expect(t.validation_records?.map((v) => v.txt_name)).toEqual([
        "_acme-challenge.example.com",
        "_acme-challenge.www.example.com",
      ]);
    }
    expect(r.record.validation_records).toEqual([]);
    expect(r.zone.packs.get(r.record.old_pack_id)?.deleted).toBe(true);
    expect(r.zone.replacement?.status).toBe("active");
    expect(r.record.new_pack_id).toBe(r.zone.replacement?.id);
    expect(r.runner.order.filter((n) => !n.startsWith("poll-"))).toEqual([
      "read-old-pack",
      "check-quota",
      "order-replacement",
      "check-coverage",
      "delete-old-pack",
    ]);
  });

  it.each([
    ["lets_encrypt", 14, "http"],
    ["google", 90, "txt"],
    ["ssl_com", 365, "email"],
  ] as const)(
    "orders the replacement as %s, %i days, %s validation, like the old pack",
    async (ca, validity, method) => {
      const r = await rotateUnderFaults(
        scenario({ ca, validity, method, hosts: ["example.com", "*.example.com"] }),
      );
      const replacement = r.zone.replacement;
      expect(replacement).toMatchObject({ ca, validity, method, hosts: ["example.com", "*.example.com"] });
      expect(r.record.state).toBe("done");
    },
  );

  it.each([
    ["lets_encrypt", null, 7 * DAY],
    ["google", null, 14 * DAY],
    ["ssl_com", null, 14 * DAY],
    ["google", 3 * DAY, 3 * DAY],
    ["lets_encrypt", 10 * DAY, 7 * DAY],
  ] as const)(
    "waits for validation until the DCV token expires (%s, configured %s)",
    async (ca, configured, wait) => {
      const r = await rotateUnderFaults(scenario({ ca, ending: "stall" }), {
        ...SETTINGS,
        pollMaxMs: 4 * 3_600_000,
        validationTimeoutMs: configured,
      });
      expect(r.record.validation_deadline).toBe(T0 + wait);
      expect(r.record).toMatchObject({ state: "failed", reason: "validation_timed_out" });
      // The last poll lands on the deadline, not one backoff past it.
      const failedAt = r.record.history.at(-1)?.at ?? 0;
      expect(failedAt).toBeGreaterThanOrEqual(T0 + wait);
      expect(failedAt - (T0 + wait)).toBeLessThan(60_000);
      expect(r.zone.packs.get(r.record.old_pack_id)?.deleted).toBe(false);
    },
  );

  it("backs off exponentially between polls, up to the cap", async () => {
    const r = await rotateUnderFaults(scenario({ ending: "stall" }));
    const minutes = r.runner.sleeps.map((w) => w.ms / 60_000);
    // 1, 2, 4, 8 minutes, then the 10-minute cap until the 2-hour deadline (the last wait is cut to it).
    expect(minutes.slice(0, 7)).toEqual([1, 2, 4, 8, 10, 10, 10]);
    expect(minutes.reduce((a, b) => a + b, 0)).toBe(120);
    expect(r.runner.sleeps.map((w) => w.name).slice(0, 3)).toEqual(["wait-1", "wait-2", "wait-3"]);
  });
});

describe("a rotation that ends without deleting the old pack", () => {
  const cases: Array<[string, Partial<Parameters<typeof scenario>[0]>, FailureReason, boolean]> = [
    ["no room in the quota", { room: 0 }, "quota_exhausted", false],
    ["the last slot taken just before the order", { quotaTakenBeforeOrder: true }, "quota_exhausted", false],
    [
      "validation timed out upstream",
      { ending: "validation_timed_out" as Ending },
      "validation_timed_out",
      true,
    ],
    ["validation still pending at the deadline", { ending: "stall" as Ending }, "validation_timed_out", true],
    ["issuance timed out", { ending: "issuance_timed_out" as Ending }, "new_pack_failed", true],
    ["the replacement lacks a host", { dropHost: true }, "hosts_not_covered", true],
    ["the old pack deleted by someone else meanwhile", { oldDeletedAfterRead: 3 }, "old_pack_changed", true],
    [
      "the quota read failing on every attempt",
      { faults: [1, 2, 3, 4, 5, 6].map((nth) => ({ op: "quota" as const, nth, kind: "5xx" as const })) },
      "upstream_error",
      false,
    ],
  ];

  it.each(cases)("%s: failed(%s)", async (_name, overrides, reason, ordered) => {
    const r = await rotateUnderFaults(scenario(overrides));
    expect(r.zone.violations).toEqual([]);
    expect(r.record).toMatchObject({ state: "failed", reason });
    expect(r.outcome).toMatchObject({ state: "failed", reason });
    expect(r.zone.deletedOldBy).not.toBe("engine");
    // A replacement that was ordered is left in place and named.
    expect(r.zone.ordersLanded).toBe(ordered ? 1 : 0);
    expect(r.record.new_pack_id).toBe(ordered ? r.zone.replacement?.id : null);
    expect(r.record.message).toEqual(expect.any(String));
  });

  it("names the hosts the replacement lacks", async () => {
    const r = await rotateUnderFaults(
      scenario({ hosts: ["example.com", "api.example.com"], dropHost: true }),
    );
    expect(r.record.message).toBe("the replacement does not cover api.example.com");
  });

  it("after an order that failed on every attempt, says an order may exist", async () => {
    const faults = [1, 2, 3, 4, 5, 6].map((nth) => ({ op: "order" as const, nth, kind: "5xx" as const }));
    const r = await rotateUnderFaults(scenario({ faults }));
    expect(r.record).toMatchObject({ state: "failed", reason: "upstream_error", new_pack_id: null });
    expect(r.record.message).toBe(
      "order-replacement kept failing: Cloudflare answered 503; an order may have reached the upstream: list the zone's packs",
    );
    expect(r.zone.calls.order).toBe(6);
  });

  it("says which step kept failing", async () => {
    const faults = [1, 2, 3, 4, 5, 6].map((nth) => ({ op: "quota" as const, nth, kind: "429" as const }));
    const r = await rotateUnderFaults(scenario({ faults }));
    expect(r.record.message).toBe("check-quota kept failing: Cloudflare answered 429");
  });
});

describe("lost answers, restarts and cancels", () => {
  it("an order whose answer was lost after it landed is found, not placed again (a decoy is ignored)", async () => {
    const r = await rotateUnderFaults(
      scenario({ decoys: [true, false], room: 2, faults: [{ op: "order", nth: 1, kind: "lost" }] }),
    );
    expect(r.zone.violations).toEqual([]);
    expect(r.zone.ordersLanded).toBe(1);
    expect(r.zone.calls.order).toBe(1);
    expect(r.record.state).toBe("done");
    expect(r.record.new_pack_id).toMatch(/^new/);
  });

  it.each([
    [
      "the run dies right after the order call",
      { faults: [{ op: "order" as const, nth: 1, kind: "crash_after" as const }] },
    ],
    [
      "the run dies after the order step, its result not kept",
      { crashes: [{ execution: 3, when: "after" as const }] },
    ],
  ])("%s: one order, and the rotation finishes", async (_name, overrides) => {
    const r = await rotateUnderFaults(scenario(overrides));
    expect(r.restarts).toBe(1);
    expect(r.zone.ordersLanded).toBe(1);
    expect(r.zone.violations).toEqual([]);
    expect(r.record.state).toBe("done");
  });

  it("a cancel between a lost order and its re-run names the replacement it leaves in place", async () => {
    const r = await rotateUnderFaults(
      scenario({ crashes: [{ execution: 3, when: "after" }], cancelBefore: 4 }),
    );
    expect(r.record.state).toBe("cancelled");
    expect(r.zone.ordersLanded).toBe(1);
    expect(r.record.new_pack_id).toBe(r.zone.replacement?.id);
    expect(r.zone.packs.get(r.record.old_pack_id)?.deleted).toBe(false);
  });

  it("a cancel while awaiting validation ends the instance, keeps the old pack, names the replacement", async () => {
    const r = await rotateUnderFaults(scenario({ validations: 3, cancelBefore: 5 }));
    expect(r.terminated).toBe(true);
    expect(r.record).toMatchObject({ state: "cancelled", reason: null });
    expect(r.record.message).toBe(
      `cancelled; the old pack is untouched and the replacement ${r.zone.replacement?.id} is left in place`,
    );
    expect(r.zone.packs.get(r.record.old_pack_id)?.deleted).toBe(false);
  });

  it("a cancel before the order stops it: nothing is ordered", async () => {
    const r = await rotateUnderFaults(scenario({ cancelBefore: 3 }));
    expect(r.record.state).toBe("cancelled");
    expect(r.zone.calls.order).toBe(0);
    expect(r.record.new_pack_id).toBeNull();
  });

  it("a cancel racing an order already on its way: the order lands, and is named", async () => {
    const r = await rotateUnderFaults(scenario({ faults: [{ op: "order", nth: 1, kind: "cancel_before" }] }));
    expect(r.record.state).toBe("cancelled");
    expect(r.zone.ordersLanded).toBe(1);
    expect(r.record.new_pack_id).toBe(r.zone.replacement?.id);
  });

  it("a cancel after the engine claimed the delete is too late: the rotation finishes", async () => {
    const r = await rotateUnderFaults(
      scenario({ faults: [{ op: "deletePack", nth: 1, kind: "cancel_before" }] }),
    );
    expect(r.zone.cancelled).toBe(false);
    expect(r.record.state).toBe("done");
  });

  it("a delete whose answer was lost is repeated and accepts 'already deleted'", async () => {
    const r = await rotateUnderFaults(scenario({ faults: [{ op: "deletePack", nth: 1, kind: "lost" }] }));
    expect(r.zone.calls.deletePack).toBe(2);
    expect(r.record.state).toBe("done");
    expect(r.zone.violations).toEqual([]);
  });
});
