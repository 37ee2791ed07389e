/**
 * The monitor's problem model. A problem is a condition the on-call engineer must act on; it has a
 * stable `fingerprint` (its identity across runs, the unit of alert dedupe) and a `level` (what changes the
 * alert within one key: the expiry threshold crossed, the quota severity).
 *
 * Certificate problems are keyed by certificate id + expiry (as mature certificate monitors do: dedupe
 * per certificate and threshold, reset on renewal): a renewal brings a new expiry, hence a new key, so
 * the old problem resolves and the ladder starts again.
 */
import * as z from "zod";
import {
  type Certificate,
  ProviderNameSchema,
  ScopeSchema,
  ValidationRecordSchema,
} from "../model/certificate";
import { type Scope, scopeKey } from "../model/scope";

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

export const SEVERITIES = ["warning", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

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

/** Fields every certificate problem shares. */
export function certificateProblem(
  kind: ProblemKind,
  cert: Certificate,
  severity: Severity,
  message: string,
  details: ProblemDetails,
  level: string = severity,
): Problem {
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
      ...details,
    },
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
  return s === "critical" ? 2 : 1;
}
