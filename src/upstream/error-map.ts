/**
 * The ONE table that turns an upstream failure into a certgate error. Exported as data so the docs
 * can quote it verbatim (docs/errors.md: "Upstream errors"), and so tests walk it row by row.
 *
 * | upstream answer                         | certgate code               | status | retried (GET only) |
 * | --------------------------------------- | --------------------------- | ------ | ------------------ |
 * | 400                                     | upstream_rejected           | 400    | no                 |
 * | 404, 410                                | not_found                   | 404    | no                 |
 * | 409                                     | conflict                    | 409    | no                 |
 * | 422                                     | upstream_rejected           | 422    | no                 |
 * | other 4xx (405, 413, 415, ...)          | upstream_rejected           | 422    | no                 |
 * | 401, 403; a provider's auth codes (4xx) | upstream_auth_failed        | 502    | no                 |
 * | a provider's capability codes (401/403) | upstream_rejected           | 422    | no                 |
 * | 408                                     | upstream_unavailable        | 502    | yes                |
 * | 429                                     | upstream_rate_limited       | 429    | yes, if Retry-After fits the deadline |
 * | 5xx                                     | upstream_unavailable        | 502    | yes                |
 * | 3xx (redirects are not followed)        | upstream_unavailable        | 502    | no                 |
 * | connection error (fetch rejects)        | upstream_unavailable        | 502    | yes                |
 * | per-request timeout / overall deadline  | upstream_timeout            | 504    | per-request: yes; deadline: no |
 * | 2xx that is not JSON or not the schema  | upstream_invalid_response   | 502    | no                 |
 * | 2xx with `success: false`               | upstream_invalid_response   | 502    | no                 |
 *
 * `outcomeUnknown` marks the rows after which a write may or may not have been carried out (5xx, no
 * answer, a reset, an unreadable 2xx): the certificate service turns those into `upstream_outcome_unknown`
 * for orders, creates and imports, and invalidates the scope's cache (src/service/certificates.ts).
 *
 * A provider's own codes (which of its 4xx mean "certgate's credentials" or "the scope cannot do that")
 * come with its error dialect (dialect.ts, providers/<name>/errors.ts), read before the status rows.
 *
 * Every upstream error carries `provider` and `upstream_code` (the provider's own code where its error
 * body has one, else the HTTP status). The provider's own message reaches the caller redacted and
 * shortened; the raw body only reaches the log (upstream/request.ts).
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, type ErrorCode } from "../errors";
import type { ErrorDialect } from "./dialect";

export type UpstreamFailureKind =
  | "bad_request"
  | "not_found"
  | "conflict"
  | "unprocessable"
  | "other_4xx"
  | "auth"
  | "request_timeout"
  | "rate_limited"
  | "server_error"
  | "redirect"
  | "connection"
  | "timeout"
  | "invalid_response"
  | "unsuccessful";

export interface UpstreamErrorRow {
  /** What the upstream did, in words (the first column of docs/errors.md's table). */
  upstream: string;
  code: ErrorCode;
  /** The status certgate answers with. */
  status: ContentfulStatusCode;
  /** Whether an idempotent request (GET) is tried again on this failure. */
  retried: boolean;
  /** Whether a write that failed this way may still have been carried out upstream. */
  outcomeUnknown: boolean;
  why: string;
}

export const UPSTREAM_ERROR_TABLE: Readonly<Record<UpstreamFailureKind, UpstreamErrorRow>> = {
  bad_request: {
    upstream: "400",
    code: "upstream_rejected",
    status: 400,
    retried: false,
    outcomeUnknown: false,
    why: "The upstream refused the request as malformed; the caller's input is the usual cause, so 400 is kept.",
  },
  not_found: {
    upstream: "404, 410",
    code: "not_found",
    status: 404,
    retried: false,
    outcomeUnknown: false,
    why: "The zone, project or certificate does not exist upstream.",
  },
  conflict: {
    upstream: "409",
    code: "conflict",
    status: 409,
    retried: false,
    outcomeUnknown: false,
    why: "The resource is in a state that does not allow the operation.",
  },
  unprocessable: {
    upstream: "422; a provider's capability code (the scope cannot do that) on 401/403",
    code: "upstream_rejected",
    status: 422,
    retried: false,
    outcomeUnknown: false,
    why: "The upstream understood the request and refused it.",
  },
  other_4xx: {
    upstream: "other 4xx (405, 413, 415, ...)",
    code: "upstream_rejected",
    status: 422,
    retried: false,
    outcomeUnknown: false,
    why: "A refusal certgate cannot attribute more precisely; trying again would not change it.",
  },
  auth: {
    upstream: "401, 403; a provider's auth error codes on any 4xx",
    code: "upstream_auth_failed",
    status: 502,
    retried: false,
    outcomeUnknown: false,
    why: "certgate's own upstream credentials are wrong or lack a permission: the caller is not at fault.",
  },
  request_timeout: {
    upstream: "408",
    code: "upstream_unavailable",
    status: 502,
    retried: true,
    outcomeUnknown: false,
    why: "The upstream gave up waiting for certgate's request: transient.",
  },
  rate_limited: {
    upstream: "429",
    code: "upstream_rate_limited",
    status: 429,
    retried: true,
    outcomeUnknown: false,
    why: "Retried after Retry-After only while the wait fits the deadline; otherwise the caller gets retry_after.",
  },
  server_error: {
    upstream: "5xx",
    code: "upstream_unavailable",
    status: 502,
    retried: true,
    outcomeUnknown: true,
    why: "The upstream failed; GETs are retried with full-jitter backoff.",
  },
  redirect: {
    upstream: "3xx",
    code: "upstream_unavailable",
    status: 502,
    retried: false,
    outcomeUnknown: false,
    why: "Redirects are not followed: they would carry credentials to another address.",
  },
  connection: {
    upstream: "connection error (fetch rejects)",
    code: "upstream_unavailable",
    status: 502,
    retried: true,
    outcomeUnknown: true,
    why: "No answer at all; only GETs are retried because a write may have reached the upstream.",
  },
  timeout: {
    upstream: "per-request timeout or overall deadline exceeded",
    code: "upstream_timeout",
    status: 504,
    retried: true,
    outcomeUnknown: true,
    why: "A per-request timeout is retried for GET while the deadline allows; the deadline itself is final.",
  },
  invalid_response: {
    upstream: "2xx whose body is not JSON or does not match the schema",
    code: "upstream_invalid_response",
    status: 502,
    retried: false,
    outcomeUnknown: true,
    why: "certgate cannot trust or use the answer (HTML error page, truncated JSON, changed shape).",
  },
  unsuccessful: {
    upstream: "2xx with success: false",
    code: "upstream_invalid_response",
    status: 502,
    retried: false,
    outcomeUnknown: false,
    why: "The envelope contradicts the status; the provider's code and message are kept.",
  },
};

