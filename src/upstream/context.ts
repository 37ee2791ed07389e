/**
 * What one upstream operation runs with, resolved once per request (or per monitor scope). The upstream
 * core reads only this: it knows no provider, and no caller's accounting.
 *
 * `fetch` is the seam every outbound request goes through: the platform's fetch for API requests, a
 * wrapper where a caller must govern what is sent (the monitor's budgeted fetch, monitor/budget.ts). An
 * `AppError` that `fetch` throws is a refusal made before anything was sent: the core passes it on as is,
 * never retries it and never reads it as a connection failure.
 */
import type { Deps, FetchLike } from "../deps";

/** What a capped `fetch` has left, for callers that would rather not start what cannot finish. */
export interface FetchBudget {
  /** Requests this fetch will still send. */
  remaining(): number;
  /** Requests it has sent for this context so far. */
  spent(): number;
}

export interface UpstreamContext {
  /** The fetch to send with. */
  fetch: FetchLike;
  /** Present when `fetch` is capped (the monitor's subrequest budget). */
  budget?: FetchBudget;
  deps: Deps;
  requestId: string;
  /** Absolute deadline (epoch ms, from deps.now) for the whole operation, retries included. */
  deadline: number;
  /** Per-attempt timeout and retries of idempotent requests (UPSTREAM_TIMEOUT_MS, UPSTREAM_MAX_RETRIES). */
  policy: { timeoutMs: number; maxRetries: number };
  /** Values to redact from everything the operation logs or reports. */
  secrets: readonly string[];
}
