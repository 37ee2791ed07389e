/**
 * Errors of the status page's routes as pages, for browsers: a request to /status or /status/... whose
 * `Accept` names `text/html` gets the sign-in form (401, and 403: a key that cannot read reports, or a
 * form from another site) or an error page instead of the JSON envelope, with the same status and the
 * page's headers (CSP). Everyone else (curl, Prometheus, tests) keeps the envelope. A refused session's
 * cookie is cleared on the way.
 */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { clearedSessionCookie, SESSION_COOKIE_PATH, sessionCookieName } from "../auth/session-cookie";
import type { AppEnv } from "../context";
import { errorHtml, signInHtml } from "../status/page";
import { newNonce, pageHeaders } from "../status/response";
import { toAppError } from "./on-error";

export function isStatusPath(path: string): boolean {
  return path === SESSION_COOKIE_PATH || path.startsWith(`${SESSION_COOKIE_PATH}/`);
}

/** The client asked for HTML (a browser's navigation or form post). */
export function wantsHtml(accept: string | undefined): boolean {
  return accept !== undefined && /\btext\/html\b/i.test(accept);
}

export function statusErrorPages(): MiddlewareHandler<AppEnv> {
  return async function statusErrorPagesMiddleware(c, next) {
    await next();
    if (!c.error || !isStatusPath(c.req.path) || !wantsHtml(c.req.header("accept"))) return;
    const error = toAppError(c.error);
    const status = c.res.status;
    const url = new URL(c.req.url);
    const hadSession = getCookie(c, sessionCookieName(url)) !== undefined;
    const nonce = newNonce();
    // A first visit (no session, no form) is asked to sign in without being told off.
    const firstVisit = status === 401 && c.req.method !== "POST" && !hadSession;
    const html =
      status === 401 || status === 403
        ? signInHtml({
            nonce,
            message: firstVisit ? null : error.message,
            access: Boolean(c.get("config")?.access),
          })
        : errorHtml({ nonce, status, message: error.message });
    const headers = new Headers(pageHeaders(nonce));
    for (const name of ["WWW-Authenticate", "Retry-After", "X-Request-Id"]) {
      const value = c.res.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    if (hadSession && (status === 401 || status === 403))
      headers.append("Set-Cookie", clearedSessionCookie(url));
    // `c.res = ...` would merge the envelope's headers into the page: the page replaces the answer whole.
    c.res = undefined;
    c.res = new Response(html, { status, headers });
  };
}
