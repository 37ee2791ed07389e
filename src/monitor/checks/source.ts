/**
 * Source health (alert when a source is down or unauthorized, as x509-certificate-exporter's SourceDown
 * does): a scope whose check failed is itself a problem, so a dead token or an outage is not silence.
 */
import type { AppError } from "../../errors";
import type { Scope } from "../../model/scope";
import { type Problem, type ProblemKind, scopeProblemKey } from "../problems";

/**
 * When a 429 says no Retry-After: Cloudflare refuses every call for 5 minutes once over its limit
 * (https://developers.cloudflare.com/fundamentals/api/reference/limits/), the longest lockout known.
 */
export const DEFAULT_RETRY_AFTER_SECONDS = 300;

export function sourceKind(error: AppError): ProblemKind {
  if (error.code === "upstream_auth_failed") return "source_unauthorized";
  if (error.code === "upstream_rate_limited") return "source_rate_limited";
  return "source_down";
}

export function sourceProblem(target: Scope, error: AppError): Problem {
  const kind = sourceKind(error);
  const severity = kind === "source_unauthorized" ? "critical" : "warning";
  const text =
    kind === "source_unauthorized"
      ? "credentials rejected: check the upstream token and its permissions"
      : kind === "source_rate_limited"
        ? `rate limited, retry after ${error.details.retry_after ?? DEFAULT_RETRY_AFTER_SECONDS}s: skipped`
        : error.code === "subrequest_budget_exhausted"
          ? "not checked: it needs more requests than one run's subrequest budget (raise MONITOR_SUBREQUEST_BUDGET)"
          : `unreachable (${error.code})`;
  const details: Problem["details"] = { error_code: String(error.details.upstream_code ?? error.code) };
  if (error.details.retry_after !== undefined) details.retry_after = error.details.retry_after;
  return {
    fingerprint: scopeProblemKey(kind, target),
    kind,
    severity,
    level: severity,
    provider: target.provider,
    scope: { kind: target.kind, id: target.id },
    certificate_id: null,
    hosts: [],
    message: `${target.provider} ${target.kind} ${target.id}: ${text}`,
    details,
    owner: null,
    runbook: null,
  };
}
