/**
 * Regression tests for the security review (issue 17): one block per finding, named after it, each
 * confirming the attack the review ran no longer works and that legitimate use still does.
 *   1 quadratic PEM scan (and the audit of every other pattern run on caller or upstream input)
 *   2 cross-site POST with the Access cookie
 *   3 run-wide counters to restricted callers
 *   4 key material an upstream echoes without PEM headers
 *   5 config_invalid before authentication
 *   6 /docs locks out Access users
 *   7 trailing slash answers 405 while Allow names the method
 *   8 config hardening (duplicate keys, plain http)
 *   9 per-isolate caches bounded by count, not size
 * Timing is always a ratio against ordinary input of the same size (timing.ts), never a threshold.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { decodeProtectedHeader } from "jose";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLOUDFLARE_ZONE_IDS, DEMO_ZONES, SAMPLE_CHAIN } from "../../sandbox";
import { cookieRequestProblem } from "../../src/auth/csrf";
import { wantsBypass } from "../../src/cache";
import { createByteLru } from "../../src/cache/byte-lru";
import { createListCache, MEMORY_CHARGE_PER_CHAR } from "../../src/cache/list-cache";
import { commonNameOf } from "../../src/inventory/certificate";
import { wantsHtml } from "../../src/middleware/status-pages";
import type { ReportView } from "../../src/monitor/report-view";
import { splitNames } from "../../src/providers/gjirafa/normalize";
import { pemProblem, scanBlocks } from "../../src/providers/gjirafa/pem";
import { statusKey } from "../../src/providers/gjirafa/status";
import { REDACTED, redactText, secretsInBody } from "../../src/redact";
import { DOCS_HTML, docsRequestInit } from "../../src/routes/docs-page";
import { sameWords } from "../../src/status/format";
import { parseRetryAfter } from "../../src/upstream/backoff";
import { AUD, claims, jwksHandler, makeSigningKey, type SigningKey, sign, TEAM } from "../auth/jwt";
import { harness, type Item, parseItem, uniqueKey } from "../cache/helpers";
import { parseTestConfig as parseConfig } from "../helpers/config";
import { testEnv } from "../helpers/env";
import { KEYS, type TestKey } from "../helpers/keys";
import { SEED } from "./fuzz-check";
import { createLeakDetector } from "./leaks";
import { type Fixture, fixtureOf, makePrivateKeyPem, OPERATION_CASES } from "./operations";
import {
  ALL_KEYS,
  answerOf,
  createReliabilityGateway,
  ORIGIN,
  type ReliabilityGateway,
  resetStorage,
} from "./suite";
import { growthRatio, medianAsyncMs, timeRatio } from "./timing";

beforeEach(resetStorage);

const MiB = 1 << 20;
/** `unit` repeated to exactly `size` characters. */
const fill = (unit: string, size = MiB) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** A key of this file, digest in API_KEYS as in production. */
function keyOf(name: string, scopes: string[], zones: string[], projects: string[]): TestKey {
  const key = `cg_sec_${name.replace(/[^a-z0-9]/gi, "_")}_${"s".repeat(40 - name.length)}`;
  return {
    key,
    entry: { name, sha256: createHash("sha256").update(key).digest("hex"), scopes, zones, projects },
  };
}

const apiKeysWith = (...extra: TestKey[]) => JSON.stringify([...ALL_KEYS, ...extra].map((k) => k.entry));

