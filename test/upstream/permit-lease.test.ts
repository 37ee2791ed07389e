/**
 * The isolate's permit lease (src/upstream/permit-lease.ts): batches sized to use, leftovers only within
 * their second, and, against the real UpstreamBudget object, no cap exceeded by the calls made with
 * leased permits (an oracle over the exact use times, not the object's buckets).
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcquireResult, BudgetCaller } from "../../src/durable/upstream-budget";
import { reserveOf } from "../../src/durable/upstream-budget";
import { createPermitLease, MAX_LEASE } from "../../src/upstream/permit-lease";

const T0 = Date.parse("2026-12-01T12:00:00Z");

/** An object that grants whatever is asked, recording each ask. */
function generous() {
  const asks: Array<{ permits: number; at: number }> = [];
  const ask = async (permits: number, at: number): Promise<AcquireResult> => {
    asks.push({ permits, at });
    return { granted: permits, window: { used: 0, limit: null } };
  };
  return { asks, ask };
}

describe("permit lease: batches sized to use", () => {
  it("a caller missing now and then asks for one permit at a time: nothing leased, nothing wasted", async () => {
    const lease = createPermitLease();
    const { asks, ask } = generous();
    for (let i = 0; i < 5; i++) expect(await lease.take("k", () => T0 + i * 2_000, ask)).not.toBeNull();
    expect(asks.map((a) => a.permits)).toEqual([1, 1, 1, 1, 1]);
  });

  it("a busy caller asks about once per batch; the batch follows last second's use and what is left of this one", async () => {
    const lease = createPermitLease();
    const { asks, ask } = generous();
    // Second 0: 10 uses, each asked for (nothing known yet).
    for (let i = 0; i < 10; i++) await lease.take("k", () => T0 + i * 100, ask);
    expect(asks).toHaveLength(10);
    // Second 1: 10 uses at the same pace. The first asks for min(8, 10 x 1.0); the ninth for what is
    // left of the second: 10 x 0.2 = 2.
    for (let i = 0; i < 10; i++) await lease.take("k", () => T0 + 1_000 + i * 100, ask);
    expect(asks.slice(10).map((a) => [a.permits, a.at - T0])).toEqual([
      [MAX_LEASE, 1_000],
      [2, 1_800],
    ]);
  });

  it("leftovers are never used after the second they were granted in", async () => {
    const lease = createPermitLease();
    const { asks, ask } = generous();
    for (let i = 0; i < 10; i++) await lease.take("k", () => T0 + i * 100, ask);
    await lease.take("k", () => T0 + 1_000, ask); // leases 8, uses 1: 7 left for second 1
    expect(await lease.take("k", () => T0 + 1_999, ask)).toBeNull();
    const next = await lease.take("k", () => T0 + 2_000, ask);
    expect(next).not.toBeNull();
    expect(asks.at(-1)?.at).toBe(T0 + 2_000);
  });

  it("callers are leased apart; a refusal leases nothing; an object that cannot be asked leases nothing", async () => {
    const lease = createPermitLease();
    const { asks, ask } = generous();
    for (let i = 0; i < 10; i++) await lease.take("a", () => T0 + i * 100, ask);
    await lease.take("a", () => T0 + 1_000, ask);
    // Another caller gets nothing of a's lease.
    expect(await lease.take("b", () => T0 + 1_001, ask)).not.toBeNull();
    const refused = async (): Promise<AcquireResult> => ({
      granted: 0,
      refused: { reason: "key_limit", retryAfterMs: 1_000 },
      window: { used: 0, limit: null },
    });
    for (let i = 0; i < 10; i++) await lease.take("c", () => T0 + i * 100, ask);
    expect((await lease.take("c", () => T0 + 1_000, refused))?.granted).toBe(0);
    expect(await lease.take("c", () => T0 + 1_001, refused)).not.toBeNull();
    await expect(
      lease.take(
        "d",
        () => T0,
        () => Promise.reject(new Error("down")),
      ),
    ).rejects.toThrow("down");
    expect(asks.length).toBeGreaterThan(0);
  });
});

describe("permit lease against the real object: the caps hold for the calls made", () => {
  it("any 300 s of calls within the limit, keys under the reserve line, any 60 s of a key's calls within its allowance", async () => {
    const step = fc.record({
      advanceMs: fc.oneof(fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 20_000 })),
      who: fc.integer({ min: -1, max: 2 }),
      burst: fc.integer({ min: 1, max: 6 }),
    });
    let refusals = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 5, max: 60 }),
        fc.integer({ min: 0, max: 50 }),
        fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 3, maxLength: 3 }),
        fc.array(step, { minLength: 5, maxLength: 80 }),
        async (limit, reserve, perMinute, steps) => {
          const stub = env.UPSTREAM_BUDGET.get(
            env.UPSTREAM_BUDGET.idFromName(`lease-${crypto.randomUUID()}`),
          );
          const lease = createPermitLease();
          const callerOf = (who: number): BudgetCaller =>
            who < 0 ? { kind: "monitor" } : { kind: "key", name: `k${who}`, perMinute: perMinute[who] ?? 1 };
          const calls: Array<{ t: number; caller: BudgetCaller }> = [];
          let now = T0;
          for (const s of steps) {
            now += s.advanceMs;
            const caller = callerOf(s.who);
            const at = now;
            // A burst of concurrent misses by one caller in this isolate.
            await Promise.all(
              Array.from({ length: s.burst }, async () => {
                const result = await lease.take(
                  `obj|${caller.kind === "key" ? caller.name : "monitor"}`,
                  () => at,
                  (permits, t) =>
                    stub.acquire({ now: t, caller, permits, limitPer5Min: limit, reservePercent: reserve }),
                );
                if (result === null || result.granted > 0) calls.push({ t: at, caller });
                else refusals++;
              }),
            );
          }
          const within = (
            from: number,
            to: number,
            pick: (c: (typeof calls)[number]) => boolean = () => true,
          ) => calls.filter((c) => c.t > from && c.t <= to && pick(c)).length;
          for (const c of calls) {
            expect(within(c.t - 300_000, c.t)).toBeLessThanOrEqual(limit);
            const keys = (x: (typeof calls)[number]) => x.caller.kind === "key";
            expect(within(c.t - 300_000, c.t, keys)).toBeLessThanOrEqual(limit - reserveOf(limit, reserve));
            if (c.caller.kind === "key") {
              const name = c.caller.name;
              const same = (x: (typeof calls)[number]) => x.caller.kind === "key" && x.caller.name === name;
              expect(within(c.t - 60_000, c.t, same)).toBeLessThanOrEqual(c.caller.perMinute);
            }
          }
        },
      ),
      { numRuns: 15, seed: 20_261_201 },
    );
    expect(refusals).toBeGreaterThan(0);
  });
});