/**
 * Picks the table row for an HTTP status. For a 4xx other than 429, the provider's dialect reads its own
 * error code first (a credential error it answers with 400, a capability it answers with 403).
 */
export function classifyStatus(
  status: number,
  upstreamCode: number | string | undefined,
  dialect?: Pick<ErrorDialect, "classify">,
): UpstreamFailureKind {
  if (status >= 400 && status < 500 && status !== 429) {
    const own = dialect?.classify?.(status, upstreamCode);
    if (own !== undefined) return own;
  }
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  if (status >= 300 && status < 400) return "redirect";
  switch (status) {
    case 400:
      return "bad_request";
    case 404:
    case 410:
      return "not_found";
    case 408:
      return "request_timeout";
    case 409:
      return "conflict";
    case 422:
      return "unprocessable";
    default:
      return status >= 400 ? "other_4xx" : "invalid_response";
  }
}

export interface FailureFacts {
  /** Who failed: the provider's name and label (its error dialect). */
  dialect: Pick<ErrorDialect, "provider" | "label">;
  /** HTTP status from the upstream, when it answered. */
  httpStatus?: number;
  /** The provider's own error code (read by its dialect); defaults to the HTTP status. */
  upstreamCode?: number | string;
  /** The provider's own message, already redacted. */
  upstreamMessage?: string;
  /** Seconds, for rate limits. */
  retryAfter?: number;
  /** What certgate observed when the upstream gave no message (timeouts, parse failures). */
  detail?: string;
  /** The upstream error's `documentation_url` and `source.pointer`, already redacted. */
  documentationUrl?: string;
  sourcePointer?: string;
  /** False when nothing was sent (the deadline had passed): the outcome is then known. Default true. */
  sent?: boolean;
}

/** Builds the AppError for a row of the table. The message names the provider and quotes its message. */
export function upstreamError(kind: UpstreamFailureKind, facts: FailureFacts, cause?: unknown): AppError {
  const row = UPSTREAM_ERROR_TABLE[kind];
  const label = facts.dialect.label;
  const upstreamCode = facts.upstreamCode ?? facts.httpStatus;
  const said = facts.upstreamMessage ? `: ${facts.upstreamMessage}` : "";
  const answered = facts.httpStatus !== undefined ? `${label} answered ${facts.httpStatus}` : label;
  const message = `${summary(kind, label, answered)}${said}${facts.detail ? ` (${facts.detail})` : ""}`;
  const details: AppError["details"] = { provider: facts.dialect.provider };
  if (upstreamCode !== undefined) details.upstream_code = upstreamCode;
  if (kind === "rate_limited" && facts.retryAfter !== undefined) details.retry_after = facts.retryAfter;
  if (facts.documentationUrl !== undefined) details.documentation_url = facts.documentationUrl;
  if (facts.sourcePointer !== undefined) details.source = { pointer: facts.sourcePointer };
  return new AppError(row.code, message, details, row.status, {
    cause,
    outcomeUnknown: row.outcomeUnknown && facts.sent !== false,
  });
}

function summary(kind: UpstreamFailureKind, label: string, answered: string): string {
  switch (kind) {
    case "auth":
      return `${answered}: certgate's ${label} credentials were refused`;
    case "rate_limited":
      return `${answered}: rate limited`;
    case "connection":
      return `${label} could not be reached`;
    case "timeout":
      return `${label} did not answer in time`;
    case "invalid_response":
      return `${answered} with a response certgate cannot use`;
    case "unsuccessful":
      return `${answered} with success: false`;
    case "redirect":
      return `${answered} with a redirect, which certgate does not follow`;
    default:
      return answered;
  }
}
