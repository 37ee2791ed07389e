/// <reference types="node" />
/**
 * docs/prometheus/ checked by Prometheus' own tool (promtool, Debian's 2.42):
 * - rules.yml is valid, and rules.test.yml's fixtures prove each alert fires when it should and stays
 *   silent when it should not (promtool test rules); mutations of the rules make those tests fail;
 * - the rules read only the families of example.prom, the exposition GET /metrics will serve, which is valid
 *   and follows Prometheus' naming rules (promtool check metrics);
 * - scrape.yml is a valid Prometheus configuration (promtool check config).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseExposition } from "./exposition";
import { checkMetrics, runPromtool } from "./promtool";
import { ROOT, tool } from "./tools";

const DOCS = join(ROOT, "docs", "prometheus");
const read = (file: string) => readFileSync(join(DOCS, file), "utf8");

/** The families issue 13 names for GET /metrics. */
const FAMILIES = [
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
const PER_CERTIFICATE = ["x509_cert_not_after", "x509_cert_not_before", "x509_cert_expired"];
const CERTIFICATE_LABELS = ["provider", "scope", "certificate_id", "status"];
const STATUSES = [
  "active",
  "pending",
  "pending_validation",
  "failed",
  "expired",
  "deleting",
  "deleted",
  "inactive",
  "staging",
  "unknown",
];

const ALERTS = [
  "CertgateCertificateExpiringSoon",
  "CertgateCertificateExpiringCritical",
  "CertgateCertificateExpired",
  "CertgateValidationTimedOut",
  "CertgateCertificateLateRenewal",
  "CertgateQuotaHigh",
  "CertgateQuotaExhausted",
  "CertgateMonitorStale",
  "CertgateMetricsAbsent",
  "CertgateMonitorScopeErrors",
];

/** Each: a change to rules.yml that a user would notice, which rules.test.yml must catch. */
const MUTATIONS: Array<{ breaks: string; anchor: string; replacement: string }> = [
  { breaks: "warning starts at 31 days", anchor: "<= 30 * 86400", replacement: "<= 31 * 86400" },
  {
    breaks: "warning also below 7 days",
    anchor: "<= 30 * 86400 > 7 * 86400",
    replacement: "<= 30 * 86400 > 6 * 86400",
  },
  { breaks: "critical also after expiry", anchor: "<= 7 * 86400 > 0", replacement: "<= 7 * 86400" },
  {
    breaks: "deleted certificates page as expiring",
    anchor: 'x509_cert_not_after{status!~"deleted|deleting|inactive|expired"} - time()) <= 7',
    replacement: "x509_cert_not_after - time()) <= 7",
  },
  {
    breaks: "deleted certificates page as expired",
    anchor: 'x509_cert_expired{status!~"deleted|deleting|inactive"} == 1',
    replacement: "x509_cert_expired == 1",
  },
  {
    breaks: "a certificate expired both ways alerts twice",
    anchor: "or on (provider, scope, certificate_id)",
    replacement: "or",
  },
  {
    breaks: "an expiry the provider reports without a date is missed",
    anchor: 'certgate_certificate_status{status="expired"} == 1',
    replacement: 'certgate_certificate_status{status="expired"} == 2',
  },
  {
    breaks: "every certificate pages as timed out",
    anchor: 'certgate_certificate_status{status="failed"} == 1',
    replacement: 'certgate_certificate_status{status="failed"}',
  },
  { breaks: "any problem counts as late renewal", anchor: 'kind="late_renewal"', replacement: 'kind=~".+"' },
  { breaks: "quota warning at 81 %", anchor: ">= 80 < 100", replacement: ">= 81 < 100" },
  { breaks: "quota warning also when used up", anchor: ">= 80 < 100", replacement: ">= 80" },
  {
    breaks: "a used-up quota is not critical",
    anchor: "certgate_quota_used >= certgate_quota_allocated",
    replacement: "certgate_quota_used > certgate_quota_allocated",
  },
  { breaks: "stale after three intervals", anchor: "> 2 * 15 * 60", replacement: "> 3 * 15 * 60" },
  {
    breaks: "absence watched on another job",
    anchor: '{job="certgate"})',
    replacement: '{job="other"})',
  },
  { breaks: "one failed scope check pages", anchor: "for: 30m", replacement: "for: 1m" },
];

/** Alert names in rules.yml, in order. */
function alertNames(rules: string): string[] {
  return [...rules.matchAll(/^\s*- alert: (\S+)\s*$/gm)].map((m) => m[1] ?? "");
}

/** (alertname, expects an alert?) for each alert_rule_test case of rules.test.yml. */
function ruleTestCases(tests: string): Array<{ alert: string; fires: boolean }> {
  return [...tests.matchAll(/^\s*alertname: (\S+)\s*\n\s*exp_alerts:(.*)$/gm)].map((m) => ({
    alert: m[1] ?? "",
    fires: (m[2] ?? "").trim() !== "[]",
  }));
}

const occurrences = (text: string, anchor: string) => text.split(anchor).length - 1;

const promtool = tool("promtool");
const scratch = mkdtempSync(join(tmpdir(), "certgate-prom-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("reading docs/prometheus (no promtool needed)", () => {
  const rules = read("rules.yml");
  const tests = read("rules.test.yml");

  it("rules.yml defines exactly the documented alerts", () => {
    expect(alertNames(rules)).toEqual(ALERTS);
  });

  it("rules.test.yml shows every alert firing and silent, and tests no alert that does not exist", () => {
    const cases = ruleTestCases(tests);
    expect(cases.length).toBeGreaterThan(ALERTS.length * 2);
    for (const alert of ALERTS) {
      expect(cases.filter((c) => c.alert === alert && c.fires).length, `${alert} firing`).toBeGreaterThan(0);
      expect(cases.filter((c) => c.alert === alert && !c.fires).length, `${alert} silent`).toBeGreaterThan(0);
    }
    // promtool passes a test of a misspelled alert that is expected silent: catch it here.
    expect(cases.filter((c) => !ALERTS.includes(c.alert))).toEqual([]);
  });

  it("the rules read only the families GET /metrics serves", () => {
    const used = new Set([...rules.matchAll(/\b(?:x509|certgate)_[a-z_]+\b/g)].map((m) => m[0]));
    expect([...used].filter((name) => !FAMILIES.includes(name))).toEqual([]);
  });

  it("README.md documents every alert and every family", () => {
    const readme = read("README.md");
    for (const name of [...ALERTS, ...FAMILIES]) expect(readme, name).toContain(`\`${name}\``);
  });

  it("each mutation anchor occurs exactly once in rules.yml", () => {
    for (const m of MUTATIONS) expect(occurrences(rules, m.anchor), m.anchor).toBe(1);
  });
});

describe.skipIf(promtool.skip)("docs/prometheus checked by promtool", () => {
  it("rules.yml passes promtool check rules", async () => {
    const run = await runPromtool(["check", "rules", "rules.yml"], { cwd: DOCS, bin: promtool.need() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`SUCCESS: ${ALERTS.length} rules found`);
  });

  it("rules.test.yml passes promtool test rules", async () => {
    const run = await runPromtool(["test", "rules", "rules.test.yml"], { cwd: DOCS, bin: promtool.need() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("SUCCESS");
  });

  // Concurrent: each is one promtool process of about half a second.
  it.concurrent.for(MUTATIONS)(
    "rules.test.yml fails when $breaks",
    async ({ anchor, replacement }, { expect }) => {
      const bin = promtool.need();
      const dir = mkdtempSync(join(scratch, "mutant-"));
      writeFileSync(join(dir, "rules.yml"), read("rules.yml").replace(anchor, replacement));
      writeFileSync(join(dir, "rules.test.yml"), read("rules.test.yml"));
      const run = await runPromtool(["test", "rules", "rules.test.yml"], { cwd: dir, bin });
      expect(run.code, "the mutant rules still pass their tests").not.toBe(0);
      expect(run.stdout + run.stderr).toContain("FAILED");
    },
  );

  it("scrape.yml is a valid Prometheus configuration that loads rules.yml", async () => {
    const bin = promtool.need();
    const dir = mkdtempSync(join(scratch, "config-"));
    const config = read("scrape.yml");
    const keyPath = "/etc/prometheus/secrets/certgate-reports-read.key";
    expect(occurrences(config, `credentials_file: ${keyPath}`)).toBe(1);
    // promtool checks that the key file exists: put one where a test can.
    writeFileSync(join(dir, "key"), "cg_example\n");
    writeFileSync(join(dir, "prometheus.yml"), config.replace(keyPath, join(dir, "key")));
    writeFileSync(join(dir, "rules.yml"), read("rules.yml"));
    const run = await runPromtool(["check", "config", "prometheus.yml"], { cwd: dir, bin });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`SUCCESS: ${ALERTS.length} rules found`);
  });

  it("example.prom passes promtool check metrics", async () => {
    const check = await checkMetrics(read("example.prom"), { bin: promtool.need() });
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
  });
});

describe("example.prom: the exposition GET /metrics will serve", () => {
  const exposition = parseExposition(read("example.prom"));

  it("has HELP and TYPE gauge for exactly the families of issue 13, each with samples", () => {
    expect([...exposition.families.keys()].sort()).toEqual([...FAMILIES].sort());
    for (const [name, family] of exposition.families) {
      expect(family.help, name).toBeTruthy();
      expect(family.type, name).toBe("gauge");
      expect(
        exposition.samples.some((s) => s.name === name),
        name,
      ).toBe(true);
    }
    expect(exposition.samples.filter((s) => !exposition.families.has(s.name))).toEqual([]);
  });

  it("labels each certificate's x509 series like the exporter, plus certgate's identity labels", () => {
    for (const s of exposition.samples.filter((x) => PER_CERTIFICATE.includes(x.name))) {
      for (const label of CERTIFICATE_LABELS) expect(s.labels[label], `${s.name} ${label}`).toBeTruthy();
      const extra = Object.keys(s.labels).filter((l) => !CERTIFICATE_LABELS.includes(l));
      expect(extra.filter((l) => !["subject_CN", "issuer_CN", "serial_number"].includes(l))).toEqual([]);
    }
  });

  it("shows each certificate's status as a state set: every status once, exactly one of them 1", () => {
    const states = exposition.samples.filter((s) => s.name === "certgate_certificate_status");
    const byCertificate = new Map<string, typeof states>();
    for (const s of states) {
      const id = s.labels.certificate_id ?? "";
      byCertificate.set(id, [...(byCertificate.get(id) ?? []), s]);
    }
    expect(byCertificate.size).toBeGreaterThan(1);
    for (const [id, series] of byCertificate) {
      expect(series.map((s) => s.labels.status).sort(), id).toEqual([...STATUSES].sort());
      expect(series.filter((s) => s.value === 1).length, id).toBe(1);
      expect(
        series.every((s) => s.value === 0 || s.value === 1),
        id,
      ).toBe(true);
    }
  });

  it("counts problems by severity and kind, with no other labels", () => {
    const problems = exposition.samples.filter((s) => s.name === "certgate_monitor_problems");
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(Object.keys(p.labels).sort()).toEqual(["kind", "severity"]);
  });
});
