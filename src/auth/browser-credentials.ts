/**
 * The credentials a browser brings to the status page, beyond the API's (an API key header, Cloudflare
 * Access): tried by the authenticator only on the routes that declare them (src/http/route.ts
 * `credentials`), so they can never authenticate anything else.
 *
 *   sign-in-form     the API key typed into the sign-in form (`key`, application/x-www-form-urlencoded),
 *                    accepted only from certgate's own origin (csrf.ts `sameOriginProblem`): another site
 *                    cannot sign a browser in with a key of its choosing (login CSRF).
 *   status-session   the status page's session cookie (session-cookie.ts), checked against the current
 *                    API_KEYS (status-session.ts). On a method other than GET/HEAD (sign-out, which only
 *                    clears the cookie) it must come from certgate's own origin too.
 *
 * Failures are 401 (bad or expired session, wrong key) or 403 (cross-site), as for every credential.
 */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { ApiKeyEntry } from "../config/grants";
import type { AppEnv } from "../context";
import { AppError } from "../errors";
import { readBodyBytes } from "../read-body";
import { authenticateKey, formKey } from "./api-keys";
import { sameOriginProblem } from "./csrf";
import type { Principal } from "./principal";
import { principalFromGrants } from "./principal";
import { sessionCookieName, verifySession } from "./session-cookie";
import { type SessionKeys, sessionPrincipal } from "./status-session";

export type BrowserCredential = "status-session" | "sign-in-form";

export interface BrowserAuthentication {
  principal: Principal;
  /** The key entry the form's key matched (sign-in), else null. */
  apiKey: ApiKeyEntry | null;
}

/** What a browser credential authenticates: a principal, or null when the request carries none. */
export type BrowserAuthenticator = (c: Context<AppEnv>) => Promise<BrowserAuthentication | null>;

/** A sign-in form is one short field: anything longer is not one. */
const MAX_FORM_BYTES = 2_048;
const FORM_TYPE = /^application\/x-www-form-urlencoded\b/i;
const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD"]);

/** `METHOD path` of a route, as the authenticator looks it up (HEAD is GET's). */
export function routeKey(method: string, path: string): string {
  const verb = method.toUpperCase();
  return `${verb === "HEAD" ? "GET" : verb} ${path}`;
}

async function readForm(request: Request): Promise<URLSearchParams> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_FORM_BYTES) throw new AppError("payload_too_large", "The sign-in form is too large");
  const all = await readBodyBytes(request, MAX_FORM_BYTES, "The sign-in form is too large");
  return new URLSearchParams(new TextDecoder().decode(all));
}

function assertSameOrigin(request: Request, what: string): void {
  const problem = sameOriginProblem(request);
  if (problem !== null)
    throw new AppError("forbidden", `${what} is accepted only from certgate's own pages (${problem})`);
}

export function createBrowserCredentials(
  routes: ReadonlyMap<string, BrowserCredential>,
  keys: SessionKeys,
): BrowserAuthenticator {
  async function fromForm(c: Context<AppEnv>): Promise<BrowserAuthentication | null> {
    const request = c.req.raw;
    if (!FORM_TYPE.test(request.headers.get("content-type") ?? "")) return null;
    assertSameOrigin(request, "Signing in");
    const typed = (await readForm(request)).get("key");
    if (typed === null || typed.trim() === "") return null;
    const entry = await authenticateKey(c.get("config").apiKeys, formKey(typed));
    return { principal: principalFromGrants(entry.name, "api_key", [entry]), apiKey: entry };
  }

  async function fromSession(c: Context<AppEnv>): Promise<BrowserAuthentication | null> {
    const url = new URL(c.req.url);
    const token = getCookie(c, sessionCookieName(url));
    if (token === undefined || token === "") return null;
    if (!SAFE_METHODS.has(c.req.method.toUpperCase())) assertSameOrigin(c.req.raw, "This form");
    const config = c.get("config");
    const now = c.get("deps").now();
    const check = await verifySession(await keys.keyFor(config, now), token, now);
    if (!check.ok) {
      throw new AppError(
        "unauthorized",
        check.reason === "expired"
          ? "Your status page session has expired: sign in again"
          : "Your status page session is not valid: sign in again",
      );
    }
    const principal = sessionPrincipal(check.claims, config.apiKeys);
    if (!principal) {
      throw new AppError(
        "unauthorized",
        "The key this session was made with is no longer accepted: sign in again",
      );
    }
    return { principal, apiKey: null };
  }

  return async (c) => {
    switch (routes.get(routeKey(c.req.method, c.req.path))) {
      case "sign-in-form":
        return fromForm(c);
      case "status-session":
        return fromSession(c);
      case undefined:
        return null;
    }
  };
}
