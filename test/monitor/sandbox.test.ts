/**
 * The monitor end to end: the Worker's scheduled handler (cloudflare:test controller and context)
 * and runMonitor with the real providers against the sandbox simulators of both upstreams.
 */
import { env as runtimeEnv } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createCloudflareSimulator,
  createGjirafaSimulator,
  GJIRAFA_STATUS,
  instantSleep,
} from "../../sandbox";
import type { WebhookPayload } from "../../src/monitor/alerts/webhook";
import { loadReport } from "../../src/monitor/report";
import { runMonitor } from "../../src/monitor/run";
import { recordDeletion } from "../../src/state/deletions";
import { parseTestConfig as parseConfig } from "../helpers/config";
import { testClock } from "../helpers/deps";
import {
  CLOUDFLARE_BASE,
  PROJECT_P,
  UPSTREAM_CLOUDFLARE_TOKEN,
  UPSTREAM_GJIRAFA_KEY,
  ZONE_A,
  ZONE_B,
} from "../helpers/env";
import { createGateway } from "../helpers/gateway";
import { DAY, HOUR, receiver, resetStorage, WEBHOOK_URL } from "./helpers";

beforeEach(resetStorage);

function sandbox() {
  const clock = testClock();
  const cf = createCloudflareSimulator({
    zones: [
      { id: ZONE_A, name: "example.com" },
      { id: ZONE_B, name: "example.org" },
    ],
    credentials: [{ token: UPSTREAM_CLOUDFLARE_TOKEN }],
    now: clock.now,
    sleep: instantSleep,
  });
  const gj = createGjirafaSimulator({
    projects: [{ id: PROJECT_P }],
    apiKeys: [{ key: UPSTREAM_GJIRAFA_KEY }],
    now: clock.now,
    sleep: instantSleep,
  });
  const rx = receiver();
  const gw = createGateway({
    clock,
    simulators: { cloudflare: cf, gjirafa: gj },
    routes: { [new URL(WEBHOOK_URL).origin]: (r) => rx.fetch(r) },
    env: { GJIRAFA_PROJECTS: PROJECT_P, ALERT_WEBHOOK_URL: WEBHOOK_URL },
  });
  const { deps, env } = gw;
  const cron = async () => {
    await gw.scheduled();
    const stored = await loadReport(runtimeEnv.STATE);
    if (!stored) throw new Error("no report stored");
    return stored.latest;
  };
  const digests = () => rx.to(WEBHOOK_URL) as WebhookPayload[];
  return { clock, cf, gj, rx, deps, env, cron, digests };
}

