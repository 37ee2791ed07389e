/**
 * Gjirafa expiry through the front doors and the monitor. Seed 004's list item has no notAfter, so
 * certgate lists each certificate with its detail: the unified list shows expires_at/days_remaining,
 * `expiring_within` finds Gjirafa certificates, a failing detail never yields a partial list (cold:
 * the error; warm: the cached copy, STALE), and the monitor warns before a Gjirafa certificate expires.
 * Demo project (sandbox/demo.ts): cdn 60 days left, media 10, new pending (no dates), imported 355.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { Certificate } from "../../../src/model/certificate";
import type { ReportView } from "../../../src/monitor/report-view";
import { clearKv, gateway, gjCerts, PROJECT, ROUTE_KEYS, type V4Envelope } from "../../routes/helpers";

beforeEach(clearKv);

const DAY = 86_400_000;
const reader = ROUTE_KEYS.reader;
type List = V4Envelope<Certificate[]>;

const daysByHost = (certs: Certificate[]) =>
  Object.fromEntries(certs.map((c) => [c.hosts[0], c.days_remaining]));

describe("GET /v1/certificates for Gjirafa", () => {
  it("shows expires_at and days_remaining of every dated certificate", async () => {
    const gw = gateway();
    const res = await gw.json<List>("GET", "/v1/certificates?provider=gjirafa", { key: reader });
    expect(res.status).toBe(200);
    expect(daysByHost(res.body.result)).toEqual({
      "cdn.demo.certgate.test": 60,
      "media.demo.certgate.test": 10,
      "new.demo.certgate.test": null,
      "imported.demo.certgate.test": 355,
    });
    const cdn = res.body.result.find((c) => c.hosts[0] === "cdn.demo.certgate.test");
    expect(cdn?.expires_at).toBe(new Date(gw.clock.now() + 60 * DAY).toISOString());
    expect(cdn?.issuer).toEqual(expect.any(String));
    const pending = res.body.result.find((c) => c.status === "pending_validation");
    expect(pending?.validation.records.some((r) => r.kind === "txt")).toBe(true);
  });

  it.each([
    [400, ["cdn.demo.certgate.test", "imported.demo.certgate.test", "media.demo.certgate.test"]],
    [60, ["cdn.demo.certgate.test", "media.demo.certgate.test"]],
    [30, ["media.demo.certgate.test"]],
    [5, []],
  ])("expiring_within=%i finds the Gjirafa certificates that expire in time", async (days, hosts) => {
    const gw = gateway();
    const res = await gw.json<List>("GET", `/v1/certificates?provider=gjirafa&expiring_within=${days}`, {
      key: reader,
    });
    expect(res.status).toBe(200);
    expect(res.body.result.map((c) => c.hosts[0]).sort()).toEqual(hosts);
  });

  it("a project list costs 1 + N upstream requests once per fresh window", async () => {
    const gw = gateway();
    const n = gw.sims.gjirafa.certificates(PROJECT).length;
    const first = await gw.call("GET", "/v1/certificates?provider=gjirafa", { key: reader });
    expect(first.headers.get("X-Cache")).toBe("MISS");
    expect(gw.sims.gjirafa.count()).toBe(1 + n);
    expect(gw.sims.gjirafa.count("GET", "/certificates/*")).toBe(n);
    const again = await gw.call("GET", "/v1/certificates?provider=gjirafa&expiring_within=30", {
      key: reader,
    });
    expect(again.headers.get("X-Cache")).toBe("HIT");
    expect(gw.sims.gjirafa.count()).toBe(1 + n);
  });

  it("a detail failing cold is the list's failure, never a partial list", async () => {
    const gw = gateway();
    // Unchanged certificates reuse their known detail (enrich.ts): a new one needs a detail GET.
    const added = gw.sims.gjirafa.seedCertificate(PROJECT, { domainName: "new.demo.certgate.test" });
    gw.sims.gjirafa.faults.add({
      method: "GET",
      path: `/certificates/${added.id}`,
      fault: { kind: "status", status: 500 },
    });
    const res = await gw.json<List>("GET", "/v1/certificates?provider=gjirafa", { key: reader });
    expect(res.status).toBe(502);
    expect(res.body.errors[0]).toMatchObject({ code: "upstream_unavailable", provider: "gjirafa" });
  });

  it("a detail failing on a warm cache serves the cached copy, marked STALE, with its expiry intact", async () => {
    const gw = gateway();
    const warm = await gw.json<List>("GET", "/v1/certificates?provider=gjirafa", { key: reader });
    expect(warm.body.result).toHaveLength(4);
    // Unchanged certificates reuse their known detail (enrich.ts): a new one needs a detail GET.
    const added = gw.sims.gjirafa.seedCertificate(PROJECT, { domainName: "new.demo.certgate.test" });
    gw.sims.gjirafa.faults.add({
      method: "GET",
      path: `/certificates/${added.id}`,
      fault: { kind: "status", status: 500 },
    });
    gw.clock.advance(2 * 60_000);
    const bypass = await gw.json<List>("GET", "/v1/certificates?provider=gjirafa", {
      key: reader,
      headers: { "Cache-Control": "no-cache" },
    });
    expect(bypass.status).toBe(200);
    expect(bypass.headers.get("X-Cache")).toBe("STALE");
    expect(bypass.body.messages.join(" ")).toContain("upstream failed, served a cached copy");
    const expiries = (certs: Certificate[]) => certs.map((c) => [c.id, c.expires_at]);
    expect(expiries(bypass.body.result)).toEqual(expiries(warm.body.result));
    expect(bypass.body.result.filter((c) => c.expires_at !== null)).toHaveLength(3);
    // The failed load replaced nothing: the next read still has the whole copy.
    const later = await gw.json<List>("GET", "/v1/certificates?provider=gjirafa", { key: reader });
    expect(later.headers.get("X-Cache")).toBe("STALE");
    expect(later.body.result).toHaveLength(4);
  });
});

describe("native list GET /gjirafa/api/v1/projects/{p}/certificates", () => {
  it("serves the cached items: seed 004's list fields plus the detail's", async () => {
    const gw = gateway();
    const res = await gw.json<{ result: Array<Record<string, unknown>> }>("GET", gjCerts(), {
      key: reader,
    });
    expect(res.status).toBe(200);
    const cdn = res.body.result.find((c) => c.domainName === "cdn.demo.certgate.test");
    expect(cdn).toMatchObject({
      distributionId: "dist-7731",
      scope: "Project",
      lastModified: expect.any(String),
      notAfter: new Date(gw.clock.now() + 60 * DAY).toISOString(),
      dnsRecords: expect.any(Array),
    });
  });
});

describe("monitor", () => {
  it("flags a Gjirafa certificate 5 days from expiry as an `expiring` problem (critical: under 1/10 of its 90 days)", async () => {
    const gw = gateway();
    const now = gw.clock.now();
    gw.sims.gjirafa.seedCertificate(PROJECT, {
      domainName: "soon.demo.certgate.test",
      status: "Active",
      notBefore: now - 85 * DAY,
      notAfter: now + 5 * DAY,
    });
    const res = await gw.json<V4Envelope<ReportView>>("POST", "/v1/report/run", { key: ROUTE_KEYS.admin });
    expect(res.status).toBe(200);
    const scope = res.body.result.scopes.find((s) => s.scope.id === PROJECT);
    expect(scope?.outcome).toBe("checked");
    const soon = res.body.result.problems.filter(
      (p) => p.provider === "gjirafa" && p.hosts[0] === "soon.demo.certgate.test",
    );
    // One expiry problem per certificate lifetime: critical, and late (Gjirafa should have renewed at 30).
    expect(soon.map((p) => [p.kind, p.level, p.severity])).toEqual([["expiring", "critical", "critical"]]);
    expect(soon[0]?.details).toMatchObject({
      days_remaining: 5,
      expiry: {
        level: "critical",
        late: true,
        validity_source: "certificate",
        thresholds: { validity_days: 90 },
      },
    });
    // media.demo (10 days left of 90): past Gjirafa's assumed renewal point, not yet critical: late.
    expect(
      res.body.result.problems
        .filter((p) => p.hosts[0] === "media.demo.certgate.test")
        .map((p) => [p.kind, p.level, p.severity]),
    ).toEqual([["late_renewal", "late", "warning"]]);
  });
});
