/**
 * Cross-site request forgery defence for credentials a browser attaches on its own (cookies): the
 * Cloudflare Access `CF_Authorization` cookie today, any later session cookie through the same check.
 * Another site can make a browser send such a request (a form or a `text/plain` fetch needs no CORS
 * preflight), so a cookie-authenticated request is read-only unless it proves it comes from certgate's
 * own pages:
 *   - `Origin` equals the deployment's own origin (RFC 6454 §7; browsers send it on every non-GET
 *     request), or, without `Origin`, `Sec-Fetch-Site: same-origin` (Fetch Metadata); a
 *     `Sec-Fetch-Site` other than `same-origin` is refused whatever `Origin` says;
 *   - and `Content-Type: application/json`, body or not: a cross-site page cannot send that type
 *     without a CORS preflight, which certgate never grants (it sends no CORS headers).
 * Requests authenticated by a header (an API key, `Cf-Access-Jwt-Assertion` alone) cannot be forged
 * cross-site and are not checked. OWASP CSRF Prevention Cheat Sheet: "Verifying Origin with standard
 * headers", "Fetch Metadata", "Employing custom request headers / content types".
 */
import { AppError } from "../errors";

/** RFC 9110 §9.2.1: methods that do not change anything. */
const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);
/** `application/json` or a structured-syntax `+json` type (RFC 6839 §3.1), as readJson accepts. */
const JSON_CONTENT_TYPE = /^application\/([a-z0-9.+-]*\+)?json\b/i;

export const CROSS_SITE_MESSAGE =
  "A request authenticated by a cookie may change something only from certgate's own origin " +
  "(Origin or Sec-Fetch-Site: same-origin) with Content-Type: application/json";

/**
 * Why `request` is not proven to come from certgate's own origin, or null when it is: `Origin` equal to
 * the request's own origin, or without `Origin`, `Sec-Fetch-Site: same-origin`; any other
 * `Sec-Fetch-Site` is refused whatever `Origin` says. The status page's forms (plain HTML forms, which
 * cannot send JSON) rely on this part alone.
 */
export function sameOriginProblem(request: Request): string | null {
  const headers = request.headers;
  const own = new URL(request.url).origin;
  const origin = headers.get("origin");
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return `Sec-Fetch-Site is ${site.slice(0, 20)}`;
  if (origin !== null ? origin !== own : site !== "same-origin") return "not from this origin";
  return null;
}

/** Why a cookie-authenticated `request` may not go on, or null when it may. */
export function cookieRequestProblem(request: Request): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const problem = sameOriginProblem(request);
  if (problem !== null) return problem;
  if (!JSON_CONTENT_TYPE.test(request.headers.get("content-type") ?? "")) return "Content-Type is not JSON";
  return null;
}

/** Throws 403 `forbidden` unless a cookie-authenticated `request` passes the defence above. */
export function assertCookieRequestAllowed(request: Request): void {
  const problem = cookieRequestProblem(request);
  if (problem !== null) throw new AppError("forbidden", `${CROSS_SITE_MESSAGE} (${problem})`);
}
