/**
 * UpstreamBudget: the caps (global window, reserve, per key) under concurrent and sequential calls, checked
 * against an oracle that only knows the guarantees (sums over exact millisecond windows of the grants
 * the object answered), never the buckets; the sliding window, exact retry times, upstream blocks, the
 * prune alarm, and the cost of a call (query plans, rows read).
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ADD_KEY_SQL,
  ADD_WINDOW_SQL,
  type BudgetCaller,
  KEY_BUCKETS_SQL,
  KEYS_USAGE_SQL,
  READ_STATE_SQL,
  reserveOf,
  type UpstreamBudget,
  WINDOW_BUCKETS_SQL,
} from "../../src/durable/upstream-budget";
import {
  expectNoFullScan,
  freshStub,
  MINUTE,
  planOf,
  rejectionOf,
  rowsOf,
  SECOND,
  SEED,
  T0,
} from "./helpers";

type Stub = DurableObjectStub<UpstreamBudget>;
type Config = { limit: number | null; reserve: number };

const budget = (): Stub => freshStub(env.UPSTREAM_BUDGET);
const key = (name: string, perMinute = 10_000): BudgetCaller => ({ kind: "key", name, perMinute });
const MONITOR: BudgetCaller = { kind: "monitor" };

function ask(stub: Stub, now: number, caller: BudgetCaller, permits: number, config: Config) {
  return stub.acquire({
    now,
    caller,
    permits,
    limitPer5Min: config.limit,
    reservePercent: config.reserve,
  });
}

/** What a caller of this kind may fill the window up to. */
function capOf(caller: BudgetCaller, config: Config): number {
  if (config.limit === null) return Number.POSITIVE_INFINITY;
  return caller.kind === "monitor" ? config.limit : config.limit - reserveOf(config.limit, config.reserve);
}

describe("UpstreamBudget: one call against a given history", () => {
  type Call = { at: number; caller: BudgetCaller; permits: number };
  const cases: Array<{
    name: string;
    config: Config;
    history: Call[];
    call: Call;
    granted: number;
    refused?: { reason: string; retryAfterMs: number };
  }> = [
    {
      name: "an empty window grants everything asked",
      config: { limit: 10, reserve: 20 },
      history: [],
      call: { at: 0, caller: MONITOR, permits: 5 },
      granted: 5,
    },
    {
      name: "a key past its allowance gets the part left (key_limit, retry when its oldest permit expires)",
      config: { limit: 100, reserve: 20 },
      history: [],
      call: { at: 0, caller: key("a", 3), permits: 5 },
      granted: 3,
      refused: { reason: "key_limit", retryAfterMs: 61 * SECOND },
    },
    {
      name: "a key at the reserve line gets the part below it (budget)",
      config: { limit: 10, reserve: 20 },
      history: [{ at: 0, caller: key("b"), permits: 6 }],
      call: { at: 0, caller: key("a"), permits: 5 },
      granted: 2,
      refused: { reason: "budget", retryAfterMs: 301 * SECOND },
    },
    {
      name: "the monitor spends the reserve the keys cannot",
      config: { limit: 10, reserve: 20 },
      history: [{ at: 0, caller: key("b"), permits: 8 }],
      call: { at: 10 * SECOND, caller: MONITOR, permits: 5 },
      granted: 2,
      refused: { reason: "budget", retryAfterMs: 291 * SECOND },
    },
    {
      name: "no global cap (null): only the key's own allowance binds",
      config: { limit: null, reserve: 20 },
      history: [
        { at: 0, caller: MONITOR, permits: 100 },
        { at: 0, caller: key("b"), permits: 100 },
      ],
      call: { at: 0, caller: key("a", 50), permits: 60 },
      granted: 50,
      refused: { reason: "key_limit", retryAfterMs: 61 * SECOND },
    },
    {
      name: "a 100 % reserve leaves keys nothing, ever",
      config: { limit: 10, reserve: 100 },
      history: [],
      call: { at: 0, caller: key("a"), permits: 1 },
      granted: 0,
      refused: { reason: "budget", retryAfterMs: 301 * SECOND },
    },
    {
      name: "an allowance of 0 refuses the key (key_limit)",
      config: { limit: 10, reserve: 0 },
      history: [],
      call: { at: 0, caller: key("a", 0), permits: 1 },
      granted: 0,
      refused: { reason: "key_limit", retryAfterMs: 61 * SECOND },
    },
    {
      name: "both caps bound: named key_limit, retry when both have room",
      config: { limit: 10, reserve: 0 },
      history: [
        { at: 0, caller: key("a", 4), permits: 4 },
        { at: 30 * SECOND, caller: MONITOR, permits: 6 },
      ],
      call: { at: 40 * SECOND, caller: key("a", 4), permits: 1 },
      granted: 0,
      // The key frees at 61 s, the window only when the first 4 permits expire at 301 s.
      refused: { reason: "key_limit", retryAfterMs: 261 * SECOND },
    },
    {
      name: "a sub-second offset is counted to the end of its second",
      config: { limit: 2, reserve: 0 },
      history: [{ at: 999, caller: MONITOR, permits: 2 }],
      call: { at: 1500, caller: MONITOR, permits: 1 },
      granted: 0,
      refused: { reason: "budget", retryAfterMs: 301 * SECOND - 1500 },
    },
  ];

  it.each(cases)("$name", async ({ config, history, call, granted, refused }) => {
    const stub = budget();
    for (const h of history) await ask(stub, T0 + h.at, h.caller, h.permits, config);
    const result = await ask(stub, T0 + call.at, call.caller, call.permits, config);
    expect(result.granted).toBe(granted);
    expect(result.refused).toEqual(refused);
  });
});

