/**
 * The monitor's problem model. A problem is a condition the on-call engineer must act on; it has a
 * stable `fingerprint` (its identity across runs, the unit of alert dedupe) and a `level` (what changes the
 * alert within one key: the expiry threshold crossed, the quota severity).
 *
 * Certificate problems are keyed by certificate id + expiry (as mature certificate monitors do: dedupe
 * per certificate and threshold, reset on renewal): a renewal brings a new expiry, hence a new key, so
 * the old problem resolves and the ladder starts again. The expiry of one certificate is ONE problem
 * through its life (`expiry:<id>@<expiry>`): its kind follows the level (`expiring`, `late_renewal`,
 * `expired`) and each level change is an escalation of that problem, never a resolve-and-reopen. A
 * certificate replaced under the same id and expiry (another serial) is told apart by
 * `details.issued_certificate`: a new lifecycle all the same (dedupe.ts, acknowledgements).
 */
import * as z from "zod";
import {
  type Certificate,
  ProviderNameSchema,
  ScopeSchema,
  ValidationRecordSchema,
} from "../model/certificate";
import { type Scope, scopeKey } from "../model/scope";
import { EXPIRY_LEVELS } from "./lifetime/classify";
import { ALERT_SEVERITIES, type AlertSeverity, alertSeverityRank } from "./lifetime/severity";

export const PROBLEM_KINDS = [
  "source_down",
  "source_unauthorized",
  "source_rate_limited",
  "quota",
  "failed",
  "stuck",
  "validation_errors",
  "expired",
  "expiring",
  "late_renewal",
  "deleted_outside_certgate",
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/**
 * `info`: worth a line in the report, not a message by default (the renewal window opened on a
 * certificate its provider renews by itself); MONITOR_POLICIES may route it to a channel.
 */
export const SEVERITIES = ALERT_SEVERITIES;
export type Severity = AlertSeverity;

/** Problems by severity, in the report's totals (`info` is absent in reports stored before it existed). */
export const SeverityCountsSchema = z.object({
  critical: z.number(),
  warning: z.number(),
  info: z.number().default(0),
});
export type SeverityCounts = z.infer<typeof SeverityCountsSchema>;

export function countBySeverity(problems: ReadonlyArray<{ severity: Severity }>): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, warning: 0, info: 0 };
  for (const p of problems) counts[p.severity] += 1;
  return counts;
}

const LateBoundSchema = {
  provider_renewal_days: z.number().nullable(),
  late_after_days: z.number().nullable(),
  late_at: z.string().nullable(),
};

/** The thresholds an expiry level was judged by (src/monitor/lifetime/classify.ts), for people and the report. */
export const ExpiryThresholdsUsedSchema = z.discriminatedUnion("mode", [
  z.object({
    mode: z.literal("lifetime"),
    validity_days: z.number(),
    renewal_window_days: z.number(),
    renewal_window_opens_at: z.string(),
    critical_floor_days: z.number(),
    critical_at: z.string(),
    ...LateBoundSchema,
  }),
  z.object({
    mode: z.literal("absolute"),
    validity_days: z.number().nullable(),
    days: z.array(z.number()),
    rung_days: z.number().nullable(),
    critical_days: z.number(),
    fallback: z.boolean(),
    ...LateBoundSchema,
  }),
]);

export const ExpiryDetailsSchema = z.object({
  level: z.enum(EXPIRY_LEVELS),
  validity_source: z.enum(["certificate", "provider", "unknown"]),
  /** The provider should have renewed by now, whatever the level says. */
  late: z.boolean(),
  thresholds: ExpiryThresholdsUsedSchema,
});

export const ProblemDetailsSchema = z
  .object({
    provider_status: z.string(),
    status: z.string(),
    expires_at: z.string().nullable(),
    days_remaining: z.number().nullable(),
    threshold_days: z.number(),
    renewal_window_days: z.number(),
    /** When the monitor first saw the certificate in its current (pending) state. */
    pending_since: z.string(),
    validation_method: z.string().nullable(),
    validation_records: z.array(ValidationRecordSchema),
    validation_errors: z.array(z.string()),
    quota: z.object({ allocated: z.number(), used: z.number(), percent: z.number() }),
    error_code: z.string(),
    retry_after: z.number(),
    /** For deletions seen outside certgate: it vanished from the list, or turned `deleted`/`deleting`. */
    observed: z.enum(["disappeared", "status_deleted"]),
    /** The expiry level and the thresholds it was judged by (lifetime-relative or the fixed ladder). */
    expiry: ExpiryDetailsSchema,
    /**
     * The X.509 certificate(s) behind a certificate problem (serial numbers, else the provider's ids):
     * another value under the same fingerprint is a replaced certificate, a new lifecycle.
     */
    issued_certificate: z.string(),
  })
  .partial();
