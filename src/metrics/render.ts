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
import { head, type Labels, labelText, sample } from "./exposition";
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
  const lines = {
    notAfter: [] as string[],
    notBefore: [] as string[],
    expired: [] as string[],
    status: [] as string[],
  };
  let validUntil = Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  const sorted = [...certificates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Each certificate's labels are written once and shared by its lines (a scope may hold thousands).
  const statusNames = NORMALIZED_STATUSES.map((status) => `,status="${status}"} `);
  for (const c of sorted) {
    // One series per certificate: a duplicate id (never expected) would make the exposition invalid.
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const labels = `{${labelText(certificateLabels(c))}} `;
    if (c.expiresMs !== null) {
      lines.notAfter.push(`${FAMILIES.notAfter.name}${labels}${seconds(c.expiresMs)}\n`);
      lines.expired.push(`${FAMILIES.expired.name}${labels}${now >= c.expiresMs ? 1 : 0}\n`);
      if (c.expiresMs > now) validUntil = Math.min(validUntil, c.expiresMs);
    }
    if (c.notBeforeMs !== null)
      lines.notBefore.push(`${FAMILIES.notBefore.name}${labels}${seconds(c.notBeforeMs)}\n`);
    const identity: Array<readonly [string, string]> = [
      ["provider", c.provider],
      ["scope", c.scope.id],
      ["certificate_id", c.id],
    ];
    if (c.provider_status !== "") identity.push(["provider_status", c.provider_status]);
    const prefix = `${FAMILIES.status.name}{${labelText(identity)}`;
    NORMALIZED_STATUSES.forEach((status, i) => {
      lines.status.push(`${prefix}${statusNames[i]}${status === c.status ? 1 : 0}\n`);
    });
  }
  // join() makes flat strings: a scrape copies them, instead of walking thousands of concatenations.
  return {
    notAfter: lines.notAfter.join(""),
    notBefore: lines.notBefore.join(""),
    expired: lines.expired.join(""),
    status: lines.status.join(""),
    writtenAt: now,
    validUntil,
  };
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