describe("UpstreamBudget: the reserve", () => {
  it.each([
    { limit: 960, reserve: 20, keys: 768 },
    { limit: 60, reserve: 20, keys: 48 },
    { limit: 10, reserve: 25, keys: 7 }, // 2.5 rounds up: the monitor keeps 3
    { limit: 100, reserve: 0, keys: 100 },
    { limit: 7, reserve: 100, keys: 0 },
  ])(
    "limit $limit, reserve $reserve %: keys stop at $keys together, the monitor gets the rest",
    async (c) => {
      const stub = budget();
      const config = { limit: c.limit, reserve: c.reserve };
      // A storm of keys, all at once, asking far more than the window holds.
      const storm = await Promise.all(
        Array.from({ length: Math.ceil((c.limit * 2) / 9) }, (_, i) =>
          ask(stub, T0 + (i % 3) * 100, key(`k${i % 5}`), 9, config),
        ),
      );
      expect(storm.reduce((sum, r) => sum + r.granted, 0)).toBe(c.keys);
      let monitor = 0;
      for (;;) {
        const r = await ask(stub, T0 + SECOND, MONITOR, 50, config);
        monitor += r.granted;
        if (r.refused) {
          expect(r.refused.reason).toBe("budget");
          break;
        }
      }
      expect(monitor).toBe(c.limit - c.keys);
      expect(
        (await stub.usage({ now: T0 + SECOND, limitPer5Min: c.limit, reservePercent: c.reserve })).window,
      ).toEqual({
        limit: c.limit,
        used: c.limit,
        reserve: c.limit - c.keys,
        blockedUntil: null,
        blockedBy: null,
      });
    },
  );
});

