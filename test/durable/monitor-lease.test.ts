/**
 * MonitorLease: one run at a time under concurrent acquires, expiry of a dead run's lease, renew and
 * release only by the holder, and a random walk of operations checked against the lease's rules written
 * out as a ten-line model.
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Lease, MONITOR_LEASE_NAME, type MonitorLease } from "../../src/durable/monitor-lease";
import { freshStub, MINUTE, rejectionOf, SECOND, SEED, T0 } from "./helpers";

type Stub = DurableObjectStub<MonitorLease>;
const lease = (): Stub => freshStub(env.MONITOR_LEASE);
const TTL = MINUTE;

describe("MonitorLease: one run at a time", () => {
  it("10 concurrent acquires from 10 stubs of the singleton: exactly one holds, 9 are told who", async () => {
    const id = env.MONITOR_LEASE.idFromName(MONITOR_LEASE_NAME);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        env.MONITOR_LEASE.get(id).acquire({
          now: T0 + i,
          runId: `run-${i}`,
          trigger: i === 0 ? "cron" : "manual",
          ttlMs: TTL,
        }),
      ),
    );
    const winners = results.flatMap((r) => (r.ok ? [r.lease] : []));
    expect(winners).toHaveLength(1);
    const [winner] = winners;
    const holders = results.flatMap((r) => (r.ok ? [] : [r.holder]));
    expect(holders).toHaveLength(9);
    for (const holder of holders) expect(holder).toEqual(winner);
    expect(winner?.expiresAt).toBe((winner?.startedAt ?? 0) + TTL);
    expect(await env.MONITOR_LEASE.get(id).current({ now: T0 + 10 })).toEqual(winner);
    // Leave the singleton free for the other tests of this file.
    expect(await env.MONITOR_LEASE.get(id).release({ runId: winner?.runId ?? "" })).toBe(true);
  });

  it("a run that dies leaves a lease that expires at expiresAt; then the next run gets it", async () => {
    const stub = lease();
    expect(await stub.acquire({ now: T0, runId: "dead", trigger: "cron", ttlMs: TTL })).toEqual({
      ok: true,
      lease: { runId: "dead", trigger: "cron", startedAt: T0, expiresAt: T0 + TTL },
    });
    const busy = await stub.acquire({ now: T0 + TTL - 1, runId: "next", trigger: "manual", ttlMs: TTL });
    expect(busy).toEqual({
      ok: false,
      holder: { runId: "dead", trigger: "cron", startedAt: T0, expiresAt: T0 + TTL },
    });
    expect(await stub.current({ now: T0 + TTL - 1 })).toMatchObject({ runId: "dead" });
    expect(await stub.current({ now: T0 + TTL })).toBeNull();
    expect(await stub.acquire({ now: T0 + TTL, runId: "next", trigger: "cron", ttlMs: TTL })).toMatchObject({
      ok: true,
      lease: { runId: "next", startedAt: T0 + TTL },
    });
  });

  it("release by anyone but the holder does nothing; the holder's release frees it at once", async () => {
    const stub = lease();
    await stub.acquire({ now: T0, runId: "a", trigger: "manual", ttlMs: TTL });
    expect(await stub.release({ runId: "b" })).toBe(false);
    expect(await stub.current({ now: T0 + SECOND })).toMatchObject({ runId: "a" });
    expect(await stub.release({ runId: "a" })).toBe(true);
    expect(await stub.current({ now: T0 + SECOND })).toBeNull();
    expect((await stub.acquire({ now: T0 + SECOND, runId: "b", trigger: "manual", ttlMs: TTL })).ok).toBe(
      true,
    );
  });

  it("renew: only the holder, only before expiry; a run whose lease was taken cannot release its successor's", async () => {
    const stub = lease();
    await stub.acquire({ now: T0, runId: "a", trigger: "cron", ttlMs: TTL });
    expect(await stub.renew({ now: T0 + 30 * SECOND, runId: "a", ttlMs: TTL })).toBe(true);
    expect(await stub.current({ now: T0 + 80 * SECOND })).toMatchObject({
      runId: "a",
      expiresAt: T0 + 90 * SECOND,
    });
    expect(await stub.renew({ now: T0 + 80 * SECOND, runId: "b", ttlMs: TTL })).toBe(false);
    // Expired, though nobody took it yet: the run must stop, a renew does not revive it.
    expect(await stub.renew({ now: T0 + 90 * SECOND, runId: "a", ttlMs: TTL })).toBe(false);
    expect(await stub.current({ now: T0 + 90 * SECOND })).toBeNull();
    expect((await stub.acquire({ now: T0 + 91 * SECOND, runId: "b", trigger: "cron", ttlMs: TTL })).ok).toBe(
      true,
    );
    expect(await stub.release({ runId: "a" })).toBe(false);
    expect(await stub.renew({ now: T0 + 92 * SECOND, runId: "a", ttlMs: TTL })).toBe(false);
    expect(await stub.current({ now: T0 + 92 * SECOND })).toMatchObject({ runId: "b" });
  });

  it("the holder acquiring again (a retried call) keeps its lease and start, extended", async () => {
    const stub = lease();
    await stub.acquire({ now: T0, runId: "a", trigger: "manual", ttlMs: TTL });
    expect(await stub.acquire({ now: T0 + 10 * SECOND, runId: "a", trigger: "manual", ttlMs: TTL })).toEqual({
      ok: true,
      lease: { runId: "a", trigger: "manual", startedAt: T0, expiresAt: T0 + 10 * SECOND + TTL },
    });
  });
});

describe("MonitorLease: random operations against the rules", () => {
  /** The rules, as plainly as they can be written: the model the object must agree with. */
  class Model {
    lease: Lease | null = null;
    held(now: number): Lease | null {
      return this.lease && now < this.lease.expiresAt ? this.lease : null;
    }
  }

  const op = fc.record({
    kind: fc.constantFrom("acquire", "renew", "release", "current"),
    run: fc.constantFrom("r0", "r1", "r2"),
    advanceMs: fc.integer({ min: 0, max: 90 * SECOND }),
    ttlMs: fc.integer({ min: 1, max: 2 * MINUTE }),
  });

  it("every answer matches the model, and no acquire succeeds while another run holds the lease", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const stub = lease();
        const model = new Model();
        let now = T0;
        for (const o of ops) {
          now += o.advanceMs;
          const held = model.held(now);
          switch (o.kind) {
            case "acquire": {
              const got = await stub.acquire({ now, runId: o.run, trigger: "cron", ttlMs: o.ttlMs });
              if (held && held.runId !== o.run) {
                expect(got).toEqual({ ok: false, holder: held });
              } else {
                model.lease = {
                  runId: o.run,
                  trigger: "cron",
                  startedAt: held?.startedAt ?? now,
                  expiresAt: now + o.ttlMs,
                };
                expect(got).toEqual({ ok: true, lease: model.lease });
              }
              break;
            }
            case "renew": {
              const mine = held?.runId === o.run;
              expect(await stub.renew({ now, runId: o.run, ttlMs: o.ttlMs })).toBe(mine);
              if (mine && model.lease) model.lease = { ...model.lease, expiresAt: now + o.ttlMs };
              break;
            }
            case "release": {
              const mine = model.lease?.runId === o.run;
              expect(await stub.release({ runId: o.run })).toBe(mine);
              if (mine) model.lease = null;
              break;
            }
            case "current":
              expect(await stub.current({ now })).toEqual(held);
              break;
          }
        }
      }),
      { numRuns: 60, seed: SEED },
    );
  });
});

describe("MonitorLease: input", () => {
  const cases: Array<{ name: string; input: unknown }> = [
    { name: "a zero ttl", input: { now: T0, runId: "a", trigger: "cron", ttlMs: 0 } },
    {
      name: "a ttl over a day",
      input: { now: T0, runId: "a", trigger: "cron", ttlMs: 24 * 60 * MINUTE + 1 },
    },
    { name: "an empty run id", input: { now: T0, runId: "", trigger: "cron", ttlMs: TTL } },
    { name: "an unknown trigger", input: { now: T0, runId: "a", trigger: "webhook", ttlMs: TTL } },
  ];
  it.each(cases)("acquire refuses $name and takes nothing", async ({ input }) => {
    const stub = lease();
    const error = await rejectionOf(stub.acquire(input as Parameters<Stub["acquire"]>[0]));
    expect(String(error)).toMatch(/MonitorLease\.acquire: invalid input/);
    expect(await stub.current({ now: T0 })).toBeNull();
  });
});