describe("1. quadratic PEM scan", () => {
  /** Ordinary input: real certificates, block after block (every block is decoded). */
  const ordinaryPem = fill(`${SAMPLE_CHAIN.trim()}\n`);
  let labels = "";
  for (let i = 0; labels.length < MiB; i++) labels += `-----BEGIN L${i.toString(36).toUpperCase()}-----\n`;

  const ADVERSARIAL: ReadonlyArray<readonly [string, string]> = [
    ["unmatched BEGIN lines (the review's input)", fill("-----BEGIN A-----")],
    ["unmatched BEGIN CERTIFICATE lines", fill("-----BEGIN CERTIFICATE-----\n")],
    ["a new label on every BEGIN", labels.slice(0, MiB)],
    ["BEGIN and END lines that never pair", fill("-----BEGIN A-----\n-----END B-----\n")],
    ["one label that never closes", `-----BEGIN ${"A".repeat(MiB - 11)}`],
    ["dashes only", fill("-")],
    ["overlapping BEGIN and END prefixes", fill("-----BEGIN -----END ")],
    [
      "one block holding every BEGIN",
      `-----BEGIN A-----${fill("-----BEGIN A-----", MiB - 32)}-----END A-----`,
    ],
  ];

  it.each(ADVERSARIAL)("%s: 1 MiB scans in time proportional to 1 MiB of ordinary PEM", (_name, text) => {
    expect(text.length).toBe(MiB);
    expect(pemProblem(text, "chain")).toEqual(expect.any(String));
    const r = timeRatio(
      () => pemProblem(text, "chain"),
      () => pemProblem(ordinaryPem, "chain"),
    );
    // Linear: the same order as real PEM (which is also base64-decoded). The old pattern took minutes here.
    expect(r.ratio, JSON.stringify(r)).toBeLessThan(4);
  });

  it("finds exactly the blocks of the regular expression it replaces (differential, fast-check)", () => {
    const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
    const oracle = (text: string) => {
      const blocks: Array<{ label: string; body: string }> = [];
      let outside = "";
      let last = 0;
      for (const m of text.matchAll(BLOCK)) {
        outside += text.slice(last, m.index);
        last = m.index + m[0].length;
        blocks.push({ label: m[1] ?? "", body: m[2] ?? "" });
      }
      return { blocks, outside: outside + text.slice(last) };
    };
    const piece = fc.constantFrom(
      "-----BEGIN ",
      "-----END ",
      "-----",
      "-",
      "A",
      "B",
      " ",
      "\n",
      "QUJD",
      "=",
      "END",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), (pieces) => {
        const text = pieces.join("");
        expect(scanBlocks(text)).toEqual(oracle(text));
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });

  it("a native import with 250 KB of unmatched BEGIN lines answers 400 in about the time of any other 400", async () => {
    const gw = createReliabilityGateway();
    const f = fixtureOf(gw, (await makePrivateKeyPem("EC")).pem);
    const path = `/gjirafa/api/v1/projects/${f.project}/certificates/import`;
    const importOf = (certificateBody: string) => () =>
      gw.json("POST", path, {
        key: KEYS.admin,
        body: { certificateBody, certificatePrivateKey: f.privateKey, certificateChain: "", scopeId: 1 },
      });
    const adversarial = importOf(fill("-----BEGIN A-----", 250_000));
    // Another 400 of the same size: 250 KB of real certificates where exactly one belongs.
    const ordinary = importOf(fill(`${SAMPLE_CHAIN.trim()}\n`, 250_000));
    const before = gw.upstreamCalls();
    const answer = await adversarial();
    expect(answer.status, answer.text.slice(0, 300)).toBe(400);
    expect(answer.text).toContain("body.certificateBody");
    expect((await ordinary()).status).toBe(400);
    expect(gw.upstreamCalls()).toBe(before);
    const adversarialMs = await medianAsyncMs(adversarial, 5);
    const ordinaryMs = await medianAsyncMs(ordinary, 5);
    // Both are dominated by reading and parsing 250 KB of JSON; before the fix the scan alone took seconds.
    expect(adversarialMs / Math.max(ordinaryMs, 1), `${adversarialMs} vs ${ordinaryMs} ms`).toBeLessThan(3);
  });

  /**
   * The regex audit (docs/security.md "Regular expressions on untrusted input"): every pattern or hand
   * parser that reads caller or upstream input WITHOUT a small length cap in front of it, fed input built
   * to make it backtrack, at 64 KiB and at 256 KiB: linear work grows about 4 times, quadratic 16 times.
   * Capped ones (a few hundred characters at most) are listed in the doc.
   */
  const material = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(1_536))));
  const randomBase64 = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(3_072))));
  const post = (contentType: string) =>
    new Request(`${ORIGIN}/v1/certificates`, {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": contentType },
    });
  /** The input is built once per size, outside the timed calls. */
  const on = (input: (size: number) => string, run: (text: string) => unknown) => (size: number) => {
    const text = input(size);
    return () => run(text);
  };
  const AUDIT: ReadonlyArray<{ name: string; make: (size: number) => () => unknown }> = [
    {
      name: "redactText: PRIVATE KEY armor whose label runs backtrack",
      make: on(
        (n) => `${fill("-----BEGIN AAAA PRIVATE KE", n)}PRIVATE KEY-----`,
        (t) => redactText(t),
      ),
    },
    {
      name: "redactText: an unterminated private key",
      make: on(
        (n) => `-----BEGIN PRIVATE KEY-----${fill("A", n)}`,
        (t) => redactText(t),
      ),
    },
    {
      name: "redactText: cg_ prefixes",
      make: on(
        (n) => fill("cg_", n),
        (t) => redactText(t),
      ),
    },
    {
      name: "redactText: Bearer and whitespace",
      make: on(
        (n) => fill("Bearer \t", n),
        (t) => redactText(t),
      ),
    },
    {
      name: "redactText: runs of key material",
      make: on(
        (n) => fill(randomBase64, n),
        (t) => redactText(t, [material]),
      ),
    },
    {
      name: "wantsBypass: Cache-Control with an unterminated quoted string",
      make: (n) => {
        const headers = new Headers({ "cache-control": `a="${fill('\\"', n)}` });
        return () => wantsBypass(headers);
      },
    },
    {
      name: "JSON Content-Type check (readJson, the CSRF rule): a run of +",
      make: (n) => {
        const request = post(`application/${fill("+", n)}`);
        return () => cookieRequestProblem(request);
      },
    },
    {
      name: "splitNames (Gjirafa additionalNames): separators only",
      make: on((n) => fill(" ,;\t", n), splitNames),
    },
    { name: "statusKey (Gjirafa status): separators only", make: on((n) => fill(" _-", n), statusKey) },
    {
      name: "commonNameOf (an upstream's issuer, /metrics issuer_CN): escaped commas, no CN",
      make: on((n) => fill("\\,O=a", n), commonNameOf),
    },
    {
      name: "sameWords (the status page, a provider's status): separators only",
      make: on(
        (n) => fill(" _-", n),
        (t) => sameWords(t, "active"),
      ),
    },
    {
      name: "wantsHtml (the status page's error pages, Accept): a run of text/htm",
      make: on((n) => fill("text/htm", n), wantsHtml),
    },
    {
      name: "parseRetryAfter (upstream header): digits, then a letter",
      make: on(
        (n) => `${fill("1", n)}x`,
        (t) => parseRetryAfter(t, 0),
      ),
    },
    {
      name: "the Access token's header decoding (jose): one bad character at the end",
      make: on(
        (n) => `${fill("A", n)}!.e30.c2ln`,
        (token) => {
          try {
            return decodeProtectedHeader(token);
          } catch {
            return null;
          }
        },
      ),
    },
  ];

  it.each(AUDIT)("regex audit: $name grows linearly (4x the input, < 8x the time)", ({ make }) => {
    const r = growthRatio(make, 64 * 1024);
    expect(r.ratio, JSON.stringify(r)).toBeLessThan(8);
  });
});

