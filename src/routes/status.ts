/**
 * The status page (docs/status-page.md): GET /status (reports:read) and its sign-in and sign-out. Thin:
 * authorize the filter, read the inventory (never the upstreams), render; sign a session or end it.
 *
 * Credentials: the API's (a key header, Cloudflare Access), plus the status page's own, declared per route
 * (auth/browser-credentials.ts): the sign-in form's key on POST /status/sign-in, the session cookie on
 * GET /status and POST /status/sign-out. The cookie authenticates nothing else. Errors for a browser are
 * pages (middleware/status-pages.ts).
 */
import { assertAllowed, currentPrincipal } from "../auth/authorize";
import {
  clearedSessionCookie,
  MAX_COOKIE_BYTES,
  sessionSetCookie,
  signSession,
} from "../auth/session-cookie";
import { type SessionKeys, sessionClaims } from "../auth/status-session";
import { AppError } from "../errors";
import { type Route, route } from "../http/route";
import type { InventoryReader } from "../inventory/inventory";
import type { AppRegistry } from "../providers/registry";
import { applyFilter, namedScopes, statusQuerySchema } from "../status/filters";
import { SIGN_IN_PATH, SIGN_OUT_PATH, statusHtml } from "../status/page";
import { newNonce, pageHeaders } from "../status/response";
import { warningWindow } from "../status/urgency";

export const STATUS_PATH = "/status";

/** After a form post: back to the page with a GET (RFC 9110 §15.4.4). */
function seeStatus(setCookie?: string): Response {
  const headers = new Headers({ Location: STATUS_PATH, "Cache-Control": "no-store" });
  if (setCookie) headers.append("Set-Cookie", setCookie);
  return new Response(null, { status: 303, headers });
}

export function statusRoutes(registry: AppRegistry, inventory: InventoryReader, keys: SessionKeys): Route[] {
  const query = statusQuerySchema(registry.descriptors.map((d) => d.name));
  return [
    route({
      method: "GET",
      path: STATUS_PATH,
      access: "reports:read",
      credentials: "status-session",
      summary: "The status page for on-call: certificates by time left, problems, quotas, the monitor",
      query,
      async handler({ query: filter }, c) {
        const config = c.get("config");
        const deps = c.get("deps");
        const principal = currentPrincipal(c);
        // A zone or project the key may not see is refused like everywhere else (the same 403).
        for (const scope of namedScopes(filter)) assertAllowed(principal, scope);
        const all = await inventory.read({ config, deps, principal }, { maxAgeMs: 0 });
        const nonce = newNonce();
        const html = statusHtml({
          nonce,
          now: deps.now(),
          all,
          shown: applyFilter(all, filter),
          filter,
          providers: config.providers.map((p) => ({ name: p.descriptor.name, label: p.descriptor.label })),
          viewer: principal,
          intervalMinutes: config.monitor.intervalMinutes,
          warningWindow: warningWindow(config.monitor),
        });
        return new Response(html, { status: 200, headers: pageHeaders(nonce) });
      },
    }),
    route({
      method: "POST",
      path: SIGN_IN_PATH,
      access: "reports:read",
      credentials: "sign-in-form",
      // A session is a credential: who opened one, and when, is in the audit log.
      audit: "status.sign_in",
      summary: "Sign in to the status page with an API key (a form post); sets the session cookie",
      async handler(_input, c) {
        const entry = c.get("apiKey");
        // Signed in by Cloudflare Access: the page works without a session of its own.
        if (!entry) return seeStatus();
        const config = c.get("config");
        const now = c.get("deps").now();
        const claims = sessionClaims(entry, now, config.status.sessionHours);
        const token = await signSession(await keys.keyFor(config, now), claims);
        const url = new URL(c.req.url);
        const cookie = sessionSetCookie(url, token, config.status.sessionHours * 3600);
        if (cookie.length > MAX_COOKIE_BYTES) {
          throw new AppError(
            "bad_request",
            "This key grants too many zones and projects to fit in a session cookie: use Cloudflare Access, or a key limited to fewer",
          );
        }
        return seeStatus(cookie);
      },
    }),
    route({
      method: "POST",
      path: SIGN_OUT_PATH,
      access: "reports:read",
      credentials: "status-session",
      audit: "status.sign_out",
      summary: "Sign out of the status page (clears the session cookie)",
      handler: (_input, c) => seeStatus(clearedSessionCookie(new URL(c.req.url))),
    }),
  ];
}
