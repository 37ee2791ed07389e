/// <reference types="node" />
/**
 * GET /metrics of the built bundle (dist/index.js under Miniflare, in front of the simulators), judged by
 * Prometheus' own tool:
 * - 401 without a key; with a key limited to one zone and one project, `promtool check metrics` passes,
 *   every family of the contract is there with HELP and TYPE, and no other zone shows anywhere;
 * - the alert rules (docs/prometheus/rules.yml) read only families this exposition serves, and
 *   `promtool test rules` over this very exposition (its times made relative to the scrape) fires the
 *   alerts its certificates call for: the labels the rules match on are the ones certgate writes;
 * - scraping costs the upstreams nothing: the simulators see no request, however many scrapes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchZoneId } from "../../bench/lib/upstreams";
import { DAY } from "../../sandbox/index";
import { FAMILY_NAMES } from "../../src/metrics/families";
import { parseExposition, type Sample } from "./exposition";
import { checkMetrics, runPromtool } from "./promtool";
import { ROOT, tool } from "./tools";
import { type BenchKey, benchKey, GJIRAFA_PROJECT, type ServedCertgate, serveCertgate } from "./worker";

const promtool = tool("promtool");
const DOCS = join(ROOT, "docs", "prometheus");
const RULES = readFileSync(join(DOCS, "rules.yml"), "utf8");
const scratch = mkdtempSync(join(tmpdir(), "certgate-metrics-"));

/** The families issue 13 asks for (docs/prometheus/README.md). */
const CONTRACT = [
  "x509_cert_not_after",
  "x509_cert_not_before",
  "x509_cert_expired",
  "x509_read_errors",
  "certgate_certificate_status",
  "certgate_quota_used",
  "certgate_quota_allocated",
  "certgate_monitor_last_run_timestamp_seconds",
  "certgate_monitor_last_success_timestamp_seconds",
  "certgate_monitor_problems",
  "certgate_monitor_scope_errors",
];

/** The families an expression of rules.yml reads. */
function ruleFamilies(rules: string): string[] {
  return [...new Set([...rules.matchAll(/\b(?:x509|certgate)_[a-z_]+\b/g)].map((m) => m[0]))].sort();
}

