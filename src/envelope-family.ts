/**
 * Error bodies per front door. certgate's own API and the Cloudflare pass-through share the v4
 * family (objects in `errors`); the Gjirafa pass-through answers as Gjirafa does (strings in `errors`).
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
  return errorBody(err.code, err.message, err.details, requestId);
}