export type ProblemDetails = z.infer<typeof ProblemDetailsSchema>;

export const ProblemSchema = z.object({
  /** Identity across runs: the unit of alert dedupe (kind + subject; certificates: id + expiry). */
  fingerprint: z.string(),
  kind: z.enum(PROBLEM_KINDS),
  severity: z.enum(SEVERITIES),
  level: z.string(),
  provider: ProviderNameSchema,
  scope: ScopeSchema,
  certificate_id: z.string().nullable(),
  hosts: z.array(z.string()),
  message: z.string(),
  details: ProblemDetailsSchema,
  /** From MONITOR_POLICIES for the problem's scope (else the default policy, else null). */
  owner: z.string().nullable().default(null),
  runbook: z.string().nullable().default(null),
});
export type Problem = z.infer<typeof ProblemSchema>;

export function scopeKeyOfProblem(p: Problem): string {
  return `${p.provider}:${p.scope.id}`;
}

/** Key of a scope-level problem (source health, quota). */
export function scopeProblemKey(kind: ProblemKind, t: Scope): string {
  return `${kind}:${scopeKey(t)}`;
}

/** Key of a certificate problem: kind + certificate id + expiry (a renewal changes the key). */
export function certificateProblemKey(kind: ProblemKind, cert: Certificate): string {
  return `${kind}:${cert.id}@${cert.expires_at ?? "none"}`;
}

/** Key of a certificate's expiry problem, whatever its level: one per certificate lifetime. */
export function expiryProblemKey(cert: Pick<Certificate, "id" | "expires_at">): string {
  return `expiry:${cert.id}@${cert.expires_at ?? "none"}`;
}

/**
 * The scope a fingerprint names: every key is `<kind>:<provider>:<scope id>[...]` (scope ids and
 * provider names hold no `:`), so a caller's grants can be checked before anything is looked up.
 */
export function scopeOfFingerprint(fingerprint: string): { provider: string; id: string } | null {
  const [kind, provider, rest] = fingerprint.split(":", 3);
  if (!kind || !provider || !rest) return null;
  const id = rest.split("@", 1)[0] ?? "";
  return id === "" ? null : { provider, id };
}

/**
 * The X.509 certificate(s) behind a model entry: their serial numbers (else the provider's ids), sorted,
 * or null when the provider lists none. Order-free, so a list that reorders them is the same lifecycle.
 */
export function issuedCertificateOf(cert: Pick<Certificate, "certificates">): string | null {
  const ids = cert.certificates
    .map((c) => c.serial_number ?? c.id)
    .filter((id): id is string => typeof id === "string" && id !== "");
  return ids.length === 0 ? null : [...new Set(ids)].sort().join(",");
}

/** Fields every certificate problem shares. */
export function certificateProblem(
  kind: ProblemKind,
  cert: Certificate,
  severity: Severity,
  message: string,
  details: ProblemDetails,
  level: string = severity,
): Problem {
  const issued = issuedCertificateOf(cert);
  return {
    fingerprint: certificateProblemKey(kind, cert),
    kind,
    severity,
    level,
    provider: cert.provider,
    scope: cert.scope,
    certificate_id: cert.id,
    hosts: cert.hosts,
    message,
    details: {
      status: cert.status,
      provider_status: cert.provider_status,
      expires_at: cert.expires_at,
      days_remaining: cert.days_remaining,
      ...(issued === null ? {} : { issued_certificate: issued }),
      ...details,
    },
    owner: null,
    runbook: null,
  };
}

/** What the user must publish to get a certificate validated (never dropped: users automate DNS from it). */
export function validationDetails(cert: Certificate): ProblemDetails {
  return {
    validation_method: cert.validation.method,
    validation_records: cert.validation.records,
    validation_errors: cert.validation.errors,
  };
}

export function severityRank(s: Severity): number {
  return alertSeverityRank(s);
}
