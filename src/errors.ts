/**
 * certgate's error codes: one stable machine code per failure class, one HTTP status per code.
 * The body is made in one place (`errorBody` in envelope.ts); everything else throws `AppError`.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const ERROR_CODES = [
  "bad_request",
  "validation_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "monitor_busy",
  "payload_too_large",
  "unsupported_media_type",
  "not_supported_by_provider",
  "rate_limited",
  "upstream_rejected",
  "upstream_auth_failed",
  "upstream_rate_limited",
  "upstream_unavailable",
  "upstream_invalid_response",
  "upstream_timeout",
  "upstream_outcome_unknown",
  "subrequest_budget_exhausted",
  "config_invalid",
  "internal_error",
  "idempotency_key_reused",
  "idempotency_key_in_flight",
  "quota_exhausted",
  "rotation_in_progress",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Exhaustive: a new code without a status is a compile error. */
export function statusOf(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case "bad_request":
    case "validation_failed":
      return 400;
    case "unauthorized":
      return 401;
    case "forbidden":
      return 403;
    case "not_found":
      return 404;
    case "method_not_allowed":
      return 405;
    case "conflict":
    case "idempotency_key_in_flight":
    case "quota_exhausted":
    case "rotation_in_progress":
    case "monitor_busy":
      return 409;
    case "payload_too_large":
      return 413;
    case "unsupported_media_type":
      return 415;
    case "not_supported_by_provider":
    case "upstream_rejected":
    case "idempotency_key_reused":
      return 422;
    case "rate_limited":
    case "upstream_rate_limited":
      return 429;
    case "upstream_auth_failed":
    case "upstream_unavailable":
    case "upstream_invalid_response":
    case "upstream_outcome_unknown":
      return 502;
    case "upstream_timeout":
      return 504;
    case "subrequest_budget_exhausted":
    case "config_invalid":
      return 503;
    case "internal_error":
      return 500;
  }
}

/** Extra, documented fields an error may carry in the envelope. Never secrets, never raw upstream bodies. */
export interface ErrorDetails {
  /** Which provider answered, for upstream failures. */
  provider?: string;
  /** The provider's own error code (from its error body, else the HTTP status it answered). */
  upstream_code?: number | string;
  /** Seconds the caller should wait before retrying (also sent as `Retry-After`). */
  retry_after?: number;
  /** For validation failures: each failing field with its message. */
  fields?: Array<{ path: string; message: string }>;
  /** For config failures: each faulty setting by name (never its value). */
  settings?: Array<{ name: string; message: string }>;
  /** The scope (zone or project) an error belongs to, in aggregated answers. */
  scope?: string;
  /** What an operation would need in total, when a subrequest budget stopped it. */
  required_subrequests?: number;
  /** Current status of a resource, for state conflicts. */
  current_status?: string;
  /** The operation a refusal is about (a rotation already running for the pack). */
  operation_id?: string;
  /** The monitor run holding the lease, for `monitor_busy`. */
  run_id?: string;
  /** The upstream error's own documentation link (`errors[].documentation_url` of a v4 envelope), kept. */
  documentation_url?: string;
  /** Where in the request the upstream located its error (`errors[].source.pointer`), kept. */
  source?: { pointer?: string };
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  /** Overrides the code's default status (upstream 400/404/409/422 keep their own status). */
  readonly status: ContentfulStatusCode;
  /**
   * The request reached the upstream and ended without an answer that says what happened (no answer, a
   * reset, a 5xx, an unreadable 2xx): a write may or may not have been carried out. Never in the body.
   */
  readonly outcomeUnknown: boolean;
  /**
   * Headers the answer carries besides those the code implies (the IETF `RateLimit-Policy` and
   * `RateLimit` of a 429 `rate_limited`). Never secrets: they reach the caller as they are.
   */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
    status?: ContentfulStatusCode,
    options?: { cause?: unknown; outcomeUnknown?: boolean; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = details;
    this.status = status ?? statusOf(code);
    this.outcomeUnknown = options?.outcomeUnknown === true;
    this.headers = Object.freeze({ ...options?.headers });
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
