/**
 * Error bodies per front door. certgate's own API and the Cloudflare pass-through share the v4
 * family (objects in `errors`); on the Cloudflare pass-through an error that came from Cloudflare keeps
 * Cloudflare's integer code. The Gjirafa pass-through answers as Gjirafa does (strings in `errors`).
 */
import { errorBody } from "./envelope";
import type { AppError } from "./errors";

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
  if (
    family === "cloudflare" &&
    err.details.provider === "cloudflare" &&
    typeof err.details.upstream_code === "number"
  ) {
    // Cloudflare's own error passed through: native clients read its integer code in `code`
    // (e.g. 1406); certgate's classification stays available as `certgate_code`.
    const [first] = body.errors;
    if (first) body.errors = [{ ...first, code: err.details.upstream_code, certgate_code: err.code }];
  }
  return body;
}
