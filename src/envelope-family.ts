/**
 * Error bodies per front door. certgate's own API answers in its one envelope (envelope.ts); a provider's
 * native pass-through door answers in that provider's own family (its descriptor brings it), so existing
 * clients of the upstream read certgate's errors as they read the upstream's. Which family a request
 * gets follows its path: under a native door's mount, that door's family (app.ts).
 */
import { errorBody } from "./envelope";
import type { AppError } from "./errors";

export interface EnvelopeFamily {
  /** For logs and tests ("certgate", or the provider's name). */
  readonly name: string;
  /** The whole error body of `err`, in this family's shape. */
  errorBody(err: AppError, requestId: string | undefined): unknown;
}

export const certgateEnvelope: EnvelopeFamily = Object.freeze({
  name: "certgate",
  errorBody: (err: AppError, requestId: string | undefined) =>
    errorBody(err.code, err.message, err.details, requestId),
});
