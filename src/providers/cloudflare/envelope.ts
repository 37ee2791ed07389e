/**
 * The native Cloudflare door's envelope family: the v4 failure envelope, where every `errors[].code` is an
 * INTEGER, as Cloudflare's schema says and strictly typed clients (Go structs) require. An error that came
 * from Cloudflare keeps Cloudflare's code; an error certgate makes itself carries its number from
 * CLOUDFLARE_DOOR_CODES (docs/errors.md); certgate's string code is always in `certgate_code`.
 */
import { errorBody } from "../../envelope";
import type { EnvelopeFamily } from "../../envelope-family";
import type { AppError, ErrorCode } from "../../errors";

/**
 * The integer each code carries on this door (Cloudflare's codes are >= 1000). Stable: a code keeps its
 * number forever; a new code takes the next free one. 71xxx is outside every range Cloudflare is known to
 * use (1xxx certificates, 6xxx/9xxx/10xxx auth, 7xxx routing). Table in docs/errors.md.
 */
export const CLOUDFLARE_DOOR_CODES: Readonly<Record<ErrorCode, number>> = {
  bad_request: 71001,
  validation_failed: 71002,
  unauthorized: 71003,
  forbidden: 71004,
  not_found: 71005,
  method_not_allowed: 71006,
  conflict: 71007,
  payload_too_large: 71008,
  unsupported_media_type: 71009,
  not_supported_by_provider: 71010,
  upstream_rejected: 71011,
  upstream_auth_failed: 71012,
  upstream_rate_limited: 71013,
  upstream_unavailable: 71014,
  upstream_invalid_response: 71015,
  upstream_timeout: 71016,
  subrequest_budget_exhausted: 71017,
  config_invalid: 71018,
  internal_error: 71019,
  upstream_outcome_unknown: 71020,
  idempotency_key_reused: 71021,
  idempotency_key_in_flight: 71022,
  quota_exhausted: 71023,
  rotation_in_progress: 71024,
  monitor_busy: 71025,
  rate_limited: 71026,
};

/** Integer codes of certgate's own notes in a success envelope's `messages` on this door. */
export const CLOUDFLARE_DOOR_MESSAGE_CODES = {
  /** An item of the upstream list could not be used and is left out of the answer. */
  skipped_item: 71101,
  /** The upstream failed or is rate limiting, and a cached copy was served instead (its age, and why). */
  served_stale: 71102,
} as const;

export const cloudflareEnvelope: EnvelopeFamily = Object.freeze({
  name: "cloudflare",
  errorBody(err: AppError, requestId: string | undefined) {
    const body = errorBody(err.code, err.message, err.details, requestId);
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
    return body;
  },
});
