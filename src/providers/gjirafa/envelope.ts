/**
 * The native Gjirafa door's envelope family: errors as Gjirafa sends them (strings in `errors`,
 * `resultInfo` instead of `result_info`), so existing Gjirafa clients read certgate's errors as theirs.
 */
import type { EnvelopeFamily } from "../../envelope-family";
import type { AppError } from "../../errors";

export const gjirafaEnvelope: EnvelopeFamily = Object.freeze({
  name: "gjirafa",
  errorBody: (err: AppError, requestId: string | undefined) => ({
    success: false,
    errors: [`${err.code}: ${err.message}`],
    messages: requestId ? [`request_id: ${requestId}`] : [],
    result: null,
    resultInfo: null,
  }),
});