describe("2. cross-site POST with the Access cookie", () => {
  const RULES = [{ email: "ops@example.com", scopes: ["admin"] }];
  let signer: SigningKey;
  let token = "";
  beforeAll(async () => {
    signer = await makeSigningKey("sec-kid");
    token = await sign(signer, claims(Date.parse("2026-11-23T12:00:00Z"), { email: "ops@example.com" }));
  });

  const accessGateway = () =>
    createReliabilityGateway({
      env: { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_RULES: JSON.stringify(RULES) },
      routes: { [TEAM]: jwksHandler(() => [signer]) },
    });
  const cookie = () => ({ Cookie: `session=1; CF_Authorization=${token}` });
  const SELF = { Origin: ORIGIN, "Content-Type": "application/json" };

  type Case = {
    name: string;
    method: string;
    path: (f: Fixture) => string;
    headers: () => Record<string, string>;
    allowed: boolean;
  };
  const validate = (f: Fixture) => `/v1/certificates/cloudflare:${f.zone}:${f.timedOutPack}/validate`;
  const CASES: Case[] = [
    {
      name: "cookie, text/plain POST from another site (the review's attack)",
      method: "POST",
      path: validate,
      headers: () => ({ ...cookie(), Origin: "https://evil.example", "Content-Type": "text/plain" }),
      allowed: false,
    },
    {
      name: "cookie, POST without Origin or Sec-Fetch-Site",
      method: "POST",
      path: validate,
      headers: () => ({ ...cookie(), "Content-Type": "application/json" }),
      allowed: false,
    },
    {
      name: "cookie, POST from this origin without a JSON content type",
      method: "POST",
      path: validate,
      headers: () => ({ ...cookie(), Origin: ORIGIN }),
      allowed: false,
    },
    {
      name: "cookie, POST with Origin null",
      method: "POST",
      path: validate,
      headers: () => ({ ...cookie(), Origin: "null", "Content-Type": "application/json" }),
      allowed: false,
    },
    {
      name: "cookie, Sec-Fetch-Site cross-site even with a matching Origin",
      method: "POST",
      path: validate,
      headers: () => ({ ...cookie(), ...SELF, "Sec-Fetch-Site": "cross-site" }),
      allowed: false,
    },
    {
      name: "cookie plus the header Access adds at its edge, cross-site",
      method: "POST",
      path: validate,
      headers: () => ({ ...cookie(), "Cf-Access-Jwt-Assertion": token, "Content-Type": "text/plain" }),
      allowed: false,
    },
    {
      name: "cookie, cross-site POST /v1/report/run",
      method: "POST",
      path: () => "/v1/report/run",
      headers: () => ({ ...cookie(), Origin: "https://evil.example" }),
      allowed: false,
    },
    {
      name: "cookie, cross-site DELETE",
      method: "DELETE",
      path: (f) => `/v1/certificates/cloudflare:${f.zone}:${f.activePack}`,
      headers: () => ({ ...cookie(), Origin: "https://evil.example", "Content-Type": "application/json" }),
      allowed: false,
    },
    {
      name: "cookie, POST from this origin as JSON",
      method: "POST",
      path: validate,
      headers: () => ({ ...cookie(), ...SELF }),
      allowed: true,
    },
    {
      name: "cookie, Sec-Fetch-Site same-origin as JSON (no Origin)",
      method: "POST",
      path: validate,
      headers: () => ({ ...cookie(), "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json" }),
      allowed: true,
    },
    {
      name: "cookie, cross-site GET stays readable (read-only)",
      method: "GET",
      path: (f) => `/v1/certificates?zone=${f.zone}`,
      headers: () => ({ ...cookie(), Origin: "https://evil.example" }),
      allowed: true,
    },
    {
      name: "Cf-Access-Jwt-Assertion header alone (no cookie): not checked",
      method: "POST",
      path: validate,
      headers: () => ({ "Cf-Access-Jwt-Assertion": token }),
      allowed: true,
    },
    {
      name: "API key with a cookie present: not checked",
      method: "POST",
      path: validate,
      headers: () => ({ ...cookie(), Authorization: `Bearer ${KEYS.admin.key}` }),
      allowed: true,
    },
  ];

  it.each(CASES)("$name -> allowed: $allowed", async ({ method, path, headers, allowed }) => {
    const gw = accessGateway();
    const f = fixtureOf(gw, "");
    const before = gw.upstreamCalls();
    const res = await gw.json<{ errors: Array<{ code: string; message: string }> }>(method, path(f), {
      headers: headers(),
    });
    if (allowed) {
      expect(res.status, res.text.slice(0, 300)).toBeLessThan(400);
      return;
    }
    expect(res.status, res.text.slice(0, 300)).toBe(403);
    expect(res.body.errors[0]?.code).toBe("forbidden");
    expect(res.body.errors[0]?.message).toContain("cookie");
    expect(gw.upstreamCalls() - before, "a refused write costs no upstream call").toBe(0);
  });
});

