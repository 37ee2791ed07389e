/**
 * The one authentication middleware: resolves the caller once per request and puts a `Principal`
 * on the context. An API key wins when one is presented; otherwise, when Cloudflare Access is
 * configured, its application token (`Cf-Access-Jwt-Assertion`, else the `CF_Authorization`
 * cookie). 401 for missing/malformed/unknown credentials (onError adds `WWW-Authenticate`), 403 for
 * an Access identity that no rule grants anything.
 *
 * An Access request that carries the `CF_Authorization` cookie is cookie-authenticated even when the
 * header is present too: Cloudflare Access adds `Cf-Access-Jwt-Assertion` to every request it lets
 * through, a browser's cookie-borne one included. Cookie-authenticated requests pass the CSRF defence
 * of csrf.ts or stay read-only (403). With neither a key nor an Access token, a route may accept a browser
 * credential of its own (the status page's sign-in form and session cookie, browser-credentials.ts); no
 * other route does.
 */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv, Principal } from "../context";
import { AppError } from "../errors";
import { verifyAccessJwt } from "./access-jwt";
import { accessPrincipal, identityOf } from "./access-rules";
import { presentedKey } from "./api-keys";
import type { BrowserAuthenticator } from "./browser-credentials";
import { assertCookieRequestAllowed } from "./csrf";
import { createJwksCache, type JwksCache, type JwksOptions } from "./jwks";
import { createPrincipalMemo, withOwnAllowance } from "./principal-memo";

/** Cloudflare Access's session cookie (developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/). */
export const ACCESS_COOKIE = "CF_Authorization";

export interface AuthenticatorOptions {
  /** Paths that need no credentials (app.ts PUBLIC_PATHS). */
  publicPaths?: ReadonlySet<string>;
  jwks?: JwksOptions;
  /**
   * Credentials some routes accept from a browser when no API key or Access token is presented (the
   * status page's sign-in form and session cookie, browser-credentials.ts).
   */
  browser?: BrowserAuthenticator;
}

export function createAuthenticator(options: AuthenticatorOptions = {}): MiddlewareHandler<AppEnv> {
  const publicPaths = options.publicPaths ?? new Set<string>();
  // Per isolate: one authenticator per app, one JWKS cache per authenticator (made on first use,
  // because the fetch and clock come from the request's deps), one key digest -> principal memo.
  let jwks: JwksCache | null = null;
  const keys = createPrincipalMemo();

  return async function authenticate(c, next) {
    if (publicPaths.has(c.req.path)) return next();
    const config = c.get("config");
    const deps = c.get("deps");
    const presented = presentedKey(c.req.raw.headers);

    let principal: Principal;
    const cookie = config.access ? getCookie(c, ACCESS_COOKIE) : undefined;
    const token = config.access ? (c.req.header("cf-access-jwt-assertion") ?? cookie) : undefined;
    if (presented.kind === "key") {
      const known = await keys.resolve(config.apiKeys, presented.key);
      principal = known.principal;
      c.set("apiKey", known.entry);
    } else if (config.access && token) {
      jwks ??= createJwksCache(deps, options.jwks);
      const claims = await verifyAccessJwt(token, config.access, jwks, deps.now());
      principal = accessPrincipal(config.access.rules, identityOf(claims));
      if (cookie !== undefined) assertCookieRequestAllowed(c.req.raw);
    } else {
      // The status page's own credentials, on the routes that declare them (browser-credentials.ts).
      const browser = (await options.browser?.(c)) ?? null;
      if (!browser) {
        throw new AppError(
          "unauthorized",
          config.access
            ? "Credentials required: an API key (Authorization: Bearer cg_...) or a Cloudflare Access token"
            : "An API key is required (Authorization: Bearer cg_... or X-API-Key)",
        );
      }
      principal = browser.apiKey ? withOwnAllowance(browser.principal, browser.apiKey) : browser.principal;
      if (browser.apiKey) c.set("apiKey", browser.apiKey);
    }
    c.set("principal", principal);
    await next();
  };
}
