/**
 * The one place that turns a failure into a response: certgate's envelope (or the native family's
 * for pass-through routes), a stable code, the request id, and the headers the code implies.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../context";
import type { Deps } from "../deps";
import { certgateEnvelope } from "../envelope-family";
import { AppError, type ErrorCode } from "../errors";
import { createLogger } from "../logger";

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    const code: ErrorCode =
      err.status === 401
        ? "unauthorized"
        : err.status === 403
          ? "forbidden"
          : err.status === 404
            ? "not_found"
            : err.status === 413
              ? "payload_too_large"
              : err.status === 415
                ? "unsupported_media_type"
                : err.status < 500
                  ? "bad_request"
                  : "internal_error";
    return new AppError(code, code === "internal_error" ? "Internal error" : err.message || code);
  }
  return new AppError("internal_error", "Internal error", {}, undefined, { cause: err });
}

export function errorResponse(c: Context<AppEnv>, err: AppError): Response {
  const headers: Record<string, string> = { ...err.headers };
  if (err.code === "unauthorized") headers["WWW-Authenticate"] = 'Bearer realm="certgate"';
  if (err.details.retry_after !== undefined) headers["Retry-After"] = String(err.details.retry_after);
  const body = (c.get("envelopeFamily") ?? certgateEnvelope).errorBody(err, c.get("requestId"));
  return c.json(body, err.status, headers);
}

export function onError(deps: Deps) {
  return function handleError(err: Error, c: Context<AppEnv>): Response {
    const appError = toAppError(err);
    if (appError.code === "internal_error") {
      // Unknown errors: full detail to the log (redacted), nothing internal to the caller.
      createLogger(deps, c.get("config")?.secrets ?? []).log("error", "unhandled_error", {
        request_id: c.get("requestId"),
        error: String(appError.cause ?? err),
        stack: appError.cause instanceof Error ? appError.cause.stack : err.stack,
      });
    }
    return errorResponse(c, appError);
  };
}
