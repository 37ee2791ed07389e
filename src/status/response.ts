/**
 * The headers of every status page answer. The Content-Security-Policy allows exactly one thing: the
 * page's own inline stylesheet, by a nonce made for this response (CSP Level 3 §6.6.3.1); no script, no
 * image, no font, no connection, no frame, and forms post only to certgate itself. So a value that
 * escaped JSX's escaping still could not run or load anything.
 */
import { encodeBase64Url } from "../auth/encoding";

/** 128 random bits, new for every response. */
export function newNonce(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

export function pageHeaders(nonce: string): Record<string, string> {
  return {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": contentSecurityPolicy(nonce),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    // Not no-referrer: with it a browser sends `Origin: null` on the sign-in form post (Fetch §3.1),
    // which the same-origin check must refuse.
    "Referrer-Policy": "same-origin",
  };
}