describe("3. run-wide counters to restricted callers", () => {
  const shop = DEMO_ZONES.shop.id;
  const shopReports = keyOf("shop-reports", ["reports:read"], [shop], []);

  it("a zone-limited reports:read key sees counts over its own scopes only, the admin sees the run", async () => {
    const gw = createReliabilityGateway({ env: { API_KEYS: apiKeysWith(shopReports) } });
    expect((await gw.json("POST", "/v1/report/run", { key: KEYS.admin })).status).toBe(200);
    const full = (await gw.json<{ result: ReportView }>("GET", "/v1/report", { key: KEYS.admin })).body
      .result;
    const own = (await gw.json<{ result: ReportView }>("GET", "/v1/report", { key: shopReports })).body
      .result;
    if (!full.run || !own.run) throw new Error("the run was not reported");

    // The admin's view is the run itself, and per-scope counts add up to it.
    expect(full.scopes.reduce((n, s) => n + s.notifications, 0)).toBe(full.run.notifications);
    expect(full.run.subrequests.upstream).toBe(full.scopes.reduce((n, s) => n + s.calls, 0));

    expect(own.scopes.map((s) => s.scope.id)).toEqual([shop]);
    const [mine] = own.scopes;
    if (!mine) throw new Error("no scope");
    expect(own.run.notifications).toBe(mine.notifications);
    expect(own.run.subrequests).toEqual({
      budget: full.run.subrequests.budget,
      used: mine.calls,
      upstream: mine.calls,
      alerts: 0,
      remediation: 0,
      heartbeat: 0,
    });
    // The finding: the run-wide numbers differ from the zone's own, and the zone-limited key sees its own.
    expect(full.run.notifications).toBeGreaterThan(own.run.notifications);
    expect(full.run.subrequests.used).toBeGreaterThan(own.run.subrequests.used);
    expect(own.alerts).toEqual([]);
  });
});

