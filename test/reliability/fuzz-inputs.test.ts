/**
 * Property-based fuzzing (fast-check, fixed seed) of what a caller controls outside the body: path
 * parameters of every parameterized route, query strings of every route that reads one, and the
 * credential headers. Invariants: fuzz-check.ts. Header fuzz has a stronger one: random credentials are
 * never valid, so every answer is exactly 401 with WWW-Authenticate.
 */
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLOUDFLARE_ZONE_IDS, DEMO_GJIRAFA_PROJECT_ID } from "../../sandbox";
import { AUD, jwksHandler, makeSigningKey, TEAM } from "../auth/jwt";
import { bearer, KEYS } from "../helpers/keys";
import { assertLogsClean, createReach, NUM_RUNS, SEED, sendAndCheck } from "./fuzz-check";
import { baseSecrets, createLeakDetector } from "./leaks";
import { fixtureOf } from "./operations";
import { createReliabilityGateway, resetStorage } from "./suite";
import { createTally } from "./tally";

const SPECIAL_SEGMENTS = [
  "..",
  ".",
  "%2e%2e",
  "%2F",
  "%00",
  "%zz",
  "%",
  "-1",
  "0",
  "2147483647",
  "2147483648",
  "99999999999",
  "v0",
  "v2",
  "V1",
  "x".repeat(300),
  "A".repeat(32),
  "023E105F4ECEF8AD9CA31A8372D0C353",
  "3FA85F64-5717-4562-B3FC-2C963F66AFA6",
  "%20",
  "__proto__",
  "constructor",
  "cloudflare:..:..",
  "gjirafa:%2e%2e:1",
];

/** A path segment: valid, slightly broken, hostile, or random (encoded so the URL stays a URL). */
function segment(valid: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...valid) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...valid), fc.nat(), fc.constantFrom("g", "-", "Z", "%41", ":", ""))
        .map(([v, i, c]) => {
          const at = i % (v.length + 1);
          return v.slice(0, at) + c + v.slice(at + 1);
        }),
    },
    { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_SEGMENTS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }).map(encodeURIComponent) },
  );
}

/**
 * Printable ASCII, spaces included. (Latin-1 above 0x7f is legal too, but workerd warns about each one on
 * stderr; the auth layer only sees a string either way.)
 */
const headerChar = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const headerValue = (maxLength = 80) => fc.string({ unit: headerChar, maxLength });
const b64url = fc.string({
  unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("")),
  maxLength: 60,
});