describe("UpstreamBudget: concurrent isolates", () => {
  const scenario = fc.record({
    limit: fc.integer({ min: 1, max: 120 }),
    reserve: fc.integer({ min: 0, max: 50 }),
    perMinute: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 4 }),
    calls: fc.array(
      fc.record({
        who: fc.integer({ min: -1, max: 3 }), // -1: the monitor
        permits: fc.integer({ min: 1, max: 10 }),
        offsetMs: fc.integer({ min: 0, max: 2 * SECOND }),
      }),
      { minLength: 1, maxLength: 60 },
    ),
  });

  it("every call at once, through separate stubs: no cap exceeded, every refusal justified", async () => {
    const reasons = new Set<string>();
    await fc.assert(
      fc.asyncProperty(scenario, async ({ limit, reserve, perMinute, calls }) => {
        const config = { limit, reserve };
        const id = env.UPSTREAM_BUDGET.idFromName(`prop-${crypto.randomUUID()}`);
        const callerOf = (who: number): BudgetCaller => {
          const allowance = perMinute[who % perMinute.length];
          return who < 0 || allowance === undefined ? MONITOR : key(`k${who % perMinute.length}`, allowance);
        };
        const results = await Promise.all(
          calls.map((c) =>
            // A stub per call: as many isolates as calls, one object behind them.
            ask(env.UPSTREAM_BUDGET.get(id), T0 + c.offsetMs, callerOf(c.who), c.permits, config),
          ),
        );
        const grantedBy = new Map<string, number>();
        let total = 0;
        let keysTotal = 0;
        results.forEach((r, i) => {
          const call = calls[i];
          if (!call) throw new Error("result without call");
          const caller = callerOf(call.who);
          expect(r.granted).toBeGreaterThanOrEqual(0);
          expect(r.granted).toBeLessThanOrEqual(call.permits);
          expect(r.refused === undefined).toBe(r.granted === call.permits);
          total += r.granted;
          if (r.refused) reasons.add(r.refused.reason);
          if (caller.kind === "key") {
            keysTotal += r.granted;
            grantedBy.set(caller.name, (grantedBy.get(caller.name) ?? 0) + r.granted);
            if (r.refused?.reason === "key_limit") expect(r.key?.used).toBe(caller.perMinute);
          }
          // The monitor may already have filled the window past the keys' line: at or over the cap.
          if (r.refused?.reason === "budget")
            expect(r.window.used).toBeGreaterThanOrEqual(capOf(caller, config));
        });
        expect(total).toBeLessThanOrEqual(limit);
        expect(keysTotal).toBeLessThanOrEqual(limit - reserveOf(limit, reserve));
        perMinute.forEach((allowance, i) => {
          expect(grantedBy.get(`k${i}`) ?? 0).toBeLessThanOrEqual(allowance);
        });
        // The object's own account agrees with what it answered.
        const usage = await env.UPSTREAM_BUDGET.get(id).usage({
          now: T0 + 2 * SECOND,
          limitPer5Min: limit,
          reservePercent: reserve,
        });
        expect(usage.window.used).toBe(total);
        for (const k of usage.keys) expect(k.permitsThisMinute).toBe(grantedBy.get(k.name));
      }),
      { numRuns: 40, seed: SEED },
    );
    // The inputs did reach both caps (a property over calls that all fit would prove nothing).
    expect([...reasons].sort()).toEqual(["budget", "key_limit"]);
  });
});