describe("4. key material an upstream echoes without PEM headers", () => {
  const keys = { pem: "", base64: "" };
  beforeAll(async () => {
    Object.assign(keys, await makePrivateKeyPem("RSA"));
  });
  const lines = () => keys.base64.match(/.{1,64}/g) ?? [];

  const ECHOES: ReadonlyArray<readonly [string, () => string]> = [
    ["the whole key, compact", () => keys.base64],
    ["the key as sent, without its armor", () => lines().join("\n")],
    ["the key re-wrapped at 76 columns", () => (keys.base64.match(/.{1,76}/g) ?? []).join("\r\n")],
    ["one line of it", () => lines()[3] ?? ""],
    ["a cut from the middle", () => keys.base64.slice(101, 437)],
  ];
  const DOORS = OPERATION_CASES.filter((c) => c.op === "gjirafa.import");

  it.each(DOORS.flatMap((door) => ECHOES.map(([echo, make]) => [door.label, echo, door, make] as const)))(
    "%s, upstream error echoes %s: not in the answer nor in any log line",
    async (_door, _echo, door, make) => {
      const received: string[] = [];
      const gw = createReliabilityGateway({
        upstream: async (provider, request, next) => {
          if (provider !== "gjirafa" || !request.url.endsWith("/import")) return next();
          received.push(await request.text());
          const message = `Invalid certificatePrivateKey: ${make()}`;
          return Response.json(
            { success: false, errors: [message], messages: [], result: null },
            { status: 400 },
          );
        },
      });
      const f = fixtureOf(gw, keys.pem);
      const res = await gw.json(door.method, door.path(f), { key: KEYS.admin, body: door.body?.(f) });
      // Controls: the key reached the upstream, and the upstream's message reaches the caller.
      expect(received.join("")).toContain(lines()[0]);
      expect(res.status).toBe(400);
      expect(res.text).toContain("Invalid certificatePrivateKey");
      const leaks = createLeakDetector([], [keys.base64]);
      expect(leaks.find(res.text), res.text).toBeNull();
      const logs = gw.deps.logs.map((r) => JSON.stringify(r));
      expect(logs.join("\n")).toContain("Invalid certificatePrivateKey");
      for (const line of logs) expect(leaks.find(line), line.slice(0, 300)).toBeNull();
    },
  );

  it("secretsInBody: a request's sensitive fields and PEM keys join its redaction set", () => {
    const body = {
      certificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
      private_key: keys.pem,
    };
    const secrets = secretsInBody(body);
    expect(secrets).toContain(keys.pem.trim());
    expect(secrets).toContain(keys.base64);
    expect(secrets).not.toContain(body.certificate);
    expect(
      secretsInBody({ nested: { password: "hunter2hunter2" }, list: [{ token: "t0k3n-abcdef" }] }),
    ).toEqual(["hunter2hunter2", "t0k3n-abcdef"]);
    const echoed = `upstream said: ${keys.base64.slice(40, 120)} (bad)`;
    expect(redactText(echoed, secrets)).toBe(`upstream said: ${REDACTED} (bad)`);
  });
});

describe("5. config_invalid before authentication", () => {
  const twice = keyOf("twice", ["admin"], ["*"], ["*"]);
  const BROKEN: ReadonlyArray<readonly [string, Record<string, string | undefined>]> = [
    ["API_KEYS", { API_KEYS: undefined }],
    ["CLOUDFLARE_ZONES", { CLOUDFLARE_ZONES: "not-a-zone-id" }],
    ["CLOUDFLARE_API_BASE", { CLOUDFLARE_API_BASE: "http://api.example.com/client/v4" }],
    ["API_KEYS", { API_KEYS: JSON.stringify([twice.entry, { ...twice.entry, name: "again" }]) }],
  ];

  it.each(BROKEN)(
    "%s broken: 503 with the request id and nothing else; /healthz and the log name it",
    async (setting, env) => {
      const gw = createReliabilityGateway({ env });
      for (const [path, key] of [
        ["/v1/certificates", undefined],
        ["/v1/certificates", KEYS.admin],
        [`/cloudflare/client/v4/zones/${DEMO_CLOUDFLARE_ZONE_IDS[0]}/ssl/certificate_packs`, undefined],
      ] as const) {
        const res = await gw.json<{ errors: Array<Record<string, unknown>> }>("GET", path, {
          key,
          headers: { "X-Request-Id": "sec-review-0001" },
        });
        expect(res.status).toBe(503);
        expect(res.text).toContain("misconfigured");
        expect(res.text).toContain("sec-review-0001");
        expect(res.text, "no setting name before authentication").not.toContain(setting);
        expect(res.text).not.toMatch(/settings|must be|required|Invalid/);
      }
      const health = await gw.json<{ result: { config_valid: boolean; config_errors: string[] } }>(
        "GET",
        "/healthz",
      );
      expect(health.body.result).toMatchObject({ config_valid: false, config_errors: [setting] });
      const logged = gw.deps.logs.filter((r) => r.event === "config_invalid");
      expect(logged).toHaveLength(1);
      expect(JSON.stringify(logged[0])).toContain(setting);
    },
  );
});

