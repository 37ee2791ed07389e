/**
 * GET /metrics on the whole worker over the demo simulators: who may scrape, what a zone-limited key
 * sees (its zones only, every family), that the values are the monitor's and the cached lists', and
 * that a scrape never calls an upstream.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { FAMILY_NAMES } from "../../src/metrics/families";
import { NORMALIZED_STATUSES } from "../../src/model/certificate";
import { PROBLEM_KINDS, SEVERITIES } from "../../src/monitor/problems";
import { resetStorage } from "../helpers/kv";
import { parseExposition, type Sample } from "../node/exposition";
import { PROJECT, VIEW_KEYS, viewsGateway, ZONE_EXAMPLE, ZONE_LAB, ZONE_SHOP } from "./helpers";

beforeEach(resetStorage);

const MINUTE = 60_000;

async function scrape(gw: ReturnType<typeof viewsGateway>, key = VIEW_KEYS.onCall) {
  const res = await gw.call("GET", "/metrics", { key });
  const text = await res.text();
  return { res, text, exposition: parseExposition(text) };
}

const of = (samples: Sample[], name: string) => samples.filter((s) => s.name === name);

describe("GET /metrics: who may scrape", () => {
  it("answers 401 without a key, 403 to a key without reports:read", async () => {
    const gw = viewsGateway();
    const anonymous = await gw.call("GET", "/metrics");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="certgate"');
    const lister = await gw.call("GET", "/metrics", { key: VIEW_KEYS.reader });
    expect(lister.status).toBe(403);
  });

  it("serves text format 0.0.4, never cached", async () => {
    const gw = viewsGateway();
    const { res } = await scrape(gw);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

describe("GET /metrics after a monitor run, for a key limited to one zone and one project", () => {
  it("has HELP and TYPE gauge for every family, and nothing else", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const { exposition } = await scrape(gw);
    expect([...exposition.families.keys()]).toEqual(FAMILY_NAMES);
    for (const [name, family] of exposition.families) {
      expect(family.help, name).toBeTruthy();
      expect(family.type, name).toBe("gauge");
    }
    expect(exposition.samples.filter((s) => !exposition.families.has(s.name))).toEqual([]);
  });

  it("shows the key's zone and project and no series, label or id of any other", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const { text, exposition } = await scrape(gw);
    const scopes = new Set(exposition.samples.map((s) => s.labels.scope).filter(Boolean));
    expect([...scopes].sort()).toEqual([ZONE_EXAMPLE, PROJECT].sort());
    for (const other of [ZONE_SHOP, ZONE_LAB]) expect(text).not.toContain(other);
    // The shop zone's quota (9 of 10) and the lab zone's expired pack are not counted either.
    expect(of(exposition.samples, "certgate_quota_used").map((s) => s.labels.scope)).toEqual([ZONE_EXAMPLE]);
    const expired = of(exposition.samples, "certgate_monitor_problems").find(
      (s) => s.labels.kind === "expired" && s.labels.severity === "critical",
    );
    expect(expired?.value).toBe(0);
    // ... while a key for every zone sees them.
    const all = await scrape(gw, VIEW_KEYS.everything);
    expect(all.text).toContain(ZONE_SHOP);
    expect(all.text).toContain(ZONE_LAB);
  });

  it("has one x509 series per certificate of /v1, with its expiry, exporter labels where known", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const listed = await gw.json<{
      result: Array<{ id: string; expires_at: string | null; status: string }>;
    }>("GET", `/v1/certificates?per_page=100`, { key: VIEW_KEYS.admin });
    const { exposition } = await scrape(gw);
    const mine = listed.body.result.filter((c) => c.id.includes(ZONE_EXAMPLE) || c.id.includes(PROJECT));
    const notAfter = of(exposition.samples, "x509_cert_not_after");
    const withExpiry = mine.filter((c) => c.expires_at !== null);
    expect(notAfter.map((s) => s.labels.certificate_id).sort()).toEqual(withExpiry.map((c) => c.id).sort());
    for (const c of withExpiry) {
      const s = notAfter.find((x) => x.labels.certificate_id === c.id);
      expect(s?.value, c.id).toBe(Math.floor(Date.parse(c.expires_at ?? "") / 1000));
      expect(s?.labels.status, c.id).toBe(c.status);
    }
    // Gjirafa's imported certificate: one X.509 certificate with a serial and an issuer DN.
    const imported = notAfter.find((s) => s.labels.subject_CN === "imported.demo.certgate.test");
    expect(imported?.labels).toMatchObject({
      provider: "gjirafa",
      scope: PROJECT,
      issuer_CN: "certgate sandbox test CA",
      serial_number: "0123456789ABCDEF",
    });
    // Cloudflare packs name no serial and give a CA's brand, not a DN: no exporter labels at all.
    for (const s of notAfter.filter((x) => x.labels.provider === "cloudflare")) {
      expect(Object.keys(s.labels).sort()).toEqual(["certificate_id", "provider", "scope", "status"]);
    }
    // not_before only where the provider reports one (Gjirafa).
    const notBefore = of(exposition.samples, "x509_cert_not_before");
    expect(notBefore.length).toBeGreaterThan(0);
    expect(notBefore.every((s) => s.labels.provider === "gjirafa")).toBe(true);
  });

  it("marks expiry and status as the model says: expired 0/1, one status of the set at 1", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const { exposition } = await scrape(gw, VIEW_KEYS.everything);
    const now = gw.clock.now() / 1000;
    for (const s of of(exposition.samples, "x509_cert_not_after")) {
      const expired = of(exposition.samples, "x509_cert_expired").find(
        (e) => e.labels.certificate_id === s.labels.certificate_id,
      );
      expect(expired?.value, s.labels.certificate_id).toBe(s.value <= now ? 1 : 0);
    }
    expect(of(exposition.samples, "x509_cert_expired").some((s) => s.value === 1)).toBe(true);
    const states = of(exposition.samples, "certgate_certificate_status");
    const ids = new Set(states.map((s) => s.labels.certificate_id));
    for (const id of ids) {
      const set = states.filter((s) => s.labels.certificate_id === id);
      expect(set.map((s) => s.labels.status).sort(), id).toEqual([...NORMALIZED_STATUSES].sort());
      expect(set.filter((s) => s.value === 1).length, id).toBe(1);
    }
    const timedOut = states.find((s) => s.labels.provider_status === "validation_timed_out" && s.value === 1);
    expect(timedOut?.labels.status).toBe("failed");
  });

  it("counts the report's problems by severity and kind, every pair present, and the quota and run times", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const report = await gw.json<{
      result: {
        run: { started_at: string; finished_at: string };
        problems: Array<{ severity: string; kind: string }>;
        scopes: Array<{ scope: { id: string }; quota: { used: number; allocated: number } | null }>;
      };
    }>("GET", "/v1/report", { key: VIEW_KEYS.onCall });
    const { exposition } = await scrape(gw);
    const problems = of(exposition.samples, "certgate_monitor_problems");
    expect(problems.length).toBe(PROBLEM_KINDS.length * SEVERITIES.length);
    for (const p of problems) {
      const expected = report.body.result.problems.filter(
        (x) => x.severity === p.labels.severity && x.kind === p.labels.kind,
      ).length;
      expect(p.value, `${p.labels.severity} ${p.labels.kind}`).toBe(expected);
    }
    expect(problems.reduce((n, p) => n + p.value, 0)).toBe(report.body.result.problems.length);
    expect(report.body.result.problems.length).toBeGreaterThan(0);
    const quota = report.body.result.scopes.find((s) => s.scope.id === ZONE_EXAMPLE)?.quota;
    expect(of(exposition.samples, "certgate_quota_used")[0]?.value).toBe(quota?.used);
    expect(of(exposition.samples, "certgate_quota_allocated")[0]?.value).toBe(quota?.allocated);
    const run = report.body.result.run;
    expect(of(exposition.samples, "certgate_monitor_last_run_timestamp_seconds")[0]?.value).toBe(
      Math.floor(Date.parse(run.started_at) / 1000),
    );
    expect(of(exposition.samples, "certgate_monitor_last_success_timestamp_seconds")[0]?.value).toBe(
      Math.floor(Date.parse(run.finished_at) / 1000),
    );
    expect(
      of(exposition.samples, "certgate_monitor_scope_errors").map((s) => [s.labels.scope, s.value]),
    ).toEqual(
      expect.arrayContaining([
        [ZONE_EXAMPLE, 0],
        [PROJECT, 0],
      ]),
    );
    expect(of(exposition.samples, "x509_read_errors")[0]?.value).toBe(0);
  });

  it("before any run: monitor times 0, every problem count 0, each scope's error 0", async () => {
    const gw = viewsGateway();
    const { exposition } = await scrape(gw);
    expect(of(exposition.samples, "certgate_monitor_last_success_timestamp_seconds")[0]?.value).toBe(0);
    expect(of(exposition.samples, "certgate_monitor_last_run_timestamp_seconds")[0]?.value).toBe(0);
    expect(of(exposition.samples, "certgate_monitor_problems").every((s) => s.value === 0)).toBe(true);
    expect(
      of(exposition.samples, "certgate_monitor_scope_errors")
        .map((s) => s.labels.scope)
        .sort(),
    ).toEqual([ZONE_EXAMPLE, PROJECT].sort());
  });
});

describe("a blind monitor shows in the scrape", () => {
  it("a project the monitor could not read: its scope error is 1, the read errors count it, the zone stays 0", async () => {
    const gw = viewsGateway({
      upstream: (provider, request, next) =>
        provider === "gjirafa"
          ? Promise.resolve(new Response("upstream down", { status: 503 }))
          : next(request),
    });
    await gw.scheduled();
    const { exposition } = await scrape(gw);
    const errors = new Map(
      of(exposition.samples, "certgate_monitor_scope_errors").map((s) => [s.labels.scope, s.value]),
    );
    expect(errors.get(PROJECT)).toBe(1);
    expect(errors.get(ZONE_EXAMPLE)).toBe(0);
    expect(of(exposition.samples, "x509_read_errors")[0]?.value).toBeGreaterThanOrEqual(1);
  });
});

describe("a scrape never calls an upstream", () => {
  it("before the first run, after it, with lists cached or gone, for every key", async () => {
    const gw = viewsGateway({ env: { METRICS_REFRESH_SECONDS: "0" } });
    const calls = () => gw.upstreamCalls();
    let before = calls();
    for (const key of [VIEW_KEYS.onCall, VIEW_KEYS.everything, VIEW_KEYS.shop]) await scrape(gw, key);
    expect(calls() - before, "before any run").toBe(0);

    await gw.scheduled();
    before = calls();
    for (let i = 0; i < 5; i++) {
      gw.clock.advance(15_000);
      for (const key of [VIEW_KEYS.onCall, VIEW_KEYS.everything]) await scrape(gw, key);
    }
    expect(calls() - before, "after a run").toBe(0);

    // Hours later every cached list has aged out of KV: still no call, the certificates still there.
    gw.clock.advance(3 * 60 * MINUTE);
    before = calls();
    const late = await scrape(gw, VIEW_KEYS.everything);
    expect(calls() - before, "with the lists aged out").toBe(0);
    expect(of(late.exposition.samples, "x509_cert_not_after").length).toBeGreaterThan(0);
  });
});
