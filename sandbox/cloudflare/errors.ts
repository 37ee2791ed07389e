/**
 * Cloudflare v4 failure envelope and the error codes this simulator answers with.
 * Envelope (seed 000 "4XX ... response failure", domain.md): {success:false, errors:[{code, message}],
 * messages:[], result:null}. Every code is >= 1000, as the published schema requires (`minimum: 1000`).
 *
 * Codes seen in the wild (domain.md and public issue threads): 7003, 7001, 9103, 9106, 6003/6111, 10000,
 * 1406, 1450. The 14xx validation codes below are this simulator's own picks in the certificate range
 * (Cloudflare publishes no list); clients should key on the HTTP status and keep the code for display.
 */
import { jsonResponse } from "../http";

export interface CloudflareError {
  code: number;
  message: string;
  error_chain?: Array<{ code: number; message: string }>;
}

export const CF_CODES = {
  /** Malformed query or body (bad JSON, page/per_page out of range). */
  invalidRequest: 1400,
  /** `type` is not "advanced" (seed 001: the order enum has one value). */
  invalidType: 1401,
  /** `hosts` empty, over 50, not hostnames, duplicated or outside the zone (seed 001 hosts description). */
  invalidHosts: 1402,
  /** `hosts` lacks the zone apex (seed 001: "Must contain the zone apex"). */
  missingApex: 1403,
  /** Unknown certificate pack id in a zone. */
  packNotFound: 1404,
  /** `validation_method` not txt|http|email. */
  invalidValidationMethod: 1405,
  /** Deleting a pack that is already deleted or being deleted (domain.md, seen in the wild). */
  badResponseCertificateService: 1406,
  /** PATCH `{}` on a pack that is not in validation_timed_out (seed 002). */
  restartNotAllowed: 1407,
  /** `validity_days` not 14|30|90|365. */
  invalidValidityDays: 1408,
  /** `certificate_authority` not google|lets_encrypt|ssl_com. */
  invalidCertificateAuthority: 1409,
  /** `cloudflare_branding` not a boolean. */
  invalidBranding: 1410,
  /** Write to a pack that is not an advanced pack (universal etc. are managed by Cloudflare). */
  notAdvanced: 1411,
  /** Ordering with the advanced quota used up. */
  quotaExceeded: 1413,
  /** The zone lacks Advanced Certificate Manager (domain.md: 1450). */
  acmRequired: 1450,
  /** Well-formed zone id that no zone has. */
  invalidZone: 1001,
  /** Method not served by a known route. */
  methodNotAllowed: 7001,
  /** Unknown route, or an identifier that is not one (domain.md: 7003 "No route for the URI"). */
  noRoute: 7003,
  invalidHeaders: 6003,
  invalidAuthorizationFormat: 6111,
  unknownKey: 9103,
  missingCredentials: 9106,
  /** Bad token, or a token without the permission or zone (domain.md: 10000). */
  authentication: 10000,
  /** Over the rate limit (HTTP 429). Public reports show 10000 here too; the status is what tells them apart. */
  rateLimited: 10000,
  /** Injected 5xx faults. */
  internal: 10001,
} as const;

export function cfFailureBody(errors: CloudflareError[]) {
  return { success: false, errors, messages: [], result: null };
}

export function cfError(status: number, code: number, message: string): Response {
  return jsonResponse(status, cfFailureBody([{ code, message }]));
}

export function cfErrors(status: number, errors: CloudflareError[]): Response {
  return jsonResponse(status, cfFailureBody(errors));
}

/**
 * A success with non-empty `errors` and `messages`, as the SDK reference's example answer shows (code
 * 1000, with documentation_url and source): still a success (simulator switch `successNotes`).
 */
const SUCCESS_NOTE = {
  code: 1000,
  message: "message",
  documentation_url: "documentation_url",
  source: { pointer: "pointer" },
};

export function cfSuccess(result: unknown, resultInfo?: Record<string, number>, notes = false): Response {
  const body: Record<string, unknown> = {
    success: true,
    errors: notes ? [{ ...SUCCESS_NOTE }] : [],
    messages: notes ? [{ ...SUCCESS_NOTE }] : [],
    result,
  };
  if (resultInfo !== undefined) body.result_info = resultInfo;
  return jsonResponse(200, body);
}

/** How injected faults word a Cloudflare failure. */
export const cloudflareDialect = {
  failureBody(status: number, message: string) {
    const code = status === 429 ? CF_CODES.rateLimited : CF_CODES.internal;
    const text = status === 429 ? rateLimitMessage(1200, 300) : message;
    return cfFailureBody([{ code, message: text }]);
  },
};

/** The wording clients report from the real API's 429 (public issue threads). */
export function rateLimitMessage(requests: number, seconds: number): string {
  return `More than ${requests} requests per ${seconds} seconds reached. Please wait and consider throttling your request speed`;
}
