import { beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { PROJECT_P, ZONE_A, ZONE_B } from "../helpers/env";
import { harness } from "./harness";
import { cert, type FakeScope, HOUR, resetStorage } from "./helpers";

beforeEach(resetStorage);

const QUARTER = 15 * 60_000;
const zoneId = (i: number) => i.toString(16).padStart(32, "0");

describe("monitor budget, rotation and rate limits", () => {
  it("30 zones with a budget of 50: every run stays in budget and every zone is covered within 3 runs", async () => {
    const zones = Array.from({ length: 30 }, (_, i) => zoneId(i + 1));
    const scopes: Record<string, FakeScope> = {};
    // Some zones need 3 list pages: the plan learns their real cost after the first check.
    zones.forEach((z, i) => {
      scopes[z] = {
        certs: [cert({ scope: z, id: "p1" })],
        quota: { used: 1, allocated: 10 },
        pages: i % 5 === 0 ? 3 : 1,
      };
    });
    const h = harness({
      cloudflare: scopes,
      vars: { CLOUDFLARE_ZONES: zones.join(","), GJIRAFA_PROJECTS: "" },
    });
    const checkedAt = new Map<string, number>();
    for (let run = 1; run <= 3; run++) {
      const report = await h.run();
      expect(report.run.subrequests.used).toBeLessThanOrEqual(50);
      for (const s of report.scopes) if (s.outcome === "checked") checkedAt.set(s.scope.id, run);
      h.clock.advance(QUARTER);
    }
    expect([...checkedAt.keys()].sort()).toEqual([...zones].sort());
    // The report tells each zone's coverage.
    const last = await h.run();
    expect(last.scopes).toHaveLength(zones.length);
    expect(last.scopes.every((s) => s.last_checked_at !== null)).toBe(true);
    expect(last.scopes.filter((s) => s.outcome === "skipped_budget").length).toBeGreaterThan(0);
  });

  it("the heartbeat ping is reserved like an alert channel: the checks never spend it", async () => {
    const zones = Array.from({ length: 30 }, (_, i) => zoneId(i + 1));
    const HEARTBEAT = "https://hc-ping.test/4c1d2e3f-0000-4000-8000-000000000001";
    const h = harness({
      cloudflare: Object.fromEntries(zones.map((z) => [z, { certs: [] }])),
      vars: {
        CLOUDFLARE_ZONES: zones.join(","),
        GJIRAFA_PROJECTS: "",
        MONITOR_SUBREQUEST_BUDGET: "11",
        MONITOR_HEARTBEAT_URL: HEARTBEAT,
      },
    });
    const report = await h.run();
    // 11 = 1 webhook (reserved) + 1 heartbeat (reserved) + 9 for checks: 4 zones of 2 calls, the 9th call unused
    // (an unreserved heartbeat would let a 5th zone take it, and the ping would go unsent).
    expect(report.run.subrequests).toMatchObject({ budget: 11, upstream: 8, heartbeat: 1 });
    expect(report.run.subrequests.used).toBeLessThanOrEqual(11);
    expect(report.run.heartbeat).toEqual({ url_configured: true, ok: true, status: 200 });
    // Not every scope was checked this run: the ping says so.
    expect(h.rx.bodies.map((b) => b.url).filter((u) => u.startsWith("https://hc-ping.test"))).toEqual([
      `${HEARTBEAT}/fail`,
    ]);
  });

  it("rotation is least-recently-checked first: the zones skipped in run 1 go first in run 2", async () => {
    const zones = Array.from({ length: 30 }, (_, i) => zoneId(i + 1));
    const scopes = Object.fromEntries(
      zones.map((z) => [z, { certs: [], quota: { used: 0, allocated: 10 } }]),
    );
    const h = harness({
      cloudflare: scopes,
      vars: { CLOUDFLARE_ZONES: zones.join(","), GJIRAFA_PROJECTS: "" },
    });
    const first = await h.run();
    const skipped = first.scopes.filter((s) => s.outcome === "skipped_budget").map((s) => s.scope.id);
    expect(skipped.length).toBe(30 - 24);
    h.clock.advance(QUARTER);
    h.cf.listed.length = 0;
    await h.run();
    expect(h.cf.listed.slice(0, skipped.length).sort()).toEqual(skipped.sort());
  });

  it("a long Retry-After skips the provider (this run and until it passes), never sleeps, and is reported", async () => {
    const slept: number[] = [];
    const h = harness({
      cloudflare: {
        [ZONE_A]: {
          certs: [],
          error: new AppError("upstream_rate_limited", "Cloudflare rate limit", {
            provider: "cloudflare",
            retry_after: 3600,
          }),
        },
        [ZONE_B]: { certs: [] },
      },
      gjirafa: { [PROJECT_P]: { certs: [] } },
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    const first = await h.run();
    expect(first.problems.map((p) => [p.kind, p.scope.id, p.details.retry_after])).toEqual([
      ["source_rate_limited", ZONE_A, 3600],
    ]);
    expect(first.scopes.find((s) => s.scope.id === ZONE_A)?.error).toMatchObject({
      code: "upstream_rate_limited",
      retry_after: 3600,
    });

    h.clock.advance(QUARTER);
    h.cf.listed.length = 0;
    const second = await h.run();
    expect(h.cf.listed).toEqual([]);
    expect(second.scopes.filter((s) => s.provider === "cloudflare").map((s) => s.outcome)).toEqual([
      "skipped_rate_limited",
      "skipped_rate_limited",
    ]);
    expect(second.scopes.find((s) => s.scope.id === PROJECT_P)?.outcome).toBe("checked");
    expect(second.problems.map((p) => p.kind)).toEqual(["source_rate_limited"]);
    expect(slept.filter((ms) => ms >= 1000)).toEqual([]);

    h.cf.data.set(ZONE_A, { certs: [] });
    h.clock.advance(HOUR);
    const third = await h.run();
    expect(third.problems).toEqual([]);
    expect(h.notificationsSince(0).map((n) => `${n.event}:${n.problem.kind}`)).toEqual([
      "opened:source_rate_limited",
      "resolved:source_rate_limited",
    ]);
  });
});

describe("monitor concurrency", () => {
  it("never has more than 6 upstream requests in flight", async () => {
    const zones = Array.from({ length: 20 }, (_, i) => zoneId(i + 1));
    const h = harness({
      cloudflare: Object.fromEntries(zones.map((z) => [z, { certs: [] }])),
      vars: { CLOUDFLARE_ZONES: zones.join(","), GJIRAFA_PROJECTS: "", MONITOR_SUBREQUEST_BUDGET: "1000" },
    });
    let inFlight = 0;
    let peak = 0;
    const list = h.cf.listAll.bind(h.cf);
    h.cf.listAll = async (ctx, scope) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      return list(ctx, scope);
    };
    const report = await h.run();
    expect(report.totals.checked).toBe(20);
    expect(peak).toBe(6);
  });
});
