/**
 * How Cloudflare fails: the v4 error envelope (`errors: [{code, message, documentation_url, source}]`,
 * read by the core's default reader) and the codes that say more than their HTTP status.
 */
import type { ErrorDialect } from "../../upstream/dialect";

/**
 * Cloudflare answers some authentication failures with HTTP 400 (or 403) and one of these codes instead
 * of 401: 6003 "Invalid request headers" with 6103/6111 "Invalid format for X-Auth-Key/Authorization
 * header", 9103 "Unknown X-Auth-Key or X-Auth-Email", 9106 "Missing X-Auth-Key, X-Auth-Email or
 * Authorization headers", 9109 "Unauthorized to access requested resource", 10000 "Authentication error"
 * (https://developers.cloudflare.com/fundamentals/api/troubleshooting/). Those are certgate's
 * credentials, never the caller's input.
 */
export const CLOUDFLARE_AUTH_ERROR_CODES: ReadonlySet<number> = new Set([
  6003, 6103, 6111, 9103, 9106, 9109, 10000,
]);

/**
 * Codes about what the ZONE may do, whatever status they come with: 1450 "Advanced Certificate Manager is
 * required" may arrive as 403, yet certgate's credentials are fine and the caller asked for something the
 * zone cannot do: 400 stays 400, 401/403 become 422 `upstream_rejected`.
 */
export const CLOUDFLARE_ZONE_CAPABILITY_CODES: ReadonlySet<number> = new Set([1450]);

export const cloudflareErrors: ErrorDialect = Object.freeze({
  provider: "cloudflare",
  label: "Cloudflare",
  classify(status: number, code: number | string | undefined) {
    if (typeof code !== "number") return undefined;
    if (CLOUDFLARE_ZONE_CAPABILITY_CODES.has(code)) return status === 400 ? "bad_request" : "unprocessable";
    if (CLOUDFLARE_AUTH_ERROR_CODES.has(code)) return "auth";
    return undefined;
  },
} satisfies ErrorDialect);
