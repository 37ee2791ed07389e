/**
 * One monitor run at a time (the MonitorLease wired into every run): concurrent manual runs, the cron
 * meeting a running run, a dead run's lease expiring before the next interval, and a run that outlived
 * its lease stopping before it acts.
 */
import { env as runtimeEnv } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { MONITOR_LEASE_NAME } from "../../src/durable/monitor-lease";
import { leaseTtlMs } from "../../src/monitor/lease";
import { loadReport } from "../../src/monitor/report";
import type { ReportView } from "../../src/monitor/report-view";
import { ZONE_A } from "../helpers/env";
import { KEYS } from "../helpers/keys";
import { MINUTE_MS, resetStorage } from "./helpers";
import { lifecycle } from "./lifecycle-harness";

beforeEach(resetStorage);

const leaseStub = () => runtimeEnv.MONITOR_LEASE.get(runtimeEnv.MONITOR_LEASE.idFromName(MONITOR_LEASE_NAME));

interface Envelope {
  success: boolean;
  errors: Array<{ code: string; message: string; run_id?: string }>;
  result: ReportView | null;
}

/** A gate the first upstream call of a run waits at, until the test opens it (or 5 s pass, never a hang). */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
    setTimeout(resolve, 5_000);
  });
  let entered = 0;
  return {
    open: () => open(),
    get entered() {
      return entered;
    },
    hook: async (_p: string, request: Request, next: (r?: Request) => Promise<Response>) => {
      entered += 1;
      await opened;
      return next(request);
    },
  };
}

describe("one monitor run at a time", () => {
  it("10 concurrent POST /v1/report/run: exactly one runs (200), 9 answer 409 monitor_busy naming it", async () => {
    const g = gate();
    const s = lifecycle({}, { upstream: (p, r, next) => g.hook(p, r, next) });
    s.cf.seedPack(ZONE_A, {
      hosts: ["shop.example.com"],
      status: "active",
      validityDays: 90,
      issuedOn: s.start,
    });
    let answered = 0;
    const runs = Array.from({ length: 10 }, () =>
      s.gw.json<Envelope>("POST", "/v1/report/run", { key: KEYS.admin }).then((a) => {
        answered += 1;
        // The one run waits upstream until every other request has been answered.
        if (answered === 9) g.open();
        return a;
      }),
    );
    const answers = await Promise.all(runs);
    const ok = answers.filter((a) => a.status === 200);
    const busy = answers.filter((a) => a.status === 409);
    expect(ok).toHaveLength(1);
    expect(busy).toHaveLength(9);
    const runId = ok[0]?.body.result?.run?.id;
    expect(runId).toMatch(/^run_[0-9a-z]+_[0-9a-f]{10}$/);
    for (const b of busy) {
      expect(b.body.errors).toEqual([
        {
          code: "monitor_busy",
          message: expect.stringContaining("Another monitor run (manual"),
          run_id: runId,
          request_id: expect.any(String),
        },
      ]);
    }
    // Only the one run went upstream; the lease is free again.
    expect((await leaseStub().current({ now: s.clock.now() })) ?? null).toBeNull();
    expect((await loadReport(runtimeEnv.STATE))?.history.map((h) => h.id)).toEqual([runId]);
  });

  it("the cron skips (and logs) while a manual run holds the lease; the manual run finishes normally", async () => {
    const g = gate();
    const s = lifecycle({}, { upstream: (p, r, next) => g.hook(p, r, next) });
    const manual = s.gw.json<Envelope>("POST", "/v1/report/run", { key: KEYS.admin });
    while (g.entered === 0) await new Promise((r) => setTimeout(r, 1));
    const holder = await leaseStub().current({ now: s.clock.now() });
    expect(holder).toMatchObject({ trigger: "manual" });
    await s.gw.scheduled();
    const skipped = s.gw.deps.logs.filter((l) => l.event === "monitor_run_skipped");
    expect(skipped).toEqual([expect.objectContaining({ level: "warn", running_run_id: holder?.runId })]);
    // The skipped cron neither pinged the heartbeat nor ran: only the manual run's calls went out.
    expect(s.pings).toEqual([]);
    g.open();
    const answer = await manual;
    expect(answer.status).toBe(200);
    expect(answer.body.result?.run?.id).toBe(holder?.runId);
    expect(s.pings).toHaveLength(1);
  });

  it("a run that dies leaves a lease that expires before the next interval: that cron runs normally", async () => {
    const s = lifecycle();
    const ttl = leaseTtlMs(15);
    expect(ttl).toBe(7.5 * MINUTE_MS);
    // A cron run took the lease and died (its isolate was killed): nothing releases it.
    await leaseStub().acquire({ now: s.clock.now(), runId: "run_dead", trigger: "cron", ttlMs: ttl });
    const busy = await s.gw.json<Envelope>("POST", "/v1/report/run", { key: KEYS.admin });
    expect(busy.status).toBe(409);
    expect(busy.body.errors[0]).toMatchObject({ code: "monitor_busy", run_id: "run_dead" });
    s.clock.advance(MINUTE_MS);
    await s.gw.scheduled();
    expect(await loadReport(runtimeEnv.STATE)).toBeNull();
    // The next interval: the dead run's lease has expired.
    s.clock.advance(14 * MINUTE_MS);
    await s.gw.scheduled();
    expect((await loadReport(runtimeEnv.STATE))?.latest.run.trigger).toBe("cron");
    expect(s.pings).toHaveLength(1);
  });

  it("a run that outlived its lease (another run took it) stops before it acts: no alert, no STATE write", async () => {
    let stalled = false;
    const s = lifecycle(
      {},
      {
        upstream: async (_p, request, next) => {
          if (!stalled) {
            stalled = true;
            // The run stalls past its lease; the next cron takes it meanwhile.
            s.clock.advance(leaseTtlMs(15) + 1);
            await leaseStub().acquire({
              now: s.clock.now(),
              runId: "run_next",
              trigger: "cron",
              ttlMs: leaseTtlMs(15),
            });
          }
          return next(request);
        },
      },
    );
    s.cf.seedPack(ZONE_A, {
      hosts: ["late.example.com"],
      status: "active",
      validityDays: 90,
      issuedOn: s.start - 70 * 86_400_000,
    });
    const answer = await s.gw.json<Envelope>("POST", "/v1/report/run", { key: KEYS.admin });
    expect(answer.status).toBe(409);
    expect(answer.body.errors[0]?.code).toBe("monitor_busy");
    expect(s.notifications()).toEqual([]);
    expect(s.pings).toEqual([]);
    expect(await loadReport(runtimeEnv.STATE)).toBeNull();
    expect(s.gw.deps.logs.some((l) => l.event === "monitor_lease_lost")).toBe(true);
    // Its release did not free the other run's lease.
    expect(await leaseStub().current({ now: s.clock.now() })).toMatchObject({ runId: "run_next" });
  });
});