describe("UpstreamBudget: over time (oracle: exact millisecond windows over the answered grants)", () => {
  type Event = { t: number; caller: BudgetCaller; asked: number; granted: number; reason?: string };
  const sumIn = (log: Event[], from: number, to: number, pick: (e: Event) => boolean = () => true) =>
    log.filter((e) => e.t >= from && e.t <= to && pick(e)).reduce((s, e) => s + e.granted, 0);
  const sameKey = (caller: BudgetCaller) => (e: Event) =>
    caller.kind === "key" && e.caller.kind === "key" && e.caller.name === caller.name;

  it("any 300 s holds at most the limit, keys stay under the reserve line, any 60 s at most perMinute; refusals are justified", async () => {
    const reasons = new Set<string>();
    const step = fc.record({
      advanceMs: fc.oneof(fc.integer({ min: 0, max: 2 * SECOND }), fc.integer({ min: 0, max: 70 * SECOND })),
      who: fc.integer({ min: -1, max: 2 }),
      permits: fc.integer({ min: 1, max: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 30 }),
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 3, maxLength: 3 }),
        fc.array(step, { minLength: 1, maxLength: 50 }),
        async (limit, reserve, perMinute, steps) => {
          const config = { limit, reserve };
          const stub = budget();
          const log: Event[] = [];
          let now = T0;
          for (const s of steps) {
            now += s.advanceMs;
            const caller = s.who < 0 ? MONITOR : key(`k${s.who}`, perMinute[s.who] ?? 1);
            const r = await ask(stub, now, caller, s.permits, config);
            log.push({ t: now, caller, asked: s.permits, granted: r.granted, reason: r.refused?.reason });
            if (r.refused) reasons.add(r.refused.reason);
          }
          log.forEach((e, i) => {
            const before = log.slice(0, i + 1);
            if (e.granted > 0) {
              expect(sumIn(log, e.t - 5 * MINUTE + 1, e.t)).toBeLessThanOrEqual(limit);
              if (e.caller.kind === "key") {
                expect(sumIn(log, e.t - MINUTE + 1, e.t, sameKey(e.caller))).toBeLessThanOrEqual(
                  e.caller.perMinute,
                );
                // Everyone's permits (granted so far) when this key was served: under the reserve line.
                expect(sumIn(before, e.t - 5 * MINUTE + 1, e.t)).toBeLessThanOrEqual(capOf(e.caller, config));
              }
            }
            // A refusal is justified within the object's conservative second: its window really was full.
            if (e.reason === "budget") {
              expect(sumIn(before, e.t - 301 * SECOND, e.t)).toBeGreaterThanOrEqual(capOf(e.caller, config));
            }
            if (e.reason === "key_limit" && e.caller.kind === "key") {
              expect(sumIn(before, e.t - 61 * SECOND, e.t, sameKey(e.caller))).toBeGreaterThanOrEqual(
                e.caller.perMinute,
              );
            }
          });
        },
      ),
      { numRuns: 30, seed: SEED },
    );
    expect([...reasons].sort()).toEqual(["budget", "key_limit"]);
  });

  it("retryAfterMs is exact: one millisecond earlier is still refused, at it a permit is granted", async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            advanceMs: fc.integer({ min: 0, max: 90 * SECOND }),
            monitor: fc.boolean(),
            permits: fc.integer({ min: 1, max: 5 }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        fc.integer({ min: 2, max: 20 }),
        fc.integer({ min: 1, max: 6 }),
        async (history, limit, perMinute) => {
          const config = { limit, reserve: 0 };
          const stub = budget();
          const caller = (monitor: boolean) => (monitor ? MONITOR : key("k", perMinute));
          let now = T0;
          let refused: { at: number; monitor: boolean; retryAfterMs: number } | null = null;
          for (const h of history) {
            now += h.advanceMs;
            const r = await ask(stub, now, caller(h.monitor), h.permits, config);
            refused = r.refused
              ? { at: now, monitor: h.monitor, retryAfterMs: r.refused.retryAfterMs }
              : null;
          }
          if (!refused) return; // the history ended with room: nothing to retry
          checked++;
          const { at, monitor, retryAfterMs } = refused;
          expect(retryAfterMs).toBeGreaterThan(0);
          expect((await ask(stub, at + retryAfterMs - 1, caller(monitor), 1, config)).granted).toBe(0);
          expect((await ask(stub, at + retryAfterMs, caller(monitor), 1, config)).granted).toBe(1);
        },
      ),
      { numRuns: 40, seed: SEED },
    );
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it("the window slides: permits from 5 min + 1 s ago no longer count", async () => {
    const stub = budget();
    const config = { limit: 10, reserve: 0 };
    expect((await ask(stub, T0, MONITOR, 4, config)).granted).toBe(4);
    expect((await ask(stub, T0 + 100 * SECOND, MONITOR, 6, config)).granted).toBe(6);
    const full = await ask(stub, T0 + 300 * SECOND, MONITOR, 1, config);
    expect(full).toMatchObject({ granted: 0, refused: { reason: "budget", retryAfterMs: SECOND } });
    expect((await ask(stub, T0 + 301 * SECOND, MONITOR, 10, config)).granted).toBe(4);
    expect((await ask(stub, T0 + 401 * SECOND, MONITOR, 10, config)).granted).toBe(6);
  });
});