describe("6. /docs locks out Access users", () => {
  let signer: SigningKey;
  let token = "";
  beforeAll(async () => {
    signer = await makeSigningKey("docs-kid");
    token = await sign(signer, claims(Date.parse("2026-11-23T12:00:00Z"), { email: "ops@example.com" }));
  });
  const accessGateway = () =>
    createReliabilityGateway({
      env: {
        ACCESS_TEAM_DOMAIN: TEAM,
        ACCESS_AUD: AUD,
        ACCESS_RULES: JSON.stringify([{ email: "ops@example.com", scopes: ["admin"] }]),
      },
      routes: { [TEAM]: jwksHandler(() => [signer]) },
    });
  /** What the browser sends for the page: the page's own request init, plus its cookie and Origin. */
  const browser = (gw: ReliabilityGateway, path: string, init: ReturnType<typeof docsRequestInit>) =>
    gw.send(
      new Request(`${ORIGIN}${path}`, {
        method: init.method,
        headers: { ...init.headers, Cookie: `CF_Authorization=${token}`, Origin: ORIGIN },
        body: init.body,
      }),
    );

  it("the page embeds the tested request builder", () => {
    expect(DOCS_HTML).toContain(docsRequestInit.toString());
    expect(DOCS_HTML).not.toContain('"Bearer " + document');
  });

  it.each([
    { method: "get", key: "", body: undefined, headers: {} },
    { method: "get", key: "  ", body: undefined, headers: {} },
    { method: "get", key: " cg_abc ", body: undefined, headers: { Authorization: "Bearer cg_abc" } },
    { method: "post", key: "", body: undefined, headers: { "Content-Type": "application/json" } },
    { method: "delete", key: "", body: undefined, headers: { "Content-Type": "application/json" } },
    { method: "patch", key: "", body: "{}", headers: { "Content-Type": "application/json" } },
  ])("$method with key '$key': headers $headers", ({ method, key, body, headers }) => {
    expect(docsRequestInit(method, key, body)).toEqual({
      method: method.toUpperCase(),
      headers,
      body,
      credentials: "same-origin",
    });
  });

  it("with an Access cookie and no key typed, the page reads and writes; an empty Bearer was a 401", async () => {
    const gw = accessGateway();
    const f = fixtureOf(gw, "");
    const list = await answerOf(
      await browser(gw, `/v1/certificates?zone=${f.zone}`, docsRequestInit("get", "", undefined)),
    );
    expect(list.status, list.text.slice(0, 200)).toBe(200);
    const patches = gw.sims.cloudflare.count();
    const restart = await answerOf(
      await browser(
        gw,
        `/v1/certificates/cloudflare:${f.zone}:${f.timedOutPack}/validate`,
        docsRequestInit("post", "", undefined),
      ),
    );
    expect(restart.status, restart.text.slice(0, 200)).toBe(200);
    expect(gw.sims.cloudflare.count()).toBeGreaterThan(patches);
    // What the old page sent: `Authorization: Bearer <empty>` beside the cookie.
    const old = await gw.call("GET", `/v1/certificates?zone=${f.zone}`, {
      headers: { Authorization: "Bearer ", Cookie: `CF_Authorization=${token}` },
    });
    expect(old.status).toBe(401);
  });
});