describe("GET /metrics of the built worker", () => {
  let served: ServedCertgate | undefined;
  const keys: Record<"prometheus" | "everything" | "admin", BenchKey | undefined> = {
    prometheus: undefined,
    everything: undefined,
    admin: undefined,
  };
  const zone = benchZoneId(0);
  const otherZone = benchZoneId(1);

  beforeAll(async () => {
    keys.prometheus = await benchKey("prometheus", ["reports:read"], [zone], [GJIRAFA_PROJECT]);
    keys.everything = await benchKey("everything", ["reports:read"]);
    keys.admin = await benchKey("admin", ["admin"]);
    served = await serveCertgate({
      zones: 2,
      gjirafa: true,
      keys: [keys.prometheus, keys.everything, keys.admin],
    });
    const now = Date.now();
    served.upstreams.gjirafa.seedCertificate(GJIRAFA_PROJECT, {
      domainName: "cdn.bench.example",
      additionalNames: ["static.bench.example"],
      notBefore: now - 30 * DAY,
    });
    served.upstreams.gjirafa.seedCertificate(GJIRAFA_PROJECT, {
      domainName: "imported.bench.example",
      certificateType: "Imported",
      issuer: "CN=Example Issuing CA, O=Example, C=US",
      serialNumber: "0A1B2C3D4E5F",
      notBefore: now - 10 * DAY,
      notAfter: now + 3 * DAY,
    });
    // A failed validation the rules must page on.
    served.upstreams.cloudflare.seedPack(zone, {
      hosts: ["zone0.example", "legacy.zone0.example"],
      status: "validation_timed_out",
      since: now - 2 * DAY,
    });
    const run = await fetch(`${served.url}/v1/report/run`, { method: "POST", headers: keys.admin.headers });
    expect(run.status, await run.text()).toBe(200);
  });

  afterAll(async () => {
    await served?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  function ready(): ServedCertgate {
    if (!served) throw new Error("setup failed");
    return served;
  }

  async function scrape(key: BenchKey | undefined): Promise<{ status: number; text: string; type: string }> {
    if (!key) throw new Error("setup failed");
    const res = await fetch(`${ready().url}/metrics`, { headers: key.headers });
    return { status: res.status, text: await res.text(), type: res.headers.get("content-type") ?? "" };
  }

  it("answers 401 without a key", async () => {
    const res = await fetch(`${ready().url}/metrics`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="certgate"');
    await res.body?.cancel();
  });

  it("with a zone-limited key: passes promtool check metrics, has every family, shows no other zone", async () => {
    const { status, text, type } = await scrape(keys.prometheus);
    expect(status).toBe(200);
    expect(type).toBe("text/plain; version=0.0.4; charset=utf-8");
    const check = await checkMetrics(text, { bin: promtool.need() });
    expect(check.problems, check.output).toEqual([]);
    expect(check.ok).toBe(true);
    const exposition = parseExposition(text);
    expect([...exposition.families.keys()].sort()).toEqual([...CONTRACT].sort());
    for (const [name, family] of exposition.families) {
      expect(family.help, name).toBeTruthy();
      expect(family.type, name).toBe("gauge");
    }
    expect(text).not.toContain(otherZone);
    const scopes = new Set(exposition.samples.map((s) => s.labels.scope).filter(Boolean));
    expect([...scopes].sort()).toEqual([zone, GJIRAFA_PROJECT].sort());
    // The certificates are there, with the exporter's labels where the provider reports them.
    const notAfter = exposition.samples.filter((s) => s.name === "x509_cert_not_after");
    expect(notAfter.filter((s) => s.labels.scope === zone).length).toBe(4);
    expect(notAfter.find((s) => s.labels.subject_CN === "imported.bench.example")?.labels).toMatchObject({
      issuer_CN: "Example Issuing CA",
      serial_number: "0A1B2C3D4E5F",
    });
    // A key for every zone sees the other zone (so the absence above is the filter, not missing data).
    expect((await scrape(keys.everything)).text).toContain(otherZone);
  });

  it("serves exactly the contract's families (src/metrics/families.ts), and the rules read no other", async () => {
    expect([...FAMILY_NAMES].sort()).toEqual([...CONTRACT].sort());
    const served = parseExposition((await scrape(keys.everything)).text);
    const used = ruleFamilies(RULES);
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((name) => !served.families.has(name))).toEqual([]);
    // ... and each family a rule reads has series to read.
    for (const name of used) {
      expect(
        served.samples.some((s) => s.name === name),
        name,
      ).toBe(true);
    }
  });

  it.skipIf(promtool.skip)(
    "promtool test rules over this exposition fires what its certificates call for",
    async () => {
      const { text } = await scrape(keys.prometheus);
      const exposition = parseExposition(text);
      const scrapedAt = Math.floor(Date.now() / 1000);
      // The scrape as promtool's clock sees it: its times relative to the scrape (promtool starts at 0),
      // with the labels Prometheus adds; every sample held for two hours.
      const TIMES = new Set([
        "x509_cert_not_after",
        "x509_cert_not_before",
        "certgate_monitor_last_run_timestamp_seconds",
        "certgate_monitor_last_success_timestamp_seconds",
      ]);
      const series = exposition.samples.map((s: Sample) => {
        const labels = { ...s.labels, job: "certgate", instance: "certgate.example.com" };
        const selector = Object.entries(labels)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(",");
        const value = TIMES.has(s.name) ? s.value - scrapedAt : s.value;
        // The monitor keeps running: its success time moves with the clock.
        const values = s.name.startsWith("certgate_monitor_last_") ? `${value}+60x120` : `${value}x120`;
        return `      - series: '${s.name}{${selector}}'\n        values: '${values}'`;
      });
      const failed = exposition.samples.filter(
        (s) => s.name === "certgate_certificate_status" && s.value === 1 && s.labels.status === "failed",
      );
      const critical = exposition.samples.filter(
        (s) =>
          s.name === "x509_cert_not_after" &&
          !/^(deleted|deleting|inactive|expired)$/.test(s.labels.status ?? "") &&
          s.value - scrapedAt > 0 &&
          s.value - scrapedAt <= 7 * 86400,
      ).length;
      expect(failed.length).toBe(1);
      // The demo-like zone's 5-day pack and the 3-day imported certificate.
      expect(critical).toBe(2);
      const tests = [
        "rule_files:",
        "  - rules.yml",
        "evaluation_interval: 1m",
        "tests:",
        "  - interval: 1m",
        "    input_series:",
        ...series,
        "    alert_rule_test:",
        "      - eval_time: 1h",
        "        alertname: CertgateValidationTimedOut",
        "        exp_alerts:",
        ...failedAlerts(exposition),
        "      - eval_time: 20m",
        "        alertname: CertgateQuotaHigh",
        "        exp_alerts: []",
        "      - eval_time: 20m",
        "        alertname: CertgateMonitorStale",
        "        exp_alerts: []",
        "      - eval_time: 20m",
        "        alertname: CertgateMonitorScopeErrors",
        "        exp_alerts: []",
      ].join("\n");
      const dir = mkdtempSync(join(scratch, "rules-"));
      writeFileSync(join(dir, "rules.yml"), RULES);
      writeFileSync(join(dir, "tests.yml"), `${tests}\n`);
      const run = await runPromtool(["test", "rules", "tests.yml"], { cwd: dir, bin: promtool.need() });
      expect(run.code, run.stdout + run.stderr).toBe(0);

      // The critical expiry alert, counted by promtool itself: one per certificate 7 days or less from expiry.
      const count = [
        "rule_files:",
        "  - rules.yml",
        "evaluation_interval: 1m",
        "tests:",
        "  - interval: 1m",
        "    input_series:",
        ...series,
        "    promql_expr_test:",
        '      - expr: count(ALERTS{alertname="CertgateCertificateExpiringCritical",alertstate="firing"})',
        "        eval_time: 30m",
        "        exp_samples:",
        "          - labels: '{}'",
        `            value: ${critical}`,
      ].join("\n");
      writeFileSync(join(dir, "count.yml"), `${count}\n`);
      const counted = await runPromtool(["test", "rules", "count.yml"], { cwd: dir, bin: promtool.need() });
      expect(counted.code, counted.stdout + counted.stderr).toBe(0);
    },
  );

  it("costs the upstreams nothing: no simulator request for any number of scrapes", async () => {
    const { upstreams } = ready();
    const calls = () => upstreams.cloudflare.count() + upstreams.gjirafa.count();
    const before = calls();
    for (let i = 0; i < 20; i++) {
      for (const key of [keys.prometheus, keys.everything]) expect((await scrape(key)).status).toBe(200);
    }
    expect(calls() - before).toBe(0);
  });
});

/** The expected CertgateValidationTimedOut alert for each failed certificate of the exposition. */
function failedAlerts(exposition: ReturnType<typeof parseExposition>): string[] {
  return exposition.samples
    .filter((s) => s.name === "certgate_certificate_status" && s.value === 1 && s.labels.status === "failed")
    .flatMap((s) => {
      const labels = { ...s.labels, job: "certgate", instance: "certgate.example.com", severity: "critical" };
      return [
        "          - exp_labels:",
        ...Object.entries(labels).map(([k, v]) => `              ${k}: ${JSON.stringify(v)}`),
        "            exp_annotations:",
        `              summary: ${JSON.stringify(`Certificate ${s.labels.certificate_id} is stuck in ${s.labels.provider_status}`)}`,
        `              description: ${JSON.stringify(`${s.labels.provider} scope ${s.labels.scope}: publish the validation records shown on /status, then restart validation.`)}`,
      ];
    });
}