describe("UpstreamBudget: per key", () => {
  it("exactly perMinute per key, counted per key; refusals counted; headers' numbers; back after 61 s", async () => {
    const stub = budget();
    const config = { limit: 1000, reserve: 20 };
    const a = key("reader-a", 20);
    const grants = await Promise.all(Array.from({ length: 25 }, () => ask(stub, T0, a, 1, config)));
    expect(grants.filter((g) => g.granted === 1)).toHaveLength(20);
    const refusals = grants.filter((g) => g.granted === 0);
    expect(refusals).toHaveLength(5);
    for (const r of refusals) {
      expect(r.refused).toEqual({ reason: "key_limit", retryAfterMs: 61 * SECOND });
      expect(r.key).toEqual({ used: 20, limit: 20, resetMs: 61 * SECOND });
    }
    // Another key is not touched by the first one's limit.
    expect((await ask(stub, T0 + 30 * SECOND, key("reader-b", 20), 5, config)).granted).toBe(5);
    const usage = await stub.usage({ now: T0 + 30 * SECOND, limitPer5Min: 1000, reservePercent: 20 });
    expect(usage.keys).toEqual([
      { name: "reader-a", permitsThisMinute: 20, refusalsThisMinute: 5 },
      { name: "reader-b", permitsThisMinute: 5, refusalsThisMinute: 0 },
    ]);
    expect((await ask(stub, T0 + 61 * SECOND - 1, a, 1, config)).granted).toBe(0);
    const back = await ask(stub, T0 + 61 * SECOND, a, 1, config);
    expect(back).toMatchObject({ granted: 1, key: { used: 1, limit: 20 } });
    expect(back.refused).toBeUndefined();
    // A minute later the first key's calls and refusals have left the usage view.
    const later = await stub.usage({ now: T0 + 125 * SECOND, limitPer5Min: 1000, reservePercent: 20 });
    expect(later.keys).toEqual([]);
  });

  it("says when a key's limited spell starts: its first refusal in a minute, not the next ones", async () => {
    const stub = budget();
    const config = { limit: 1000, reserve: 0 };
    const a = key("a", 2);
    const answers = [];
    for (const at of [0, 1, 2, 3, 30]) answers.push(await ask(stub, T0 + at * SECOND, a, 1, config));
    expect(answers.map((r) => [r.granted, r.keyLimitStarted ?? false])).toEqual([
      [1, false],
      [1, false],
      [0, true],
      [0, false],
      [0, false],
    ]);
    // A partial grant is no refusal; a minute without refusals ends the spell.
    expect((await ask(stub, T0 + 62 * SECOND, a, 3, config)).keyLimitStarted).toBeUndefined();
    expect((await ask(stub, T0 + 92 * SECOND, a, 1, config)).keyLimitStarted).toBe(true);
  });

  it("a partial grant is not a refusal; a call that gets nothing is", async () => {
    const stub = budget();
    const config = { limit: 1000, reserve: 0 };
    await ask(stub, T0, key("k", 3), 5, config);
    await ask(stub, T0, key("k", 3), 5, config);
    const usage = await stub.usage({ now: T0, limitPer5Min: 1000, reservePercent: 0 });
    expect(usage.keys).toEqual([{ name: "k", permitsThisMinute: 3, refusalsThisMinute: 1 }]);
  });
});