describe("7. trailing slash answers 405 while Allow names the method", () => {
  const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
  const probe = createReliabilityGateway();
  const fixture = fixtureOf(probe, "");
  const patternOf = (pattern: string) => new RegExp(`^${pattern.replace(/:[a-z_]+/g, "[^/]+")}$`);
  /** Every registered endpoint with a concrete request: an operation of the table, or its bare path. */
  const ROUTES = [
    ...new Map(
      probe.worker.app.routes
        .filter((r) => r.method !== "ALL" && !r.path.endsWith("*"))
        .map((r) => {
          const match = OPERATION_CASES.find(
            (c) => c.method === r.method && patternOf(r.path).test(c.path(fixture).split("?")[0] ?? ""),
          );
          return [`${r.method} ${r.path}`, { method: r.method, pattern: r.path, match }] as const;
        }),
    ).values(),
  ];
  const withSlash = (path: string) => {
    const [p, q] = path.split("?");
    return `${p}/${q === undefined ? "" : `?${q}`}`;
  };

  it("the sweep covers every endpoint, the public ones too", () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(25);
    for (const p of ["/healthz", "/docs", "/openapi.json", "/v1/report", "/v1/report/run"]) {
      expect(ROUTES.some((r) => r.pattern === p)).toBe(true);
    }
  });

  it.each(ROUTES.map((r) => [r.method, r.pattern, r] as const))(
    "%s %s/ gets the same answer as without the slash",
    async (method, _pattern, route) => {
      const answers: number[] = [];
      for (const slash of [false, true]) {
        const gw = createReliabilityGateway();
        const f = fixtureOf(gw, (await makePrivateKeyPem("EC")).pem);
        const path = route.match ? route.match.path(f) : route.pattern;
        const res = await gw.call(method, slash ? withSlash(path) : path, {
          key: KEYS.admin,
          body: route.match?.body?.(f),
        });
        answers.push(res.status);
      }
      expect(answers[1], `without: ${answers[0]}, with: ${answers[1]}`).toBe(answers[0]);
      expect(answers[1]).not.toBe(405);
    },
  );

  it.each(ROUTES.map((r) => [r.method, r.pattern, r] as const))(
    "%s %s/: a 405 never names the method it refuses",
    async (_method, _pattern, route) => {
      const gw = createReliabilityGateway();
      const path = withSlash(route.match ? route.match.path(fixture) : route.pattern);
      for (const method of METHODS) {
        const res = await gw.call(method, path, {
          key: KEYS.admin,
          headers: { "Content-Type": "application/json" },
        });
        const allow = (res.headers.get("allow") ?? "").split(/,\s*/).filter(Boolean);
        if (res.status === 405) expect(allow, `${method} ${path}`).not.toContain(method);
        if (allow.includes(method)) expect(res.status, `${method} ${path}`).not.toBe(405);
      }
    },
  );

  it("the review's case: GET .../certificate_packs/ lists the packs", async () => {
    const gw = createReliabilityGateway();
    const res = await gw.json<{ success: boolean; result: unknown[] }>(
      "GET",
      `/cloudflare/client/v4/zones/${DEMO_ZONES.example.id}/ssl/certificate_packs/?status=all`,
      { key: KEYS.reader },
    );
    expect(res.status).toBe(200);
    expect(res.body.result.length).toBeGreaterThan(0);
  });

  it("two trailing slashes are an unknown path (404), not a 405", async () => {
    const gw = createReliabilityGateway();
    const res = await gw.call("GET", "/v1/certificates//", { key: KEYS.reader });
    expect(res.status).toBe(404);
    expect(res.headers.get("allow")).toBeNull();
  });
});

describe("8. config hardening", () => {
  const one = keyOf("one", ["admin"], ["*"], ["*"]);
  const other = keyOf("other", ["certificates:read"], ["*"], ["*"]);
  const problems = (overrides: Record<string, string | undefined>) => {
    const result = parseConfig(testEnv(overrides));
    return result.ok ? [] : result.settings;
  };

  it.each([
    [
      "two entries with the same digest",
      [one.entry, { ...one.entry, name: "copy" }],
      "same digest as entry 0",
    ],
    ["two entries with the same name", [one.entry, { ...other.entry, name: "one" }], "same name as entry 0"],
    [
      "the same digest in upper case",
      [one.entry, { ...one.entry, name: "upper", sha256: one.entry.sha256.toUpperCase() }],
      "same digest as entry 0",
    ],
  ])("API_KEYS with %s is a configuration error", (_name, entries, message) => {
    const found = problems({ API_KEYS: JSON.stringify(entries) });
    expect(found).toEqual([{ name: "API_KEYS", message: expect.stringContaining(message) }]);
    expect(JSON.stringify(found)).not.toContain(one.entry.sha256);
  });

  const URL_SETTINGS = [
    "CLOUDFLARE_API_BASE",
    "GJIRAFA_API_BASE",
    "ACCESS_TEAM_DOMAIN",
    "ALERT_WEBHOOK_URL",
    "ALERT_SLACK_WEBHOOK_URL",
    "MONITOR_HEARTBEAT_URL",
  ] as const;
  const HOSTS: ReadonlyArray<readonly [string, boolean]> = [
    ["http://127.0.0.1:8788", true],
    ["http://127.45.6.7", true],
    ["http://localhost:8789", true],
    ["http://LOCALHOST", true],
    ["http://[::1]:8080", true],
    ["http://0x7f.1", true], // the URL parser's own reading: 127.0.0.1
    ["https://api.example.com", true],
    ["http://api.example.com", false],
    ["http://10.0.0.1", false],
    ["http://128.0.0.1", false],
    ["http://127.0.0.1.nip.io", false],
    ["http://localhost.example.com", false],
    ["http://[::ffff:127.0.0.1]", false],
    ["http://[::2]", false],
  ];

  it.each(URL_SETTINGS.flatMap((name) => HOSTS.map(([url, ok]) => [name, url, ok] as const)))(
    "%s=%s accepted: %s",
    (name, url, ok) => {
      const env: Record<string, string> = { [name]: url };
      if (name === "ACCESS_TEAM_DOMAIN") env.ACCESS_AUD = AUD;
      const found = problems(env);
      if (ok) expect(found).toEqual([]);
      else expect(found).toEqual([{ name, message: expect.stringContaining("loopback") }]);
    },
  );

  it("the test and sandbox configurations parse (upstreams on https or loopback)", () => {
    expect(problems({})).toEqual([]);
    const sandbox = {
      CLOUDFLARE_API_BASE: "http://127.0.0.1:8788/client/v4",
      GJIRAFA_API_BASE: "http://127.0.0.1:8789",
      ALERT_WEBHOOK_URL: "http://127.0.0.1:8790/alerts",
    };
    expect(problems(sandbox)).toEqual([]);
  });
});