describe("monitor against the sandbox simulators", () => {
  it("the scheduled handler checks every scope, isolates a failing one, alerts once, refreshes the list cache", async () => {
    const s = sandbox();
    const now = s.clock.now();
    s.cf.seedPack(ZONE_A, {
      hosts: ["example.com", "www.example.com"],
      status: "active",
      expiresOn: now + 10 * DAY,
    });
    s.cf.seedPack(ZONE_A, {
      hosts: ["example.com", "a.timeout.certgate.test"],
      status: "validation_timed_out",
    });
    s.cf.seedPack(ZONE_A, { hosts: ["example.com", "b.fail.certgate.test"], status: "pending_validation" });
    s.cf.seedPack(ZONE_A, { hosts: ["example.com", "c.stall.certgate.test"], status: "pending_validation" });
    s.cf.faults.add({
      path: `/zones/${ZONE_B}/ssl/certificate_packs`,
      fault: { kind: "status", status: 500 },
    });
    s.gj.seedCertificate(PROJECT_P, {
      domainName: "old.example.net",
      status: GJIRAFA_STATUS.expired,
      notBefore: now - 100 * DAY,
      notAfter: now - 10 * DAY,
    });

    const report = await s.cron();
    expect(Object.fromEntries(report.scopes.map((x) => [x.scope.id, x.outcome]))).toEqual({
      [ZONE_A]: "checked",
      [ZONE_B]: "failed",
      [PROJECT_P]: "checked",
    });
    const kinds = report.problems.map((p) => `${p.kind}@${p.scope.id}`).sort();
    expect(kinds).toEqual(
      [
        // A 90-day pack 10 days from expiry: Cloudflare should have renewed it 30 days out (one problem,
        // `late`; critical under 9 days).
        `late_renewal@${ZONE_A}`,
        `failed@${ZONE_A}`,
        `validation_errors@${ZONE_A}`,
        `source_down@${ZONE_B}`,
        `expired@${PROJECT_P}`,
      ].sort(),
    );
    const errors = report.problems.find((p) => p.kind === "validation_errors");
    expect(errors?.details.validation_errors?.join(" ")).toContain("CAA");
    expect(errors?.details.validation_records?.length).toBeGreaterThan(0);
    expect(s.digests()).toHaveLength(1);
    expect(report.run.subrequests.used).toBeLessThanOrEqual(50);
    // The lists fetched were handed to the list cache.
    expect(await runtimeEnv.CACHE.get(`certgate:v1:list:cloudflare:${ZONE_A}`)).not.toBeNull();

    // Next run: same problems, nothing new to say.
    s.clock.advance(15 * 60_000);
    await s.cron();
    expect(s.digests()).toHaveLength(1);

    // A day later the stalled pack is stuck: one new digest with just that.
    s.clock.advance(DAY);
    const later = await s.cron();
    expect(later.problems.some((p) => p.kind === "stuck")).toBe(true);
    expect(s.digests()).toHaveLength(2);
    expect(s.digests()[1]?.notifications.map((n) => `${n.event}:${n.problem.kind}`)).toContain(
      "opened:stuck",
    );
  });

  it("a deletion made elsewhere is a problem; one recorded by certgate is not", async () => {
    const s = sandbox();
    const mine = s.cf.seedPack(ZONE_A, { hosts: ["example.com", "mine.example.com"], status: "active" });
    const theirs = s.cf.seedPack(ZONE_A, { hosts: ["example.com", "theirs.example.com"], status: "active" });
    await s.cron();
    const del = (id: unknown) =>
      s.cf.fetch(`${CLOUDFLARE_BASE}/zones/${ZONE_A}/ssl/certificate_packs/${String(id)}`, {
        method: "DELETE",
        headers: { Authorization: `Bearer ${UPSTREAM_CLOUDFLARE_TOKEN}` },
      });
    expect((await del(mine.id)).status).toBe(200);
    await recordDeletion(
      runtimeEnv.STATE,
      { provider: "cloudflare", id: ZONE_A },
      String(mine.id),
      s.clock.now(),
    );
    expect((await del(theirs.id)).status).toBe(200);
    s.clock.advance(HOUR);
    const report = await s.cron();
    expect(report.problems.map((p) => [p.kind, p.hosts])).toEqual([
      ["deleted_outside_certgate", ["example.com", "theirs.example.com"]],
    ]);
  });

  it("runMonitor with the registry providers: a Cloudflare 429 with a long Retry-After is skipped, not slept", async () => {
    const s = sandbox();
    const slept: number[] = [];
    const deps = { ...s.deps, sleep: async (ms: number) => void slept.push(ms) };
    s.cf.faults.add({ fault: { kind: "rate_limited", retryAfter: 300 } });
    const parsed = parseConfig(s.env);
    if (!parsed.ok) throw new Error("config");
    const report = await runMonitor(deps, parsed.config, { trigger: "manual" });
    const rateLimited = report.scopes.filter((x) => x.provider === "cloudflare");
    // Checks run 6 at a time: a zone already in flight fails on the 429 too; none waits it out.
    for (const zone of rateLimited) expect(["failed", "skipped_rate_limited"]).toContain(zone.outcome);
    expect(rateLimited.some((x) => x.error?.code === "upstream_rate_limited")).toBe(true);
    expect(report.scopes.find((x) => x.scope.id === PROJECT_P)?.outcome).toBe("checked");
    expect(slept.filter((ms) => ms >= 1_000)).toEqual([]);
    expect(report.problems.map((p) => p.kind)).toContain("source_rate_limited");
  });
});