describe("fuzz: path parameters, query strings, credential headers", () => {
  const tally = createTally("fuzz-inputs");
  const leaks = createLeakDetector(baseSecrets());
  beforeEach(resetStorage);
  afterAll(() => console.log(tally.summary(`seed ${SEED}, ${NUM_RUNS} runs per property`)));

  const probe = createReliabilityGateway();
  const f = fixtureOf(probe, "");
  const zones = [...DEMO_CLOUDFLARE_ZONE_IDS];
  const packs = [f.activePack, f.timedOutPack];
  const certs = [f.activeCert, f.pendingCert, "1", "4"];
  const project = DEMO_GJIRAFA_PROJECT_ID;
  const unifiedIds = [
    `cloudflare:${f.zone}:${f.activePack}`,
    `gjirafa:${project}:${f.activeCert}`,
    `cloudflare:${f.zone}`,
    `gjirafa:${project}:2147483648`,
  ];

  const zone = segment(zones);
  const pack = segment(packs);
  const proj = segment([project]);
  const version = segment(["v1"]);
  const cert = segment(certs);
  const uid = fc.oneof(
    segment(unifiedIds),
    fc
      .tuple(fc.constantFrom("cloudflare", "gjirafa", "CLOUDFLARE", "x", ""), zone, cert)
      .map(([p, a, b]) => `${p}:${a}:${b}`),
  );

  const CF = "/cloudflare/client/v4/zones";
  const paths: fc.Arbitrary<{ method: string; path: string }> = fc.oneof(
    zone.map((z) => ({ method: "GET", path: `${CF}/${z}/ssl/certificate_packs` })),
    zone.map((z) => ({ method: "POST", path: `${CF}/${z}/ssl/certificate_packs/order` })),
    zone.map((z) => ({ method: "GET", path: `${CF}/${z}/ssl/certificate_packs/quota` })),
    fc
      .tuple(fc.constantFrom("GET", "PATCH", "DELETE", "PUT", "POST"), zone, pack)
      .map(([m, z, p]) => ({ method: m, path: `${CF}/${z}/ssl/certificate_packs/${p}` })),
    fc
      .tuple(fc.constantFrom("GET", "POST"), version, proj)
      .map(([m, v, p]) => ({ method: m, path: `/gjirafa/api/${v}/projects/${p}/certificates` })),
    fc
      .tuple(version, proj)
      .map(([v, p]) => ({ method: "POST", path: `/gjirafa/api/${v}/projects/${p}/certificates/import` })),
    fc
      .tuple(fc.constantFrom("GET", "PUT", "DELETE", "PATCH"), version, proj, cert)
      .map(([m, v, p, c]) => ({ method: m, path: `/gjirafa/api/${v}/projects/${p}/certificates/${c}` })),
    fc.tuple(version, proj, cert).map(([v, p, c]) => ({
      method: "PUT",
      path: `/gjirafa/api/${v}/projects/${p}/certificates/${c}/validate`,
    })),
    fc
      .tuple(fc.constantFrom("GET", "PATCH", "DELETE"), uid)
      .map(([m, u]) => ({ method: m, path: `/v1/certificates/${u}` })),
    uid.map((u) => ({ method: "POST", path: `/v1/certificates/${u}/validate` })),
  );

  it(`path parameters (seed ${SEED})`, async () => {
    const gw = createReliabilityGateway();
    const reach = createReach("path parameters");
    await fc.assert(
      fc.asyncProperty(paths, async ({ method, path }) => {
        const headers = { ...bearer(KEYS.admin), "Content-Type": "application/json" };
        // An empty object: valid for PATCH {} (restart), invalid elsewhere; the path is under test.
        reach.add(await sendAndCheck(gw, { method, path, headers, body: "{}" }, leaks, tally.counts));
      }),
      { seed: SEED, numRuns: NUM_RUNS * 3 },
    );
    assertLogsClean(gw, leaks);
    // Measured with SEED: 85% reach a handler (the rest are unknown paths and methods), 6% go upstream.
    reach.expectAtLeast(0.6, 0.02);
  });

  const queryKey = fc.oneof(
    fc.constantFrom(
      "page",
      "per_page",
      "status",
      "deploy",
      "pageIndex",
      "pageSize",
      "provider",
      "zone",
      "project",
      "host",
      "expiring_within",
      "include",
    ),
    fc.string({ maxLength: 10 }),
  );
  const queryValue = fc.oneof(
    fc.integer().map(String),
    fc.double().map(String),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: "grapheme", maxLength: 10 }),
    fc.constantFrom(
      "all",
      "raw",
      "staging",
      "cloudflare",
      "gjirafa",
      "active,expired",
      "active,,bogus",
      "",
      "1e3",
      "NaN",
      "Infinity",
      "999999999999",
      f.zone,
      project,
      "*.example.com",
      "xn--bcher-kva.example",
      "bücher.example",
      "a".repeat(600),
    ),
  );
  const rawTail = fc.constantFrom(
    "",
    "&",
    "&&=",
    "%",
    "%zz=1",
    "page=1&page=2",
    "=x",
    "a=%ff",
    "per_page=50&per_page=-1",
  );
  const queryRoutes = [
    `${CF}/${f.zone}/ssl/certificate_packs`,
    `${CF}/${f.zone}/ssl/certificate_packs/quota`,
    `${CF}/${f.zone}/ssl/certificate_packs/${f.activePack}`,
    `/gjirafa/api/v1/projects/${project}/certificates`,
    "/v1/certificates",
    "/v1/quotas",
    `/v1/certificates/cloudflare:${f.zone}:${f.activePack}`,
    `/v1/certificates/gjirafa:${project}:${f.activeCert}`,
    "/v1/report",
  ];

  it(`query strings of every route that reads one (seed ${SEED})`, async () => {
    const gw = createReliabilityGateway();
    const reach = createReach("query strings");
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...queryRoutes),
        fc.dictionary(queryKey, queryValue, { maxKeys: 5 }),
        rawTail,
        async (route, query, tail) => {
          const qs = new URLSearchParams(query).toString();
          const path = `${route}?${[qs, tail].filter(Boolean).join("&")}`;
          reach.add(
            await sendAndCheck(gw, { method: "GET", path, headers: bearer(KEYS.admin) }, leaks, tally.counts),
          );
        },
      ),
      { seed: SEED, numRuns: NUM_RUNS * 2 },
    );
    assertLogsClean(gw, leaks);
    // Measured with SEED: every input reaches a handler, a quarter is valid enough to go upstream.
    reach.expectAtLeast(0.9, 0.1);
  });

  let signer: Awaited<ReturnType<typeof makeSigningKey>>;
  beforeAll(async () => {
    signer = await makeSigningKey("fuzz-kid");
  });

  const credentialHeaders = fc.record(
    {
      Authorization: fc.oneof(
        headerValue(),
        headerValue().map((v) => `Bearer ${v}`),
        b64url.map((v) => `Bearer cg_${v}`),
        b64url.map((v) => `bEaReR   cg_${v}   `),
        headerValue().map((v) => `Basic ${v}`),
        fc.constantFrom("Bearer", "Bearer ", "Bearer cg_", `Bearer ${"cg_".padEnd(600, "a")}`),
      ),
      "X-API-Key": fc.oneof(
        headerValue(),
        b64url.map((v) => `cg_${v}`),
      ),
      "Cf-Access-Jwt-Assertion": fc.oneof(
        headerValue(200),
        fc.tuple(b64url, b64url, b64url).map((p) => p.join(".")),
        fc
          .tuple(
            fc.constantFrom(
              '{"alg":"RS256","kid":"fuzz-kid"}',
              '{"alg":"none"}',
              '{"alg":"HS256","kid":"fuzz-kid"}',
            ),
            b64url,
          )
          .map(
            ([h, s]) =>
              `${btoa(h).replace(/=+$/, "")}.${btoa('{"iss":"x","aud":"y","exp":1}').replace(/=+$/, "")}.${s}`,
          ),
      ),
      Cookie: b64url.map((v) => `CF_Authorization=${v}.${v}.${v}`),
    },
    { requiredKeys: [] },
  );

  it(`malformed credentials on every kind of route: always 401 (seed ${SEED})`, async () => {
    const gw = createReliabilityGateway({
      env: {
        ACCESS_TEAM_DOMAIN: TEAM,
        ACCESS_AUD: AUD,
        ACCESS_RULES: JSON.stringify([{ group: "x", scopes: ["admin"] }]),
      },
      routes: { [TEAM]: jwksHandler(() => [signer]) },
    });
    const routes = [
      ["GET", "/v1/certificates"],
      ["POST", "/v1/report/run"],
      ["DELETE", `/v1/certificates/cloudflare:${f.zone}:${f.activePack}`],
      ["GET", `${CF}/${f.zone}/ssl/certificate_packs`],
      ["PUT", `/gjirafa/api/v1/projects/${project}/certificates/${f.activeCert}`],
      ["GET", "/v1/no-such-route"],
    ] as const;
    // Positive control: with a valid key, none of these routes answers 401, so the 401s below come from
    // the credentials and not from a route that refuses everyone.
    for (const [method, path] of routes) {
      const answer = await sendAndCheck(
        gw,
        { method, path, headers: bearer(KEYS.admin) },
        leaks,
        tally.counts,
      );
      expect(answer.status, `${method} ${path} with a valid key`).not.toBe(401);
    }
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), credentialHeaders, async ([method, path], headers) => {
        const answer = await sendAndCheck(gw, { method, path, headers }, leaks, tally.counts);
        expect(answer.status).toBe(401);
        expect(answer.code).toBe("unauthorized");
      }),
      { seed: SEED, numRuns: NUM_RUNS * 2 },
    );
    assertLogsClean(gw, leaks);
  });
});