describe("UpstreamBudget: upstream block", () => {
  const config = { limit: 100, reserve: 20 };

  it("refuses everyone (the monitor too) until it passes, the longest block wins, then grants again", async () => {
    const stub = budget();
    expect(await stub.block({ now: T0, untilMs: T0 + 300 * SECOND, source: "cloudflare 429" })).toEqual({
      blockedUntil: T0 + 300 * SECOND,
      started: true,
    });
    // A shorter block does not shorten it; a longer one extends it and is not a new start.
    expect(await stub.block({ now: T0 + SECOND, untilMs: T0 + 100 * SECOND, source: "ratelimit 0" })).toEqual(
      {
        blockedUntil: T0 + 300 * SECOND,
        started: false,
      },
    );
    expect(await ask(stub, T0 + 150 * SECOND, MONITOR, 1, config)).toMatchObject({
      granted: 0,
      refused: { reason: "upstream_blocked", retryAfterMs: 150 * SECOND },
    });
    expect(await stub.block({ now: T0 + SECOND, untilMs: T0 + 360 * SECOND, source: "retry-after" })).toEqual(
      {
        blockedUntil: T0 + 360 * SECOND,
        started: false,
      },
    );
    for (const caller of [MONITOR, key("k")]) {
      const r = await ask(stub, T0 + 10 * SECOND, caller, 1, config);
      expect(r).toMatchObject({
        granted: 0,
        refused: { reason: "upstream_blocked", retryAfterMs: 350 * SECOND },
      });
    }
    const usage = await stub.usage({ now: T0 + 10 * SECOND, limitPer5Min: 100, reservePercent: 20 });
    expect(usage.window).toEqual({
      limit: 100,
      used: 0,
      reserve: 20,
      blockedUntil: T0 + 360 * SECOND,
      blockedBy: "retry-after",
    });
    expect(usage.keys).toEqual([{ name: "k", permitsThisMinute: 0, refusalsThisMinute: 1 }]);
    expect((await ask(stub, T0 + 360 * SECOND - 1, MONITOR, 1, config)).granted).toBe(0);
    expect((await ask(stub, T0 + 360 * SECOND, MONITOR, 1, config)).granted).toBe(1);
    const after = await stub.usage({ now: T0 + 360 * SECOND, limitPer5Min: 100, reservePercent: 20 });
    expect(after.window).toMatchObject({ blockedUntil: null, blockedBy: null });
    // A block after the last one ended is a new start.
    expect(
      (await stub.block({ now: T0 + 400 * SECOND, untilMs: T0 + 401 * SECOND, source: "x" })).started,
    ).toBe(true);
  });

  it("the first call after a block passed clears it and reports its end, once", async () => {
    const stub = budget();
    await stub.block({ now: T0, untilMs: T0 + 30 * SECOND, source: "cloudflare 429" });
    const during = await ask(stub, T0 + 29 * SECOND, key("k"), 1, config);
    expect(during.blockEnded).toBeUndefined();
    const first = await ask(stub, T0 + 30 * SECOND, key("k"), 1, config);
    expect(first).toMatchObject({
      granted: 1,
      blockEnded: { since: T0, until: T0 + 30 * SECOND, source: "cloudflare 429" },
    });
    expect((await ask(stub, T0 + 31 * SECOND, MONITOR, 1, config)).blockEnded).toBeUndefined();
    expect(await rowsOf(stub, "SELECT * FROM upstream_block")).toEqual([]);
  });

  it("a block already over when it arrives changes nothing", async () => {
    const stub = budget();
    expect(await stub.block({ now: T0, untilMs: T0, source: "late" })).toEqual({
      blockedUntil: null,
      started: false,
    });
    expect((await ask(stub, T0, MONITOR, 1, config)).granted).toBe(1);
  });
});

