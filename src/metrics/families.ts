/**
 * The families GET /metrics serves (docs/prometheus/README.md is the contract): the names of the
 * x509-certificate-exporter (https://github.com/enix/x509-certificate-exporter) for the certificates, so
 * rules written for it work on certgate's, and certgate's own for status, quota and the monitor. All are
 * gauges; times are in seconds since the Unix epoch (Prometheus' base unit, `_timestamp_seconds` where
 * the name is certgate's).
 */
import type { FamilyHead } from "./exposition";

const gauge = (name: string, help: string): FamilyHead => ({ name, help, type: "gauge" });

export const FAMILIES = {
  notAfter: gauge(
    "x509_cert_not_after",
    "Expiry of the certificate (its earliest certificate: X.509 notAfter), in seconds since the Unix epoch.",
  ),
  notBefore: gauge(
    "x509_cert_not_before",
    "Start of validity of the certificate (X.509 notBefore), in seconds since the Unix epoch; only where the provider reports it.",
  ),
  expired: gauge(
    "x509_cert_expired",
    "1 when the certificate has expired (notAfter has passed), 0 otherwise.",
  ),
  status: gauge(
    "certgate_certificate_status",
    "Normalized status of the certificate as a state set: 1 for the current status, 0 for the others.",
  ),
  quotaUsed: gauge(
    "certgate_quota_used",
    "Certificates counted against the zone's quota (advanced certificate packs), where the provider has a quota.",
  ),
  quotaAllocated: gauge(
    "certgate_quota_allocated",
    "Certificates the zone's quota allows (advanced certificate packs), where the provider has a quota.",
  ),
  lastRun: gauge(
    "certgate_monitor_last_run_timestamp_seconds",
    "Start of the latest monitor run, in seconds since the Unix epoch; 0 before the first run.",
  ),
  lastSuccess: gauge(
    "certgate_monitor_last_success_timestamp_seconds",
    "End of the latest monitor run that completed and stored its report, in seconds since the Unix epoch; 0 before the first.",
  ),
  problems: gauge(
    "certgate_monitor_problems",
    "Open problems of the latest monitor run in the zones and projects of the key, by severity and kind.",
  ),
  scopeErrors: gauge(
    "certgate_monitor_scope_errors",
    "1 when the latest check of the zone or project failed (upstream down, unauthorized or rate limited), 0 when it was read.",
  ),
  readErrors: gauge(
    "x509_read_errors",
    "Read failures of the latest monitor run in the zones and projects of the key: scopes that could not be read plus upstream items that could not be used.",
  ),
} as const;

/** Every family name, in the order they are served. */
export const FAMILY_NAMES: readonly string[] = Object.values(FAMILIES).map((f) => f.name);
