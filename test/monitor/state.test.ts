/**
 * The monitor's stored state: readable keys (format 2), and a format 1 state (short observation keys)
 * migrated on read, so a deployment keeps its dedupe state and its stuck clocks across the upgrade.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { loadState, STATE_KEY } from "../../src/monitor/state";
import { ZONE_A } from "../helpers/env";
import { harness } from "./harness";
import { cert, HOUR, resetStorage } from "./helpers";

beforeEach(resetStorage);

/** What a run of the previous version stored: one pending pack seen 20 hours ago, a failed one alerted. */
function formatOneState(now: number) {
  const seen = now - 20 * HOUR;
  const failedId = `cloudflare:${ZONE_A}:f1`;
  return {
    v: 1,
    scopes: {
      [`cloudflare:${ZONE_A}`]: {
        last_attempt_at: seen,
        last_success_at: seen,
        last_cost: 2,
        last_error: null,
        counts: { pending_validation: 1, failed: 1 },
        total: 2,
        quota: null,
        certs: {
          p1: {
            cid: `cloudflare:${ZONE_A}:p1`,
            hosts: ["p1.example.com"],
            n: "pending_validation",
            s: "pending_validation",
            since: seen,
            exp: null,
          },
          f1: {
            cid: failedId,
            hosts: ["f1.example.com"],
            n: "failed",
            s: "validation_timed_out",
            since: seen,
            exp: null,
          },
        },
      },
    },
    problems: [
      {
        fingerprint: `failed:${failedId}@none`,
        kind: "failed",
        severity: "critical",
        level: "critical",
        provider: "cloudflare",
        scope: { kind: "zone", id: ZONE_A },
        certificate_id: failedId,
        hosts: ["f1.example.com"],
        message: "f1.example.com: validation_timed_out, needs action",
        details: {},
        first_seen: seen,
        last_seen: seen,
        event_until: null,
      },
    ],
    outbox: { webhook: [], slack: [] },
    dropped: { webhook: 0, slack: 0 },
    remediation: {},
    cooldown: {},
  };
}

describe("monitor state", () => {
  it("is stored in format 2, every field named in words", async () => {
    const h = harness({
      cloudflare: { [ZONE_A]: { certs: [cert({ scope: ZONE_A, id: "p1", status: "pending_validation" })] } },
    });
    await h.run();
    const stored = (await h.config.state.get(STATE_KEY, "json")) as {
      v: number;
      scopes: Record<string, { certs: Record<string, Record<string, unknown>> }>;
    };
    expect(stored.v).toBe(2);
    expect(Object.keys(stored.scopes[`cloudflare:${ZONE_A}`]?.certs.p1 ?? {}).sort()).toEqual([
      "certificate_id",
      "expires_at",
      "hosts",
      "provider_status",
      "status",
      "status_since",
    ]);
  });

  it("reads a format 1 state into format 2", async () => {
    const h = harness();
    await h.config.state.put(STATE_KEY, JSON.stringify(formatOneState(h.clock.now())));
    const discarded: string[] = [];
    const state = await loadState(h.config.state, (issues) => discarded.push(issues));
    expect(discarded).toEqual([]);
    expect(state.v).toBe(2);
    expect(state.scopes[`cloudflare:${ZONE_A}`]?.certs.p1).toEqual({
      certificate_id: `cloudflare:${ZONE_A}:p1`,
      hosts: ["p1.example.com"],
      status: "pending_validation",
      provider_status: "pending_validation",
      status_since: h.clock.now() - 20 * HOUR,
      expires_at: null,
    });
  });

  it("after the upgrade, an alerted problem is not alerted again and the stuck clock keeps running", async () => {
    const pending = cert({ scope: ZONE_A, id: "p1", status: "pending_validation", expires_at: null });
    const failed = cert({
      scope: ZONE_A,
      id: "f1",
      status: "failed",
      provider_status: "validation_timed_out",
      expires_at: null,
    });
    const h = harness({ cloudflare: { [ZONE_A]: { certs: [pending, failed] } } });
    await h.config.state.put(STATE_KEY, JSON.stringify(formatOneState(h.clock.now())));
    const first = await h.run();
    // The failed pack was alerted by the previous version: no new "opened" notification.
    expect(h.notificationsSince(0)).toEqual([]);
    expect(first.problems.map((p) => p.kind)).toEqual(["failed"]);
    // Seen pending 20 hours ago by the previous version: stuck 4 hours later, not 24.
    h.clock.advance(4 * HOUR);
    const later = await h.run();
    expect(later.problems.map((p) => p.kind).sort()).toEqual(["failed", "stuck"]);
  });

  it.each([
    {
      mode: "the ladder (MONITOR_EXPIRY_DAYS set)",
      vars: { MONITOR_EXPIRY_DAYS: "30,14,7,1" },
      level: "late:30d",
    },
    { mode: "lifetime (the new default)", vars: {}, level: "late" },
  ])(
    "expiry problems of the previous version (one per kind and rung) become one lifecycle: nothing re-alerted under $mode",
    async ({ vars, level }) => {
      // 25 days before expiry of a 90-day Cloudflare pack: the previous version had alerted `expiring` at
      // the 30-day rung and `late_renewal`, two problems, with its own report (no owner, ack, heartbeat, info).
      const expires_at = new Date(Date.parse("2026-11-23T12:00:00Z") + 25 * 86_400_000).toISOString();
      const pack = cert({ scope: ZONE_A, id: "p9", expires_at });
      const h = harness({ cloudflare: { [ZONE_A]: { certs: [pack] } }, vars });
      const seen = h.clock.now() - 5 * HOUR;
      const old = (kind: string, severity: string, lvl: string) => ({
        fingerprint: `${kind}:${pack.id}@${expires_at}`,
        kind,
        severity,
        level: lvl,
        provider: "cloudflare",
        scope: { kind: "zone", id: ZONE_A },
        certificate_id: pack.id,
        hosts: pack.hosts,
        message: "an earlier message",
        details: {},
        first_seen: seen,
        last_seen: seen,
        event_until: null,
      });
      const state = formatOneState(h.clock.now());
      state.problems = [old("expiring", "warning", "30d"), old("late_renewal", "warning", "warning")];
      state.scopes[`cloudflare:${ZONE_A}`] = { ...state.scopes[`cloudflare:${ZONE_A}`], certs: {} } as never;
      await h.config.state.put(STATE_KEY, JSON.stringify(state));
      const loaded = await loadState(h.config.state, () => {});
      expect(loaded.problems.map((p) => [p.fingerprint, p.kind, p.level, p.first_seen])).toEqual([
        [`expiry:${pack.id}@${expires_at}`, "late_renewal", "late:30d", seen],
      ]);
      const report = await h.run();
      expect(h.notificationsSince(0)).toEqual([]);
      expect(report.problems.map((p) => [p.kind, p.level, p.first_seen])).toEqual([
        ["late_renewal", level, new Date(seen).toISOString()],
      ]);
    },
  );

  it("a stored value that parses as no format is discarded and logged; the run starts afresh", async () => {
    const h = harness();
    await h.config.state.put(STATE_KEY, JSON.stringify({ v: 7, scopes: "nonsense" }));
    await h.run();
    expect(h.deps.logs.some((l) => l.event === "monitor_state_discarded")).toBe(true);
  });
});