describe("UpstreamBudget: prune alarm", () => {
  it("schedules one prune after a write; the prune deletes only what no answer can count again", async () => {
    const stub = budget();
    const config = { limit: 100, reserve: 0 };
    // The callers' clock is years behind the wall clock: the prune must go by the callers' time.
    const past = Date.parse("2001-01-01T00:00:00Z");
    await ask(stub, past, key("early"), 3, config);
    await ask(stub, past + 12 * MINUTE, MONITOR, 2, config);
    await ask(stub, past + 20 * MINUTE, key("late"), 4, config);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).not.toBeNull();
    // The newest caller, and one whose clock lags it by 4 minutes: neither answer may change.
    const views = () =>
      Promise.all(
        [past + 20 * MINUTE + 30 * SECOND, past + 16 * MINUTE].map((now) =>
          stub.usage({ now, limitPer5Min: 100, reservePercent: 0 }),
        ),
      );
    const before = await views();
    expect(before.map((v) => v.window.used)).toEqual([4, 6]);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    // Kept: 5 minutes of window plus a 5-minute margin behind the newest second seen.
    expect(await rowsOf(stub, "SELECT second, permits FROM window_seconds ORDER BY second")).toEqual([
      { second: (past + 12 * MINUTE) / SECOND, permits: 2 },
      { second: (past + 20 * MINUTE) / SECOND, permits: 4 },
    ]);
    expect(await rowsOf(stub, "SELECT name FROM key_seconds")).toEqual([{ name: "late" }]);
    expect(await views()).toEqual(before);
    // The next write schedules the next prune.
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBeNull();
    await ask(stub, past + 21 * MINUTE, MONITOR, 1, config);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).not.toBeNull();
  });
});

describe("UpstreamBudget: cost of a call", () => {
  it("every statement of acquire and usage searches a key or an index (no full scan)", async () => {
    const stub = budget();
    await ask(stub, T0, key("k"), 1, { limit: 10, reserve: 0 });
    const second = T0 / SECOND;
    const statements: Array<[string, SqlStorageValue[]]> = [
      [READ_STATE_SQL, [second - 300, "k", second - 60]],
      [WINDOW_BUCKETS_SQL, [second - 300]],
      [KEY_BUCKETS_SQL, ["k", second - 60]],
      [KEYS_USAGE_SQL, [second - 60]],
    ];
    for (const [sql, bindings] of statements) expectNoFullScan(await planOf(stub, sql, bindings));
  });

  it("the read of acquire touches only the window's rows, however many old ones are stored", async () => {
    const stub = budget();
    const second = T0 / SECOND;
    const rowsRead = await runInDurableObject(stub, (_i, state) => {
      const sql = state.storage.sql;
      // An hour of old buckets for 20 keys that no prune has removed yet.
      for (let s = second - 3600; s < second; s++) {
        sql.exec(ADD_WINDOW_SQL, s, 1);
        sql.exec(ADD_KEY_SQL, `k${s % 20}`, s, 1, 0);
      }
      return sql.exec(READ_STATE_SQL, second - 300, "k0", second - 60).rowsRead;
    });
    // 300 window buckets, 3 of k0's in the last minute (twice), the block row: never the 3,600 + 3,600.
    expect(rowsRead).toBeLessThanOrEqual(320);
  });
});

describe("UpstreamBudget: input", () => {
  const good = { now: T0, caller: MONITOR, permits: 1, limitPer5Min: 10, reservePercent: 20 };
  const cases: Array<{ name: string; input: unknown }> = [
    { name: "no permits", input: { ...good, permits: 0 } },
    { name: "a stockpile of permits", input: { ...good, permits: 101 } },
    { name: "a fractional permit", input: { ...good, permits: 1.5 } },
    { name: "a negative clock", input: { ...good, now: -1 } },
    { name: "a reserve over 100 %", input: { ...good, reservePercent: 101 } },
    { name: "a negative limit", input: { ...good, limitPer5Min: -1 } },
    { name: "a key without a name", input: { ...good, caller: { kind: "key", name: "", perMinute: 1 } } },
  ];
  it.each(cases)("refuses $name, and counts nothing", async ({ input }) => {
    const stub = budget();
    // Inputs that break the declared type on purpose: the object must not trust its callers' types.
    const error = await rejectionOf(stub.acquire(input as Parameters<Stub["acquire"]>[0]));
    expect(String(error)).toMatch(/UpstreamBudget\.acquire: invalid input/);
    expect((await stub.usage({ now: T0, limitPer5Min: 10, reservePercent: 20 })).window.used).toBe(0);
  });
});
