/**
 * Error bodies per front door. certgate's own API and the Cloudflare pass-through share the v4
 * family (objects in `errors`). On the Cloudflare pass-through every `code` is an INTEGER, as Cloudflare's
 * schema says and strictly typed clients (Go structs) require: an error that came from Cloudflare keeps
 * Cloudflare's code, and an error certgate makes itself carries its number from CLOUDFLARE_DOOR_CODES
 * (docs/errors.md); certgate's string code is always in `certgate_code`. The Gjirafa pass-through answers
 * as Gjirafa does (strings in `errors`).
 */
import { errorBody } from "./envelope";
import { type AppError, CLOUDFLARE_DOOR_CODES } from "./errors";

export type EnvelopeFamily = "certgate" | "cloudflare" | "gjirafa";

export function envelopeFor(family: EnvelopeFamily, err: AppError, requestId: string | undefined): unknown {
  if (family === "gjirafa") {
    return {
      success: false,
      errors: [`${err.code}: ${err.message}`],
      messages: requestId ? [`request_id: ${requestId}`] : [],
      result: null,
      resultInfo: null,
    };
  }
  const body = errorBody(err.code, err.message, err.details, requestId);
  if (family === "cloudflare") {
    // Cloudflare's own error passed through keeps its integer code (e.g. 1406; its codes are >= 1000,
    // an HTTP status standing in for a missing code is not one); any other gets certgate's number.
    const upstream = err.details.upstream_code;
    const code =
      err.details.provider === "cloudflare" &&
      typeof upstream === "number" &&
      upstream >= 1000 &&
      err.code !== "upstream_outcome_unknown"
        ? upstream
        : CLOUDFLARE_DOOR_CODES[err.code];
    const [first] = body.errors;
    if (first) body.errors = [{ ...first, code, certgate_code: err.code }];
  }
  return body;
}
