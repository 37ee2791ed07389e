/**
 * GET /status and its sign-in, on the whole worker over the demo simulators, as a browser uses them:
 * the sign-in form and its session cookie (flags, lifetime, signature, revocation, cross-site refusal),
 * what the page shows a zone-limited key (and what it never shows), filters, the stale banner, the
 * on-call fields of the report, and the page's own safety (CSP, no script, escaping).
 */
import { env as runtimeEnv } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { REPORT_KEY } from "../../src/monitor/report";
import { AUD, claims, jwksHandler, makeSigningKey, sign, TEAM } from "../auth/jwt";
import { resetStorage } from "../helpers/kv";
import {
  BROWSER_ACCEPT,
  browse,
  cookiePair,
  ORIGIN,
  PROJECT,
  postSignIn,
  signIn,
  textOf,
  VIEW_KEYS,
  viewsGateway,
  ZONE_EXAMPLE,
  ZONE_LAB,
  ZONE_SHOP,
} from "./helpers";

beforeEach(resetStorage);

const HOUR = 3_600_000;

describe("GET /status without a session", () => {
  it("answers a browser with the sign-in form (401), an API client with the JSON envelope", async () => {
    const gw = viewsGateway();
    const page = await browse(gw, "/status");
    expect(page.status).toBe(401);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await page.text();
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toMatch(/<form method="post" action="\/status\/sign-in">/);
    expect(html).toMatch(/<input id="key" name="key" type="password"/);
    expect(html).toContain('<label for="key">API key</label>');
    // A first visit is not an error.
    expect(html).not.toContain('role="alert"');

    const api = await gw.call("GET", "/status");
    expect(api.status).toBe(401);
    expect(((await api.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe("unauthorized");
  });

  it("works at once with an API key header (no session needed), and 403s a key without reports:read", async () => {
    const gw = viewsGateway();
    const withKey = await browse(gw, "/status", undefined, {
      headers: { Authorization: `Bearer ${VIEW_KEYS.onCall.key}` },
    });
    expect(withKey.status).toBe(200);
    const refused = await browse(gw, "/status", undefined, {
      headers: { Authorization: `Bearer ${VIEW_KEYS.reader.key}` },
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("reports:read");
  });
});

describe("through Cloudflare Access", () => {
  it("just works with an Access session: the identity's certificates, no form, no session cookie of its own", async () => {
    const signer = await makeSigningKey("status-kid-1");
    const rules = [
      { email: "oncall@example.com", scopes: ["reports:read"], zones: [ZONE_EXAMPLE], projects: [PROJECT] },
    ];
    const gw = viewsGateway({
      env: { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_RULES: JSON.stringify(rules) },
      routes: { [TEAM]: jwksHandler(() => [signer]) },
    });
    await gw.scheduled();
    const token = await sign(signer, claims(gw.clock.now(), { email: "oncall@example.com" }));
    // A browser behind Access brings the CF_Authorization cookie (and Access adds the header).
    const res = await browse(gw, "/status", `CF_Authorization=${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
    const html = await res.text();
    const text = textOf(html);
    expect(text).toContain("oncall@example.com (through Cloudflare Access)");
    expect(text).toContain("api.example.com");
    expect(html).not.toContain(ZONE_SHOP);
    expect(html).not.toContain('name="key"');

    // Without it, the form says Access would open the page; an identity without reports:read is refused.
    const form = await (await browse(gw, "/status")).text();
    expect(textOf(form)).toContain("Opened through Cloudflare Access, this page needs no key.");
    const stranger = await sign(signer, claims(gw.clock.now(), { email: "someone@example.com" }));
    expect((await browse(gw, "/status", `CF_Authorization=${stranger}`)).status).toBe(403);
  });
});

describe("signing in with the form", () => {
  it("sets a signed, HttpOnly, Secure, SameSite=Strict cookie for /status, 12 hours, without the key", async () => {
    const gw = viewsGateway();
    const res = await postSignIn(gw, VIEW_KEYS.onCall.key);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/status");
    const setCookie = res.headers.get("set-cookie") ?? "";
    const attributes = setCookie.split(";").map((a) => a.trim());
    expect(attributes[0]).toMatch(/^__Secure-certgate_status=[\w-]+\.[\w-]+$/);
    expect(attributes.slice(1).sort()).toEqual(
      ["HttpOnly", "Max-Age=43200", "Path=/status", "SameSite=Strict", "Secure"].sort(),
    );
    expect(setCookie).not.toContain(VIEW_KEYS.onCall.key);
    // The payload names the key's entry and grants (readable by the holder; signed, not secret).
    const payload = JSON.parse(atob((attributes[0]?.split("=")[1] ?? "").split(".")[0] ?? "").toString());
    expect(payload).toMatchObject({
      v: 1,
      name: "on-call",
      key: VIEW_KEYS.onCall.entry.sha256,
      scopes: ["reports:read"],
      zones: [ZONE_EXAMPLE],
      projects: [PROJECT],
    });
    expect(payload.exp - payload.iat).toBe(12 * 3600);
  });

  it("leaves Secure and the __Secure- prefix out on plain-http loopback only", async () => {
    const gw = viewsGateway();
    const loopback = await postSignIn(
      gw,
      VIEW_KEYS.onCall.key,
      { Origin: "http://127.0.0.1:8787" },
      "http://127.0.0.1:8787",
    );
    const cookie = loopback.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^certgate_status=/);
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).toContain("HttpOnly");
    const lan = await postSignIn(
      gw,
      VIEW_KEYS.onCall.key,
      { Origin: "http://certgate.lan" },
      "http://certgate.lan",
    );
    expect(lan.headers.get("set-cookie")).toMatch(/^__Secure-certgate_status=.*; Secure/);
  });

  it("takes its lifetime from STATUS_SESSION_HOURS", async () => {
    const gw = viewsGateway({ env: { STATUS_SESSION_HOURS: "1" } });
    const res = await postSignIn(gw, VIEW_KEYS.onCall.key);
    expect(res.headers.get("set-cookie")).toContain("Max-Age=3600");
  });

  it.each<{ what: string; headers: Record<string, string>; status: number }>([
    { what: "another site's form (Origin)", headers: { Origin: "https://evil.example" }, status: 403 },
    {
      what: "another site by Fetch Metadata, whatever Origin says",
      headers: { Origin: ORIGIN, "Sec-Fetch-Site": "cross-site" },
      status: 403,
    },
    { what: "no Origin and no Sec-Fetch-Site", headers: {}, status: 403 },
    { what: "Origin null", headers: { Origin: "null" }, status: 403 },
  ])("refuses a sign-in from $what: $status, no cookie", async ({ headers, status }) => {
    const gw = viewsGateway();
    const res = await postSignIn(gw, VIEW_KEYS.onCall.key, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.text()).toContain("certgate&#39;s own pages");
  });

  it("accepts a same-origin form told by Fetch Metadata alone", async () => {
    const gw = viewsGateway();
    const res = await postSignIn(gw, VIEW_KEYS.onCall.key, { "Sec-Fetch-Site": "same-origin" });
    expect(res.status).toBe(303);
  });

  it.each([
    { what: "an unknown key", typed: `cg_${"Q".repeat(43)}`, status: 401, says: "Invalid API key" },
    { what: "something that is not a key", typed: "hunter2", status: 401, says: "Malformed API key" },
    { what: "nothing", typed: "", status: 401, says: "An API key is required" },
    { what: "a key without reports:read", typed: VIEW_KEYS.reader.key, status: 403, says: "reports:read" },
  ])("shows the form again with why, for $what", async ({ typed, status, says }) => {
    const gw = viewsGateway();
    const res = await postSignIn(gw, typed);
    expect(res.status).toBe(status);
    expect(res.headers.get("set-cookie")).toBeNull();
    const html = await res.text();
    expect(html).toContain('name="key"');
    expect(html).toMatch(/<p class="error" role="alert">[^<]*/);
    expect(textOf(html)).toContain(says);
  });

  it("refuses a sign-in form too large to be one (413) before reading a key", async () => {
    const gw = viewsGateway();
    const res = await gw.send(
      new Request(`${ORIGIN}/status/sign-in`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
        body: `key=${VIEW_KEYS.onCall.key}&pad=${"x".repeat(5000)}`,
      }),
    );
    expect(res.status).toBe(413);
  });
});

describe("the session", () => {
  it("shows the key's certificates, problems and quota, and nothing of another zone", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    const res = await browse(gw, "/status", cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = textOf(html);
    expect(text).toContain("on-call (signed in with an API key)");
    for (const host of ["api.example.com", "legacy.example.com", "media.demo.certgate.test"]) {
      expect(text).toContain(host);
    }
    // The shop zone (9 packs, quota 9 of 10) and the lab zone (expired pack) belong to other keys.
    for (const other of [ZONE_SHOP, ZONE_LAB, "shop.example", "old.certgate.test"]) {
      expect(html).not.toContain(other);
    }
    expect(text).toContain("4 of 100 used (4 %)");
    expect(html).toMatch(/<meter id="quota-0" min="0" max="100" value="4"/);
  });

  it("sorts certificates by time left, soonest first, unknown expiry last", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const cookie = await signIn(gw, VIEW_KEYS.everything);
    const html = await (await browse(gw, "/status", cookie)).text();
    const table = html.slice(html.indexOf('aria-label="Certificates, by time left"'));
    const times = [...table.matchAll(/<time class="muted" datetime="([^"]+)"/g)].map((m) =>
      Date.parse(m[1] ?? ""),
    );
    expect(times.length).toBeGreaterThan(5);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const rows = table.slice(0, table.indexOf("</table>")).split("<tr>").slice(2);
    const firstUnknown = rows.findIndex((r) => r.includes(">unknown<"));
    expect(firstUnknown).toBeGreaterThan(0);
    expect(rows.slice(firstUnknown).every((r) => r.includes(">unknown<"))).toBe(true);
    expect(textOf(rows[0] ?? "")).toContain("expired 3 days ago");
  });

  it("lists problems by severity with the DNS or HTTP records to publish", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    const html = await (await browse(gw, "/status", cookie)).text();
    const critical = html.indexOf("<h3>Critical (");
    const warning = html.indexOf("<h3>Warning (");
    expect(critical).toBeGreaterThan(0);
    expect(warning).toBeGreaterThan(critical);
    // The timed-out pack's HTTP validation records, in a table with its caption.
    expect(html).toContain("<caption>Publish these records to validate the certificate</caption>");
    expect(html).toMatch(/http:\/\/legacy\.example\.com\/\.well-known\/acme-challenge\/[\w-]+/);
  });

  it("ends when it expires: the form again, the cookie cleared", async () => {
    const gw = viewsGateway();
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    gw.clock.advance(12 * HOUR - 60_000);
    expect((await browse(gw, "/status", cookie)).status).toBe(200);
    gw.clock.advance(60_000);
    const expired = await browse(gw, "/status", cookie);
    expect(expired.status).toBe(401);
    expect(textOf(await expired.text())).toContain("Your status page session has expired: sign in again");
    expect(expired.headers.get("set-cookie")).toBe(
      "__Secure-certgate_status=; Path=/status; Max-Age=0; HttpOnly; SameSite=Strict; Secure",
    );
  });

  it.each([
    {
      what: "its grants widened in the payload",
      tamper: (payload: Record<string, unknown>) => ({ ...payload, zones: ["*"], projects: ["*"] }),
    },
    {
      what: "its expiry pushed back",
      tamper: (payload: Record<string, unknown>) => ({ ...payload, exp: 4e9 }),
    },
    {
      what: "another key's name",
      tamper: (payload: Record<string, unknown>) => ({ ...payload, name: "everything" }),
    },
  ])("refuses a cookie with $what (the signature no longer matches)", async ({ tamper }) => {
    const gw = viewsGateway();
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    const [name, value] = cookie.split("=");
    const [payload, signature] = (value ?? "").split(".");
    const claims = JSON.parse(atob(payload ?? ""));
    const forged = btoa(JSON.stringify(tamper(claims)))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    const res = await browse(gw, "/status", `${name}=${forged}.${signature}`);
    expect(res.status).toBe(401);
    expect(textOf(await res.text())).toContain("Your status page session is not valid");
  });

  it("refuses a cookie signed with another secret, and one with no signature", async () => {
    const gw = viewsGateway();
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    const other = viewsGateway({
      env: { STATUS_SESSION_SECRET: "a-configured-secret-of-enough-length-0123" },
    });
    expect((await browse(other, "/status", cookie)).status).toBe(401);
    const unsigned = cookie.split(".")[0] ?? "";
    expect((await browse(gw, "/status", unsigned)).status).toBe(401);
    expect((await browse(gw, "/status", `${unsigned}.`)).status).toBe(401);
  });

  it("is generated once and kept: another isolate verifies a session this one signed", async () => {
    const first = viewsGateway();
    const cookie = await signIn(first, VIEW_KEYS.onCall);
    const second = viewsGateway();
    expect((await browse(second, "/status", cookie)).status).toBe(200);
  });

  it("signs with STATUS_SESSION_SECRET when one is set", async () => {
    const secret = "a-configured-secret-of-enough-length-4567";
    const a = viewsGateway({ env: { STATUS_SESSION_SECRET: secret } });
    const cookie = await signIn(a, VIEW_KEYS.onCall);
    const b = viewsGateway({ env: { STATUS_SESSION_SECRET: secret } });
    expect((await browse(b, "/status", cookie)).status).toBe(200);
    // ... and the generated secret does not verify it.
    expect((await browse(viewsGateway(), "/status", cookie)).status).toBe(401);
  });

  it("ends at once when its key leaves API_KEYS", async () => {
    const gw = viewsGateway();
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    const revoked = viewsGateway({ keys: [VIEW_KEYS.everything, VIEW_KEYS.admin] });
    const res = await browse(revoked, "/status", cookie);
    expect(res.status).toBe(401);
    expect(textOf(await res.text())).toContain("no longer accepted");
  });

  it("follows a key narrowed in API_KEYS, and never widens past what it was signed with", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    const narrowed = { ...VIEW_KEYS.onCall, entry: { ...VIEW_KEYS.onCall.entry, projects: [] } };
    const widened = { ...VIEW_KEYS.onCall, entry: { ...VIEW_KEYS.onCall.entry, zones: ["*"] } };
    const narrow = await (await browse(viewsGateway({ keys: [narrowed] }), "/status", cookie)).text();
    expect(narrow).toContain(ZONE_EXAMPLE);
    expect(narrow).not.toContain(PROJECT);
    const wide = await (await browse(viewsGateway({ keys: [widened] }), "/status", cookie)).text();
    expect(wide).toContain(PROJECT);
    expect(wide).not.toContain(ZONE_SHOP);
    // A key that lost reports:read: 403, the form, the cookie cleared.
    const demoted = {
      ...VIEW_KEYS.onCall,
      entry: { ...VIEW_KEYS.onCall.entry, scopes: ["certificates:read"] },
    };
    const refused = await browse(viewsGateway({ keys: [demoted] }), "/status", cookie);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("set-cookie")).toContain("Max-Age=0");
  });

  it("signs out with a same-origin form, and not from another site", async () => {
    const gw = viewsGateway();
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    const crossSite = await browse(gw, "/status/sign-out", cookie, {
      method: "POST",
      headers: { Origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    const out = await browse(gw, "/status/sign-out", cookie, { method: "POST", headers: { Origin: ORIGIN } });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/status");
    expect(out.headers.get("set-cookie")).toContain("__Secure-certgate_status=; Path=/status; Max-Age=0");
  });
});

describe("sessions in the audit log", () => {
  it("each sign-in and sign-out is recorded with the key's name, a refused one too; the key never", async () => {
    const gw = viewsGateway();
    const run = crypto.randomUUID();
    const signedIn = await postSignIn(gw, VIEW_KEYS.onCall.key, {
      Origin: ORIGIN,
      "X-Request-Id": `${run}-1`,
    });
    expect(signedIn.status).toBe(303);
    const cookie = cookiePair(signedIn.headers.get("set-cookie"));
    const refused = await postSignIn(gw, VIEW_KEYS.reader.key, {
      Origin: ORIGIN,
      "X-Request-Id": `${run}-2`,
    });
    expect(refused.status).toBe(403);
    const out = await browse(gw, "/status/sign-out", cookie, {
      method: "POST",
      headers: { Origin: ORIGIN, "X-Request-Id": `${run}-3` },
    });
    expect(out.status).toBe(303);
    const log = await gw.json<{ result: Array<Record<string, unknown>> }>("GET", "/v1/audit?per_page=500", {
      key: VIEW_KEYS.admin,
    });
    expect(log.status).toBe(200);
    const rows = log.body.result
      .filter((r) => String(r.request_id).startsWith(run))
      .sort((a, b) => String(a.request_id).localeCompare(String(b.request_id)))
      .map((r) => [r.actor, r.actor_via, r.action, (r.outcome as { status: number }).status]);
    expect(rows).toEqual([
      ["on-call", "api_key", "status.sign_in", 303],
      ["lister", "api_key", "status.sign_in", 403],
      ["on-call", "status_session", "status.sign_out", 303],
    ]);
    for (const k of [VIEW_KEYS.onCall, VIEW_KEYS.reader])
      expect(JSON.stringify(log.body.result)).not.toContain(k.key);
  });
});

describe("the session cookie authorizes GET /status and sign-out, and nothing else", () => {
  it("every other route answers 401 to the cookie alone, writes included, and reaches no upstream", async () => {
    const gw = viewsGateway();
    const cookie = await signIn(gw, VIEW_KEYS.everything);
    const accepting = gw.worker.routes
      .filter((r) => r.credentials === "status-session")
      .map((r) => `${r.method} ${r.path}`);
    expect(accepting.sort()).toEqual(["GET /status", "POST /status/sign-out"]);
    const before = gw.upstreamCalls();
    const probes = gw.worker.routes.filter(
      (r) => r.method !== "ALL" && r.access !== "public" && r.credentials !== "status-session",
    );
    expect(probes.length).toBeGreaterThan(20);
    for (const r of probes) {
      const path = r.path.replace(/:[a-z_]+/g, (p) =>
        p.includes("zone") ? ZONE_EXAMPLE : p.includes("project") ? PROJECT : "1",
      );
      const res = await gw.send(
        new Request(`${ORIGIN}${path}`, {
          method: r.method,
          headers: {
            Cookie: cookie,
            Origin: ORIGIN,
            "Sec-Fetch-Site": "same-origin",
            "Content-Type": "application/json",
          },
          body: r.method === "GET" ? undefined : "{}",
        }),
      );
      expect(res.status, `${r.method} ${path}`).toBe(401);
    }
    expect(gw.upstreamCalls() - before).toBe(0);
  });

  it("only the sign-in route takes a key from a form", async () => {
    const gw = viewsGateway();
    expect(
      gw.worker.routes.filter((r) => r.credentials === "sign-in-form").map((r) => `${r.method} ${r.path}`),
    ).toEqual(["POST /status/sign-in"]);
    const res = await gw.send(
      new Request(`${ORIGIN}/v1/report/run`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
        body: new URLSearchParams({ key: VIEW_KEYS.admin.key }).toString(),
      }),
    );
    expect(res.status).toBe(401);
  });
});

describe("filters", () => {
  it("narrow by provider, zone or project, and certificate status", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const cookie = await signIn(gw, VIEW_KEYS.everything);
    const page = async (query: string) => textOf(await (await browse(gw, `/status?${query}`, cookie)).text());
    const gjirafa = await page("provider=gjirafa");
    expect(gjirafa).toContain("media.demo.certgate.test");
    expect(gjirafa).not.toContain("api.example.com");
    const shop = await page(`zone=${ZONE_SHOP}`);
    expect(shop).toContain("store1.shop.example");
    expect(shop).not.toContain("media.demo.certgate.test");
    expect(shop).toContain("9 of 10 used (90 %)");
    const failed = await page("status=failed");
    expect(failed).toMatch(/Certificates \(1\)/);
    expect(failed).toContain("legacy.example.com");
    // The form's "All" sends empty values: no filter.
    expect(await page("provider=&zone=&project=&status=")).toContain("store1.shop.example");
    // The chosen values stay selected.
    const html = await (await browse(gw, `/status?provider=gjirafa&status=active`, cookie)).text();
    expect(html).toContain('<option value="gjirafa" selected="">');
    expect(html).toContain('<option value="active" selected="">');
  });

  it.each([
    { query: "provider=nope", status: 400 },
    { query: "status=burning", status: 400 },
    { query: "zone=../../etc", status: 400 },
  ])("refuses $query with $status", async ({ query, status }) => {
    const gw = viewsGateway();
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    const res = await browse(gw, `/status?${query}`, cookie);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("refuses a zone the key may not see with the same 403 as the API", async () => {
    const gw = viewsGateway();
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    const res = await browse(gw, `/status?zone=${ZONE_SHOP}`, cookie);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain(ZONE_SHOP);
  });
});

describe("the monitor's state on the page", () => {
  it("says so when the monitor never ran, and when its report turns stale", async () => {
    const gw = viewsGateway();
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    const never = await (await browse(gw, "/status", cookie)).text();
    expect(never).toMatch(/<div class="banner stale" role="alert">The monitor has not completed a run yet/);
    await gw.scheduled();
    const fresh = await (await browse(gw, "/status", cookie)).text();
    expect(fresh).not.toContain('role="alert"');
    expect(fresh).toContain("The monitor last ran just now");
    gw.clock.advance(31 * 60_000);
    const stale = await (await browse(gw, "/status", cookie)).text();
    expect(stale).toMatch(
      /<div class="banner stale" role="alert">Stale: the monitor&#39;s last run finished 31 minutes ago/,
    );
  });

  it("shows owner, runbook and acknowledgement where the report has them, escaped, links only to http(s)", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const stored = JSON.parse((await runtimeEnv.STATE.get(REPORT_KEY, "text")) ?? "{}");
    const [first, second] = stored.latest.problems;
    Object.assign(first, {
      owner: "team-edge <edge@example.com>",
      runbook: "https://runbooks.example.com/certs#expiring",
      ack: {
        by: "alice",
        reason: "renewal ordered",
        until: "2026-11-24T12:00:00Z",
        at: "2026-11-23T12:00:00Z",
      },
      message: "<script>alert(1)</script>",
    });
    Object.assign(second, { owner: null, runbook: "javascript:alert(1)", ack: null });
    for (const scope of stored.latest.scopes) Object.assign(scope, { owner: "team-edge", runbook: null });
    await runtimeEnv.STATE.put(REPORT_KEY, JSON.stringify(stored));
    const cookie = await signIn(gw, VIEW_KEYS.everything);
    const html = await (await browse(gw, "/status", cookie)).text();
    expect(html).toContain("<dt>Owner</dt><dd>team-edge &lt;edge@example.com&gt;</dd>");
    expect(html).toContain('<a href="https://runbooks.example.com/certs#expiring">');
    expect(textOf(html)).toContain("by alice until 2026-11-24 12:00 UTC: renewal ordered");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script");
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain("<dd>javascript:alert(1)</dd>");
  });

  it("reads reports stored before those fields existed", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const stored = JSON.parse((await runtimeEnv.STATE.get(REPORT_KEY, "text")) ?? "{}");
    for (const p of stored.latest.problems) {
      delete p.owner;
      delete p.runbook;
      delete p.ack;
    }
    await runtimeEnv.STATE.put(REPORT_KEY, JSON.stringify(stored));
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    const html = await (await browse(gw, "/status", cookie)).text();
    expect(html).toContain("<h3>Critical (");
    expect(html).not.toContain("<dt>Owner</dt>");
  });
});

describe("the page itself", () => {
  it("has a strict CSP whose nonce is its only stylesheet's, no script, no external reference", async () => {
    const gw = viewsGateway();
    await gw.scheduled();
    const cookie = await signIn(gw, VIEW_KEYS.everything);
    for (const res of [await browse(gw, "/status", cookie), await browse(gw, "/status")]) {
      const csp = res.headers.get("content-security-policy") ?? "";
      const nonce = /style-src 'nonce-([\w-]+)'/.exec(csp)?.[1];
      expect(nonce).toBeTruthy();
      expect(csp).toBe(
        `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      );
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("cache-control")).toBe("no-store");
      const html = await res.text();
      expect(html.match(/<style/g)).toHaveLength(1);
      expect(html).toContain(`<style nonce="${nonce}">`);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\sstyle=|url\(/i);
      expect(html).toMatch(/<html lang="en">/);
      expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    }
  });

  it("draws a new nonce for every answer", async () => {
    const gw = viewsGateway();
    const a = (await browse(gw, "/status")).headers.get("content-security-policy");
    const b = (await browse(gw, "/status")).headers.get("content-security-policy");
    expect(a).not.toBe(b);
  });

  it("answers HEAD like GET, without a body", async () => {
    const gw = viewsGateway();
    const cookie = await signIn(gw, VIEW_KEYS.onCall);
    const res = await browse(gw, "/status", cookie, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("keeps the API's answers for an API client on every status path (Accept without text/html)", async () => {
    const gw = viewsGateway();
    const res = await gw.send(
      new Request(`${ORIGIN}/status/sign-in`, { method: "POST", headers: { Accept: "application/json" } }),
    );
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(BROWSER_ACCEPT).toContain("text/html");
    expect(cookiePair("a=b; Path=/")).toBe("a=b");
  });
});
