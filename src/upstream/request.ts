/**
 * The upstream HTTP core both providers share: one function, `upstreamRequest`, that sends a request
 * within the caller's deadline, retries only where that is safe, validates every answer with zod and
 * turns every failure into an AppError through the one table in error-map.ts.
 *
 * Retry policy (decided here, docs/errors.md "Upstream errors"):
 * - Only requests the caller marks `idempotent` are retried, and POST never is, whatever the flag says:
 *   a second order/create/import after a lost answer could create a second certificate.
 * - The providers mark only GET idempotent. PUT/PATCH/DELETE are not retried either: Cloudflare's
 *   PATCH `{}` restarts validation and Gjirafa's PUT .../validate starts a check, so a
 *   repeat is an action, and a repeated DELETE turns a success into a confusing 1406/404.
 * - Retried failures: connection errors, a per-request timeout, 408, 429 and 5xx, at most
 *   `ctx.policy.maxRetries` times, with full-jitter backoff (backoff.ts). `Retry-After` (429/503)
 *   replaces the backoff while the wait fits the deadline; otherwise certgate fails fast with 429
 *   `upstream_rate_limited` and `retry_after` so the caller knows how long to wait.
 *
 * Time: `ctx.deadline` is absolute (epoch ms from deps.now). Each attempt gets min(timeoutMs, time left);
 * the fetch and the body read race a timer, so a fetch that ignores its AbortSignal still ends. When the
 * timer that fired stood for the deadline, the failure is final (504).
 *
 * The seam: every request goes out through `ctx.fetch`. An AppError it throws is a refusal made before
 * sending (the monitor's budgeted fetch, a later governor): final, passed on as is, never retried.
 *
 * Logs: one `upstream_call` line per attempt; failures carry the upstream body, redacted with the
 * configured secrets and cut to 2 KiB. The caller never sees the body, only the provider's message.
 */
import type * as z from "zod";
import { type AppError, isAppError } from "../errors";
import { createLogger, type Logger } from "../logger";
import { redactText } from "../redact";
import { fullJitterDelay, parseRetryAfter, toRetryAfterSeconds } from "./backoff";
import type { UpstreamContext } from "./context";
import type { ErrorDialect } from "./dialect";
import { upstreamErrorInfo } from "./error-info";
import { classifyStatus, UPSTREAM_ERROR_TABLE, type UpstreamFailureKind, upstreamError } from "./error-map";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface UpstreamRequest<S extends z.ZodType> {
  /** The provider answering: its name, label and error dialect. */
  dialect: ErrorDialect;
  method: HttpMethod;
  url: string;
  /** Auth and any provider headers. `Accept` and, with a body, `Content-Type` are added here. */
  headers: Record<string, string>;
  /** Sent as JSON. Never logged (it may hold a private key). */
  body?: unknown;
  /** Whether a retry is safe. Ignored for POST, which is never retried. */
  idempotent: boolean;
  /** Zod schema of the success envelope. */
  schema: S;
  /** Short operation name for the log ("list", "order", ...). */
  operation?: string;
}

/** Longest upstream body excerpt in a log line. */
export const LOG_BODY_LIMIT = 2_048;
/** Longest provider message quoted to the caller. */
const MESSAGE_LIMIT = 300;

type Attempt<T> =
  | { ok: true; value: T }
  | { ok: false; kind: UpstreamFailureKind; error: AppError; final: boolean; waitMs: number | null };

export async function upstreamRequest<S extends z.ZodType>(
  ctx: UpstreamContext,
  req: UpstreamRequest<S>,
): Promise<z.infer<S>> {
  const log = createLogger(ctx.deps, ctx.secrets, { request_id: ctx.requestId });
  const retryable = req.idempotent && req.method !== "POST";
  const maxRetries = retryable ? ctx.policy.maxRetries : 0;
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await attemptOnce(ctx, req, attempt, log);
    if (outcome.ok) return outcome.value;
    if (outcome.final || attempt >= maxRetries || !UPSTREAM_ERROR_TABLE[outcome.kind].retried) {
      throw outcome.error;
    }
    const waitMs = outcome.waitMs ?? fullJitterDelay(attempt, ctx.deps.random);
    // A wait that would end past the deadline is not worth starting: the caller gets the error now
    // (for a 429, with retry_after telling it how long to wait).
    if (ctx.deps.now() + waitMs >= ctx.deadline) throw outcome.error;
    await ctx.deps.sleep(waitMs);
  }
}

type Exchange =
  | { kind: "answer"; response: Response; text: string }
  | { kind: "error"; error: unknown }
  | { kind: "refused"; error: AppError }
  | { kind: "timeout" };