describe("9. per-isolate caches bounded by count, not size", () => {
  /** About `chars` characters of JSON per list. */
  const bigList = (chars: number, tag: string): Item[] =>
    Array.from({ length: Math.ceil(chars / 120) }, (_, i) => ({
      id: String(i),
      name: `${tag}-${"x".repeat(90)}`,
    }));

  it("a flood of large scopes never holds more than the bound; the most recent stay, the oldest go", async () => {
    const bound = 400_000;
    const cache = createListCache({ maxMemoryBytes: bound });
    const h = harness();
    let parsed = 0;
    const parse = (v: unknown) => {
      parsed++;
      return parseItem(v);
    };
    const keys = Array.from({ length: 40 }, () => uniqueKey());
    for (const [i, key] of keys.entries()) {
      const read = await cache.read(h.ctx, { key, load: async () => bigList(30_000, `s${i}`), parse });
      await h.flush();
      expect(read.outcome).toBe("MISS");
      expect(cache.memoryBytes(), `after scope ${i}`).toBeLessThanOrEqual(bound);
    }
    // Each scope is charged about 30,000 characters x MEMORY_CHARGE_PER_CHAR: only the last few fit.
    expect(cache.memoryBytes()).toBeGreaterThan(bound - 30_000 * MEMORY_CHARGE_PER_CHAR * 1.2);
    const hitOf = async (key: (typeof keys)[number]) => {
      parsed = 0;
      const read = await cache.read(h.ctx, {
        key,
        load: async () => {
          throw new Error("must be a hit");
        },
        parse,
      });
      expect(read.outcome).toBe("HIT");
      return parsed;
    };
    const newest = keys.at(-1);
    const oldest = keys[0];
    if (!newest || !oldest) throw new Error("no keys");
    expect(await hitOf(newest), "the newest scope is remembered: no decode").toBe(0);
    expect(await hitOf(oldest), "the oldest was evicted: decoded from KV again").toBeGreaterThan(0);
    expect(cache.memoryBytes()).toBeLessThanOrEqual(bound);
  });

  it("a scope larger than the bound is served but not remembered", async () => {
    const bound = 100_000;
    const cache = createListCache({ maxMemoryBytes: bound });
    const h = harness();
    const read = await cache.read(h.ctx, {
      key: uniqueKey(),
      load: async () => bigList(200_000, "huge"),
      parse: parseItem,
    });
    await h.flush();
    expect(read.items.length).toBeGreaterThan(1_000);
    expect(cache.memoryBytes()).toBe(0);
  });

  it("the byte-bounded LRU evicts least recently used first and refuses what alone exceeds it", () => {
    const lru = createByteLru<string>(100);
    expect(lru.set("a", "A", 40)).toBe(true);
    expect(lru.set("b", "B", 40)).toBe(true);
    expect(lru.get("a")).toBe("A"); // a is now the most recent
    expect(lru.set("c", "C", 40)).toBe(true); // evicts b
    expect([lru.get("a"), lru.get("b"), lru.get("c")]).toEqual(["A", undefined, "C"]);
    expect(lru.bytes()).toBe(80);
    expect(lru.set("d", "D", 101)).toBe(false);
    expect(lru.get("d")).toBeUndefined();
    expect(lru.set("a", "A2", 100)).toBe(true); // replaces a, evicts c
    expect([lru.get("a"), lru.get("c"), lru.bytes()]).toEqual(["A2", undefined, 100]);
  });
});
