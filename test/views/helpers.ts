/**
 * What the tests of the read-only views (/metrics, /status) share: keys for the demo's zones and project
 * (test/helpers/keys.ts's fixtures name other ids), a gateway knowing them, a sign-in as a browser does
 * it (a form post from certgate's own origin), and a reader for the HTML the page answers.
 */
import { createHash } from "node:crypto";
import { DEMO_GJIRAFA_PROJECT_ID, DEMO_ZONES } from "../../sandbox";
import { createGateway, type Gateway, type GatewayOptions, ORIGIN } from "../helpers/gateway";
import { KEYS, type TestKey } from "../helpers/keys";

export { ORIGIN };

function key(name: string, scopes: string[], zones: string[], projects: string[]): TestKey {
  const plain = `cg_views_${name.replace(/[^a-z0-9]/gi, "_")}_${"v".repeat(40 - name.length)}`;
  return {
    key: plain,
    entry: { name, sha256: createHash("sha256").update(plain).digest("hex"), scopes, zones, projects },
  };
}

export const ZONE_EXAMPLE = DEMO_ZONES.example.id;
export const ZONE_SHOP = DEMO_ZONES.shop.id;
export const ZONE_LAB = DEMO_ZONES.lab.id;
export const PROJECT = DEMO_GJIRAFA_PROJECT_ID;

export const VIEW_KEYS = {
  /** reports:read on the example zone and the Gjirafa project. */
  onCall: key("on-call", ["reports:read"], [ZONE_EXAMPLE], [PROJECT]),
  /** reports:read on the shop zone only. */
  shop: key("shop", ["reports:read"], [ZONE_SHOP], []),
  /** reports:read everywhere. */
  everything: key("everything", ["reports:read"], ["*"], ["*"]),
  /** Certificates, no reports. */
  reader: key("lister", ["certificates:read"], ["*"], ["*"]),
  admin: KEYS.admin,
} as const;

export function viewsGateway(options: GatewayOptions = {}): Gateway {
  return createGateway({ keys: Object.values(VIEW_KEYS), ...options });
}

export const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/** Posts the sign-in form as Chromium does from the page; the raw answer. */
export function postSignIn(
  gw: Gateway,
  typed: string,
  headers: Record<string, string> = { Origin: ORIGIN },
  origin = ORIGIN,
): Promise<Response> {
  return gw.send(
    new Request(`${origin}/status/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: BROWSER_ACCEPT,
        ...headers,
      },
      body: new URLSearchParams({ key: typed }).toString(),
    }),
  );
}

/** `name=value` of a Set-Cookie header (what the browser sends back). */
export function cookiePair(setCookie: string | null): string {
  if (!setCookie) throw new Error("no Set-Cookie");
  return setCookie.split(";")[0] ?? "";
}

/** Signs in with `k` and returns the cookie to send back. */
export async function signIn(gw: Gateway, k: TestKey, origin = ORIGIN): Promise<string> {
  const res = await postSignIn(gw, k.key, { Origin: origin }, origin);
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  return cookiePair(res.headers.get("set-cookie"));
}

/** A page request as a browser sends it (Accept: text/html), with a cookie. */
export function browse(
  gw: Gateway,
  path: string,
  cookie?: string,
  init: { method?: string; headers?: Record<string, string>; origin?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { Accept: BROWSER_ACCEPT, ...init.headers };
  if (cookie) headers.Cookie = cookie;
  return gw.send(
    new Request(`${init.origin ?? ORIGIN}${path}`, {
      method: init.method ?? "GET",
      headers,
      redirect: "manual",
    }),
  );
}

/** The page's text content, tags removed and entities decoded enough to search it. */
export function textOf(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");
}
