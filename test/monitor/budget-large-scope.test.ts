/**
 * A scope bigger than a whole run's subrequest budget (a Gjirafa project of 60 certificates costs
 * 1 list page + 60 details; the Free plan allows 50 requests per invocation): the run is cut at the
 * budget instead of overrunning it, the scope is reported, and it never holds up the other scopes.
 * Requests are counted where they land, at the simulators, through the real providers and the real
 * HTTP core: the cap is the core's own (src/upstream/request.ts), not a test fake's.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_GJIRAFA_PROJECT_ID, DEMO_ZONES } from "../../sandbox";
import { createGateway } from "../helpers/gateway";
import { KEYS } from "../helpers/keys";
import { resetStorage } from "./helpers";

interface ReportBody {
  result: {
    run: { subrequests: { used: number; budget: number } };
    scopes: Array<{
      provider: string;
      scope: { id: string };
      outcome: string;
      last_checked_at: string | null;
    }>;
    problems: Array<{ kind: string; message: string; scope: { id: string } | null }>;
  };
}

describe("monitor: a scope larger than the budget", () => {
  beforeEach(resetStorage);

  it("is cut at the budget, reported, and never blocks the other scopes", async () => {
    const gw = createGateway({ env: { MONITOR_SUBREQUEST_BUDGET: "50" } });
    for (let i = 0; i < 60; i++) {
      gw.sims.gjirafa.seedCertificate(DEMO_GJIRAFA_PROJECT_ID, { domainName: `host${i}.bulk.example` });
    }
    const sent = () => gw.sims.cloudflare.count() + gw.sims.gjirafa.count();
    const runs: ReportBody["result"][] = [];
    for (let run = 0; run < 4; run++) {
      const before = sent();
      const res = await gw.json<ReportBody>("POST", "/v1/report/run", { key: KEYS.admin });
      expect(res.status).toBe(200);
      expect(sent() - before, `run ${run + 1} stays within the budget`).toBeLessThanOrEqual(50);
      runs.push(res.body.result);
      gw.clock.advance(15 * 60_000);
    }
    const last = runs[runs.length - 1];
    const project = last?.scopes.find((s) => s.scope.id === DEMO_GJIRAFA_PROJECT_ID);
    expect(project?.outcome).toBe("skipped_budget");
    // After the first run every zone is checked in every run: the oversized project, although it is
    // the least recently attempted scope from run 3 on, does not stall the rotation.
    runs.slice(1).forEach((report, i) => {
      for (const zone of report.scopes.filter((s) => s.provider === "cloudflare")) {
        expect(zone.outcome, `run ${i + 2}, zone ${zone.scope.id}`).toBe("checked");
      }
    });
    const problem = runs[0]?.problems.find((p) => p.scope?.id === DEMO_GJIRAFA_PROJECT_ID);
    expect(problem?.message).toContain("MONITOR_SUBREQUEST_BUDGET");
  });

  it("re-checks an unchanged project with its list alone: known details are reused", async () => {
    const gw = createGateway({ env: { MONITOR_SUBREQUEST_BUDGET: "200" } });
    for (let i = 0; i < 60; i++) {
      gw.sims.gjirafa.seedCertificate(DEMO_GJIRAFA_PROJECT_ID, { domainName: `host${i}.bulk.example` });
    }
    const perRun: number[] = [];
    for (let run = 0; run < 2; run++) {
      const before = gw.sims.gjirafa.count();
      const res = await gw.json<ReportBody>("POST", "/v1/report/run", { key: KEYS.admin });
      expect(res.status).toBe(200);
      perRun.push(gw.sims.gjirafa.count() - before);
      gw.clock.advance(15 * 60_000);
    }
    const certificates = gw.sims.gjirafa.certificates(DEMO_GJIRAFA_PROJECT_ID).length;
    // List pages are of the server's size (the simulator's default, 10), not one page of certgate's choosing.
    const pages = Math.ceil(certificates / 10);
    expect(perRun[0], "first run: the list and every detail").toBe(pages + certificates);
    expect(perRun[1], "second run: the list only").toBe(pages);
  });

  it("a zone of 3,000 packs with a budget of 50: no run sends more than 50 requests upstream", async () => {
    const gw = createGateway({ env: { MONITOR_SUBREQUEST_BUDGET: "50" } });
    const zone = DEMO_ZONES.example.id;
    for (let i = 0; i < 3_000; i++) {
      gw.sims.cloudflare.seedPack(zone, {
        hosts: ["example.com", `bulk${i}.example.com`],
        status: "active",
        validityDays: 90,
      });
    }
    // The zone alone would take 60 list pages of 50: more than the whole run may spend.
    expect(gw.sims.cloudflare.packs(zone).length).toBeGreaterThan(50 * 50);
    const sent = () => gw.sims.cloudflare.count() + gw.sims.gjirafa.count();
    const runs: ReportBody["result"][] = [];
    for (let run = 0; run < 2; run++) {
      const before = sent();
      const res = await gw.json<ReportBody>("POST", "/v1/report/run", { key: KEYS.admin });
      expect(res.status).toBe(200);
      const spent = sent() - before;
      expect(spent, `run ${run + 1}: requests that reached the simulators`).toBeLessThanOrEqual(50);
      expect(spent, `run ${run + 1} did check something`).toBeGreaterThan(0);
      expect(res.body.result.run.subrequests.used, "the report counts what was sent").toBeGreaterThanOrEqual(
        spent,
      );
      runs.push(res.body.result);
      gw.clock.advance(15 * 60_000);
    }
    // The first run found out the hard way (cut off mid-list); the next one knows and skips it up front.
    const first = runs[0]?.scopes.find((s) => s.scope.id === zone);
    expect(first?.outcome).toBe("skipped_budget");
    const problem = runs[0]?.problems.find((p) => p.scope?.id === zone);
    expect(problem?.message).toContain("MONITOR_SUBREQUEST_BUDGET");
    expect(runs[1]?.scopes.find((s) => s.scope.id === zone)?.outcome).toBe("skipped_budget");
    // The other zones are still checked.
    const others = runs[1]?.scopes.filter((s) => s.provider === "cloudflare" && s.scope.id !== zone) ?? [];
    expect(others.length).toBeGreaterThan(0);
    for (const other of others) expect(other.outcome, other.scope.id).toBe("checked");
  });
});
