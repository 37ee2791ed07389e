import { createExecutionContext, env as runtimeEnv, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { REPORT_KEY, type StoredReport } from "../../src/monitor/report";
import type { ReportView } from "../../src/monitor/report-view";
import { createWorker } from "../../src/worker";
import { routedFetch, testClock, testDeps } from "../helpers/deps";
import { PROJECT_P, PROJECT_Q, testEnv, ZONE_A, ZONE_B } from "../helpers/env";
import { bearer, KEYS, type TestKey } from "../helpers/keys";
import { cert, FAKE_UPSTREAM, fakeProvider, fakeRegistry, resetStorage } from "./helpers";

beforeEach(resetStorage);

/**
 * The whole worker over fake providers with one failed pack per scope, registered through the
 * registry injection (createWorker's `providers`), behind the real config, auth and error layers.
 */
function setup() {
  const clock = testClock();
  const deps = testDeps({ clock, fetch: routedFetch({ [FAKE_UPSTREAM]: () => new Response("{}") }) });
  const failed = (provider: "cloudflare" | "gjirafa", scope: string) => ({
    certs: [cert({ provider, scope, id: "1", status: "failed", provider_status: "validation_timed_out" })],
  });
  const cloudflare = fakeProvider("cloudflare", {
    [ZONE_A]: failed("cloudflare", ZONE_A),
    [ZONE_B]: failed("cloudflare", ZONE_B),
  });
  const gjirafa = fakeProvider("gjirafa", {
    [PROJECT_P]: failed("gjirafa", PROJECT_P),
    [PROJECT_Q]: failed("gjirafa", PROJECT_Q),
  });
  const worker = createWorker(deps, { providers: fakeRegistry(cloudflare, gjirafa).providers });
  const env = testEnv();
  const call = async (method: string, path: string, key?: TestKey) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`http://certgate.test${path}`, { method, headers: key ? bearer(key) : {} }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const body = (await res.json()) as {
      success: boolean;
      result: ReportView;
      errors: Array<{ code: string }>;
    };
    return { status: res.status, body };
  };
  return { clock, call, cloudflare };
}

describe("GET /v1/report and POST /v1/report/run", () => {
  it("before any run: 200, nothing checked, stale", async () => {
    const { call } = setup();
    const { status, body } = await call("GET", "/v1/report", KEYS.reports);
    expect(body.errors).toEqual([]);
    expect(status).toBe(200);
    expect(body.result).toMatchObject({ run: null, stale: true, scopes: [], problems: [] });
  });

  it("POST /v1/report/run (admin) runs the checks and returns the new report", async () => {
    const { call, cloudflare } = setup();
    const { status, body } = await call("POST", "/v1/report/run", KEYS.admin);
    expect(status).toBe(200);
    expect(body.success).toBe(true);
    expect(body.result.run?.trigger).toBe("manual");
    expect(body.result.problems.map((p) => [p.kind, p.scope.id]).sort()).toEqual(
      [ZONE_A, ZONE_B, PROJECT_P, PROJECT_Q].map((id) => ["failed", id]).sort(),
    );
    expect(cloudflare.listed.sort()).toEqual([ZONE_A, ZONE_B].sort());
  });

  it.each([
    { key: "reports", zones: [ZONE_A, ZONE_B], projects: [PROJECT_P, PROJECT_Q], history: "full" },
    { key: "zoneA", zones: [ZONE_A], projects: [PROJECT_P], history: "timings" },
    { key: "nothing", zones: [], projects: [], history: "timings" },
  ] as const)("a $key key sees only its zones and projects", async ({ key, zones, projects, history }) => {
    const { call } = setup();
    await call("POST", "/v1/report/run", KEYS.admin);
    const { status, body } = await call("GET", "/v1/report", KEYS[key]);
    expect(status).toBe(200);
    const visible = [...zones, ...projects].sort();
    expect(body.result.scopes.map((s) => s.scope.id).sort()).toEqual(visible);
    expect(body.result.problems.map((p) => p.scope.id).sort()).toEqual(visible);
    expect(body.result.totals.problems.critical).toBe(visible.length);
    const [latest] = body.result.history;
    if (history === "full") expect(latest).toHaveProperty("problems");
    else expect(latest).not.toHaveProperty("problems");
    // Nothing of a hidden scope leaks, not even its id.
    for (const id of [ZONE_A, ZONE_B, PROJECT_P, PROJECT_Q]) {
      if (!(visible as string[]).includes(id)) expect(JSON.stringify(body)).not.toContain(id);
    }
  });

  it("is stale once the last run is older than two intervals (the monitor is down)", async () => {
    const { call, clock } = setup();
    await call("POST", "/v1/report/run", KEYS.admin);
    clock.advance(30 * 60_000);
    expect((await call("GET", "/v1/report", KEYS.reports)).body.result.stale).toBe(false);
    clock.advance(1);
    const late = (await call("GET", "/v1/report", KEYS.reports)).body.result;
    expect(late.stale).toBe(true);
    expect(late.stale_after).toBe(
      new Date(Date.parse(late.run?.finished_at ?? "") + 30 * 60_000).toISOString(),
    );
  });

  it("a report stored before owners, acks, the heartbeat and `info` existed still reads, with their defaults", async () => {
    const { call } = setup();
    await call("POST", "/v1/report/run", KEYS.admin);
    const stored = (await runtimeEnv.STATE.get(REPORT_KEY, "json")) as StoredReport;
    // What the previous version wrote: none of the fields this version added.
    const { heartbeat: _h, ...run } = stored.latest.run;
    const { heartbeat: _s, ...subrequests } = run.subrequests;
    const older = {
      latest: {
        ...stored.latest,
        run: { ...run, subrequests },
        totals: { ...stored.latest.totals, problems: { critical: 4, warning: 0 } },
        scopes: stored.latest.scopes.map(({ owner: _o, runbook: _r, ...s }) => s),
        problems: stored.latest.problems.map(({ owner: _o, runbook: _r, ack: _a, ...p }) => p),
      },
      history: stored.history.map((h) => ({ ...h, problems: { critical: 4, warning: 0 } })),
    };
    await runtimeEnv.STATE.put(REPORT_KEY, JSON.stringify(older));
    const view = (await call("GET", "/v1/report", KEYS.reports)).body.result;
    expect(view.run).toMatchObject({ heartbeat: null, subrequests: { heartbeat: 0 } });
    expect(view.totals.problems).toEqual({ critical: 4, warning: 0, info: 0 });
    expect(view.scopes.every((s) => s.owner === null && s.runbook === null)).toBe(true);
    expect(view.problems).toHaveLength(4);
    expect(view.problems.every((p) => p.owner === null && p.runbook === null && p.ack === null)).toBe(true);
  });

  it.each([
    { method: "GET", path: "/v1/report", key: undefined, status: 401 },
    { method: "GET", path: "/v1/report", key: KEYS.reader, status: 403 },
    { method: "POST", path: "/v1/report/run", key: undefined, status: 401 },
    { method: "POST", path: "/v1/report/run", key: KEYS.reports, status: 403 },
    { method: "POST", path: "/v1/report/run", key: KEYS.writer, status: 403 },
  ])("$method $path with $key.entry.name -> $status", async ({ method, path, key, status }) => {
    const { call } = setup();
    const res = await call(method, path, key);
    expect(res.status).toBe(status);
    expect(res.body.success).toBe(false);
  });
});
