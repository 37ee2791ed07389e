/**
 * The exposition of GET /metrics from an inventory (src/inventory/): what the caller may see, nothing
 * else. Every family is written with its HELP and TYPE even when it has no sample for this caller.
 *
 * Cost: the certificate series of one scope are written once per list (a WeakMap on the list's derived
 * certificates) and reused until the list changes or one of its certificates crosses its expiry (the only
 * value that moves with the clock); a scrape then joins strings. Problems, quota and monitor figures are
 * a few series per scope and are written every time.
 */
import type { ViewCertificate } from "../inventory/certificate";
import type { Inventory } from "../inventory/inventory";
import { NORMALIZED_STATUSES } from "../model/certificate";
import { PROBLEM_KINDS, SEVERITIES } from "../monitor/problems";
import { head, type Labels, sample } from "./exposition";
import { FAMILIES } from "./families";

interface CertificateSeries {
  notAfter: string;
  notBefore: string;
  expired: string;
  status: string;
  /** The clock these lines were written at, and the next instant one of them would change. */
  writtenAt: number;
  validUntil: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

function certificateLabels(c: ViewCertificate): Labels {
  const labels: Array<readonly [string, string]> = [
    ["provider", c.provider],
    ["scope", c.scope.id],
    ["certificate_id", c.id],
    ["status", c.status],
  ];
  if (c.subject_cn !== null) labels.push(["subject_CN", c.subject_cn]);
  if (c.issuer_cn !== null) labels.push(["issuer_CN", c.issuer_cn]);
  if (c.serial_number !== null) labels.push(["serial_number", c.serial_number]);
  return labels;
}

function writeCertificates(certificates: readonly ViewCertificate[], now: number): CertificateSeries {
  const out = { notAfter: "", notBefore: "", expired: "", status: "", writtenAt: now, validUntil: Infinity };
  const seen = new Set<string>();
  const sorted = [...certificates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const c of sorted) {
    // One series per certificate: a duplicate id (never expected) would make the exposition invalid.
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const labels = certificateLabels(c);
    if (c.expiresMs !== null) {
      out.notAfter += sample(FAMILIES.notAfter.name, labels, seconds(c.expiresMs));
      out.expired += sample(FAMILIES.expired.name, labels, now >= c.expiresMs ? 1 : 0);
      if (c.expiresMs > now) out.validUntil = Math.min(out.validUntil, c.expiresMs);
    }
    if (c.notBeforeMs !== null) {
      out.notBefore += sample(FAMILIES.notBefore.name, labels, seconds(c.notBeforeMs));
    }
    const identity: Array<readonly [string, string]> = [
      ["provider", c.provider],
      ["scope", c.scope.id],
      ["certificate_id", c.id],
    ];
    if (c.provider_status !== "") identity.push(["provider_status", c.provider_status]);
    for (const status of NORMALIZED_STATUSES) {
      out.status += sample(
        FAMILIES.status.name,
        [...identity, ["status", status]],
        status === c.status ? 1 : 0,
      );
    }
  }
  return out;
}

export function createMetricsRenderer() {
  const written = new WeakMap<readonly ViewCertificate[], CertificateSeries>();

  function seriesOf(certificates: readonly ViewCertificate[], now: number): CertificateSeries {
    const known = written.get(certificates);
    if (known && now >= known.writtenAt && now < known.validUntil) return known;
    const fresh = writeCertificates(certificates, now);
    written.set(certificates, fresh);
    return fresh;
  }

  function render(inventory: Inventory, now: number): string {
    const series = inventory.scopes.map((s) => seriesOf(s.certificates, now));
    const join = (pick: (s: CertificateSeries) => string) => series.map(pick).join("");
    const parts: string[] = [
      head(FAMILIES.notAfter),
      join((s) => s.notAfter),
      head(FAMILIES.notBefore),
      join((s) => s.notBefore),
      head(FAMILIES.expired),
      join((s) => s.expired),
      head(FAMILIES.status),
      join((s) => s.status),
    ];

    let used = "";
    let allocated = "";
    let scopeErrors = "";
    let readErrors = 0;
    for (const { scope, report } of inventory.scopes) {
      const labels: Labels = [
        ["provider", scope.provider],
        ["scope", scope.id],
      ];
      if (report?.quota) {
        used += sample(FAMILIES.quotaUsed.name, labels, report.quota.used);
        allocated += sample(FAMILIES.quotaAllocated.name, labels, report.quota.allocated);
      }
      const failed = report?.error ? 1 : 0;
      scopeErrors += sample(FAMILIES.scopeErrors.name, labels, failed);
      readErrors += failed + (report?.skipped?.length ?? 0);
    }
    parts.push(head(FAMILIES.quotaUsed), used, head(FAMILIES.quotaAllocated), allocated);

    const run = inventory.run;
    parts.push(
      head(FAMILIES.lastRun),
      sample(FAMILIES.lastRun.name, [], run ? seconds(Date.parse(run.started_at)) : 0),
      head(FAMILIES.lastSuccess),
      sample(FAMILIES.lastSuccess.name, [], run ? seconds(Date.parse(run.finished_at)) : 0),
    );

    // Every kind at both severities, 0 when none: an alert on a count sees it fall back to 0.
    const counts = new Map<string, number>();
    for (const kind of PROBLEM_KINDS) for (const severity of SEVERITIES) counts.set(`${severity} ${kind}`, 0);
    for (const p of inventory.problems) {
      const k = `${p.severity} ${p.kind}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    parts.push(head(FAMILIES.problems));
    for (const [k, n] of counts) {
      const [severity = "", kind = ""] = k.split(" ");
      parts.push(
        sample(
          FAMILIES.problems.name,
          [
            ["severity", severity],
            ["kind", kind],
          ],
          n,
        ),
      );
    }

    parts.push(head(FAMILIES.scopeErrors), scopeErrors);
    parts.push(head(FAMILIES.readErrors), sample(FAMILIES.readErrors.name, [], readErrors));
    return parts.join("");
  }

  return { render };
}

export type MetricsRenderer = ReturnType<typeof createMetricsRenderer>;