async function attemptOnce<S extends z.ZodType>(
  ctx: UpstreamContext,
  req: UpstreamRequest<S>,
  attempt: number,
  log: Logger,
): Promise<Attempt<z.infer<S>>> {
  const { deps, secrets } = ctx;
  const started = deps.now();
  const remaining = ctx.deadline - started;
  const line = {
    provider: req.dialect.provider,
    operation: req.operation,
    method: req.method,
    url: req.url,
    attempt,
  };
  const fail = (
    kind: UpstreamFailureKind,
    facts: {
      httpStatus?: number;
      code?: number | string;
      message?: string;
      detail?: string;
      waitMs?: number | null;
      documentationUrl?: string;
      sourcePointer?: string;
      sent?: boolean;
    },
    final = false,
    cause?: unknown,
  ): Attempt<never> => {
    const retryAfter =
      kind === "rate_limited" && facts.waitMs != null ? toRetryAfterSeconds(facts.waitMs) : undefined;
    const error = upstreamError(
      kind,
      {
        dialect: req.dialect,
        httpStatus: facts.httpStatus,
        upstreamCode: facts.code,
        upstreamMessage: facts.message,
        detail: facts.detail,
        retryAfter,
        documentationUrl: facts.documentationUrl,
        sourcePointer: facts.sourcePointer,
        sent: facts.sent,
      },
      cause,
    );
    return { ok: false, kind, error, final, waitMs: facts.waitMs ?? null };
  };

  if (remaining <= 0) {
    log.log("warn", "upstream_call", { ...line, outcome: "deadline_exceeded", sent: false });
    return fail("timeout", { detail: "deadline exceeded before the request was sent", sent: false }, true);
  }
  const budget = Math.min(ctx.policy.timeoutMs, remaining);
  const budgetIsDeadline = budget === remaining;

  const headers: Record<string, string> = { accept: "application/json", ...req.headers };
  const init: RequestInit = { method: req.method, headers, redirect: "manual" };
  if (req.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(req.body);
  }
  const controller = new AbortController();
  init.signal = controller.signal;

  const exchange = (async (): Promise<Exchange> => {
    const response = await ctx.fetch(req.url, init);
    return { kind: "answer", response, text: await response.text() };
  })().catch(
    (error: unknown): Exchange => (isAppError(error) ? { kind: "refused", error } : { kind: "error", error }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<Exchange>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "timeout" }), budget);
  });
  let result: Exchange;
  try {
    result = await Promise.race([exchange, timedOut]);
  } finally {
    clearTimeout(timer);
  }
  const duration_ms = deps.now() - started;

  if (result.kind === "timeout") {
    controller.abort();
    log.log("warn", "upstream_call", { ...line, outcome: "timeout", timeout_ms: budget, duration_ms });
    return fail(
      "timeout",
      { detail: budgetIsDeadline ? "deadline exceeded" : `no answer within ${budget} ms` },
      budgetIsDeadline,
    );
  }
  if (result.kind === "refused") {
    log.log("warn", "upstream_call", { ...line, outcome: "refused", code: result.error.code, sent: false });
    return { ok: false, kind: "connection", error: result.error, final: true, waitMs: null };
  }
  if (result.kind === "error") {
    const reason = redactText(String(result.error), secrets).slice(0, MESSAGE_LIMIT);
    log.log("warn", "upstream_call", { ...line, outcome: "connection_error", error: reason, duration_ms });
    return fail("connection", { detail: "connection error" }, false, result.error);
  }

  const { response, text } = result;
  const status = response.status;
  const bodyExcerpt = () => redactText(text, secrets).slice(0, LOG_BODY_LIMIT);
  const json = parseJson(text);
  const info = json.ok ? (req.dialect.read ?? upstreamErrorInfo)(json.value) : {};
  const message = info.message ? redactText(info.message, secrets).slice(0, MESSAGE_LIMIT) : undefined;
  const code = info.code ?? status;
  const documentationUrl = info.documentationUrl
    ? redactText(info.documentationUrl, secrets).slice(0, MESSAGE_LIMIT)
    : undefined;
  const sourcePointer = info.sourcePointer
    ? redactText(info.sourcePointer, secrets).slice(0, MESSAGE_LIMIT)
    : undefined;

  if (status >= 200 && status < 300) {
    if (!json.ok) {
      log.log("warn", "upstream_call", {
        ...line,
        status,
        outcome: "invalid_json",
        duration_ms,
        body: bodyExcerpt(),
      });
      return fail("invalid_response", { httpStatus: status, detail: "the body is not valid JSON" });
    }
    if (isRecord(json.value) && json.value.success === false) {
      log.log("warn", "upstream_call", {
        ...line,
        status,
        outcome: "unsuccessful",
        duration_ms,
        body: bodyExcerpt(),
      });
      return fail("unsuccessful", { httpStatus: status, code, message, documentationUrl, sourcePointer });
    }
    const parsed = req.schema.safeParse(json.value);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
      log.log("warn", "upstream_call", {
        ...line,
        status,
        outcome: "schema_mismatch",
        issues,
        duration_ms,
        body: bodyExcerpt(),
      });
      return fail("invalid_response", {
        httpStatus: status,
        detail: `unexpected shape at ${issues[0] ?? "(root)"}`,
      });
    }
    log.log("debug", "upstream_call", { ...line, status, outcome: "ok", duration_ms });
    return { ok: true, value: parsed.data };
  }

  const kind = classifyStatus(status, info.code, req.dialect);
  const waitMs =
    status === 429 || status === 503
      ? parseRetryAfter(response.headers.get("retry-after"), deps.now())
      : null;
  log.log("warn", "upstream_call", {
    ...line,
    status,
    outcome: kind,
    upstream_code: code,
    retry_after_ms: waitMs,
    duration_ms,
    body: bodyExcerpt(),
  });
  return fail(kind, { httpStatus: status, code, message, waitMs, documentationUrl, sourcePointer });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
