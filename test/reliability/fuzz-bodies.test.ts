/**
 * Property-based fuzzing (fast-check, fixed seed) of every JSON body certgate reads: mutations of a
 * valid body per write route (wrong types, missing and unknown fields, whole-body junk), hostname lists
 * (unicode and punycode names, wildcards, 51 hosts, a missing apex, duplicates), content types and raw
 * bytes; then hostile bodies by example (deep nesting, huge arrays, oversized). Invariants: fuzz-check.ts,
 * plus: a Content-Type that is not JSON is 415 on every route that reads a body.
 */
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bearer, KEYS } from "../helpers/keys";
import { assertLogsClean, createReach, NUM_RUNS, SEED, sendAndCheck } from "./fuzz-check";
import { baseSecrets, createLeakDetector, type LeakDetector } from "./leaks";
import {
  type Fixture,
  fixtureOf,
  makePrivateKeyPem,
  OPERATION_CASES,
  type OperationCase,
} from "./operations";
import { createReliabilityGateway, resetStorage } from "./suite";
import { createTally } from "./tally";

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\b/i;
const LIMIT = 16_384;

const hostname = fc.oneof(
  fc.constantFrom(
    "example.com",
    "www.example.com",
    "*.example.com",
    "*.*.example.com",
    "bücher.example.com",
    "xn--bcher-kva.example.com",
    "xn--.example.com",
    "EXAMPLE.COM",
    " example.com ",
    "example.com.",
    "example..com",
    "-a.example.com",
    `${"a".repeat(64)}.example.com`,
    `${"a.".repeat(127)}com`,
    "192.168.0.1",
    "localhost",
    "例え.テスト",
    "rel.demo.certgate.test",
    "",
  ),
  fc.domain(),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
);
const hostList = fc.oneof(
  fc.array(hostname, { maxLength: 12 }),
  fc.constant(Array.from({ length: 51 }, (_, i) => (i === 0 ? "example.com" : `h${i}.example.com`))),
  fc.constant(Array.from({ length: 50 }, (_, i) => (i === 0 ? "example.com" : `h${i}.example.com`))),
  fc.constant(["www.example.com", "api.example.com"]), // no apex: Cloudflare refuses, 400
  fc.constant(["example.com", "example.com"]),
  fc.constant(Array.from({ length: 120 }, (_, i) => `n${i}.demo.certgate.test`)),
);

type Mutation =
  | { kind: "drop"; at: number }
  | { kind: "set"; at: number; value: unknown }
  | { kind: "extra"; name: string; value: unknown }
  | { kind: "replace"; value: unknown }
  | { kind: "hosts"; hosts: unknown[] }
  /** The private key where it does not belong: as another field's value, or as a field NAME. */
  | { kind: "key-in-field"; at: number }
  | { kind: "key-as-name" };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((at): Mutation => ({ kind: "drop", at })),
  fc
    .tuple(fc.nat(), fc.jsonValue({ maxDepth: 3 }))
    .map(([at, value]): Mutation => ({ kind: "set", at, value })),
  fc
    .tuple(
      fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("__proto__", "constructor", "type")),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(([name, value]): Mutation => ({ kind: "extra", name, value })),
  fc.jsonValue({ maxDepth: 4 }).map((value): Mutation => ({ kind: "replace", value })),
  hostList.map((hosts): Mutation => ({ kind: "hosts", hosts: [...hosts] })),
  fc.nat().map((at): Mutation => ({ kind: "key-in-field", at })),
  fc.constant<Mutation>({ kind: "key-as-name" }),
);

/** The hostname fields of each body shape. */
const HOST_FIELDS = ["hosts", "additionalDomainNames", "additional_names"];
const NAME_FIELDS = ["domainName", "domain_name"];

function apply(base: unknown, m: Mutation, privateKey: string): string {
  if (m.kind === "replace") return JSON.stringify(m.value);
  const body: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  const keys = Object.keys(body);
  const pick = (at: number) => keys[at % Math.max(1, keys.length)] ?? "x";
  switch (m.kind) {
    case "drop":
      delete body[pick(m.at)];
      break;
    case "set":
      body[pick(m.at)] = m.value;
      break;
    case "extra":
      // Written as JSON text so "__proto__" is a real own key, as an attacker would send it.
      return JSON.stringify(body).replace(/^\{/, `{${JSON.stringify(m.name)}:${JSON.stringify(m.value)},`);
    case "key-in-field":
      body[pick(m.at)] = privateKey;
      break;
    case "key-as-name":
      body[privateKey] = 1;
      break;
    case "hosts": {
      const list = keys.find((k) => HOST_FIELDS.includes(k));
      const name = keys.find((k) => NAME_FIELDS.includes(k));
      if (list) body[list] = m.hosts;
      if (name && m.hosts.length > 0) body[name] = m.hosts[0];
      break;
    }
  }
  return JSON.stringify(body);
}

describe("fuzz: JSON bodies, content types, hostile payloads", () => {
  const tally = createTally("fuzz-bodies");
  let key = { pem: "", base64: "" };
  let leaks: LeakDetector = createLeakDetector(baseSecrets());
  beforeAll(async () => {
    key = await makePrivateKeyPem("RSA");
    leaks = createLeakDetector(baseSecrets(), [key.base64]);
  });
  beforeEach(resetStorage);
  afterAll(() => console.log(tally.summary(`seed ${SEED}`)));

  const bodyCases = OPERATION_CASES.filter((c) => c.body !== undefined);
  const readsBody = (c: OperationCase) => c.body !== undefined;

  const setup = () => {
    const gw = createReliabilityGateway({ env: { MAX_BODY_BYTES: String(LIMIT) } });
    return { gw, f: fixtureOf(gw, key.pem) };
  };
  const send = (
    gw: ReturnType<typeof setup>["gw"],
    c: OperationCase,
    f: Fixture,
    body: string | Uint8Array,
    type = "application/json",
  ) =>
    sendAndCheck(
      gw,
      { method: c.method, path: c.path(f), headers: { ...bearer(KEYS.admin), "Content-Type": type }, body },
      leaks,
      tally.counts,
    );

  it(`mutated bodies of every write route (seed ${SEED})`, async () => {
    const { gw, f } = setup();
    const reach = createReach("mutated bodies");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodyCases), mutation, async (c, m) => {
        reach.add(await send(gw, c, f, apply(c.body?.(f), m, key.pem)));
      }),
      { seed: SEED, numRuns: NUM_RUNS * 3 },
    );
    assertLogsClean(gw, leaks);
    // Measured with SEED: every input reaches a handler, 15% pass validation and go upstream.
    reach.expectAtLeast(0.9, 0.05);
  });

  it(`content types: anything but JSON is 415 where a body is read (seed ${SEED})`, async () => {
    const { gw, f } = setup();
    const reach = createReach("content types");
    const type = fc.oneof(
      fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/merge-patch+json",
        "application/jsonx",
        "text/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "json",
        "",
      ),
      fc.string({
        unit: fc.integer({ min: 0x20, max: 0x7e }).map((n) => String.fromCharCode(n)),
        maxLength: 40,
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OPERATION_CASES.filter((c) => c.method !== "GET")),
        type,
        async (c, t) => {
          const body = JSON.stringify(c.body?.(f) ?? { x: 1 });
          const answer = await send(gw, c, f, body, t);
          reach.add(answer);
          if (readsBody(c) && !JSON_TYPE.test(t.trim())) expect(answer.status, `Content-Type ${t}`).toBe(415);
        },
      ),
      { seed: SEED, numRuns: NUM_RUNS },
    );
    assertLogsClean(gw, leaks);
    // Measured with SEED: every input reaches a handler, half are JSON and go upstream.
    reach.expectAtLeast(0.9, 0.2);
  });

  it(`raw bytes and broken JSON (seed ${SEED})`, async () => {
    const { gw, f } = setup();
    const reach = createReach("raw bytes");
    const raw = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.string({ maxLength: 200 }),
      fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
      fc.constantFrom("", " ", "null", "[]", '"x"', "{", "\uFEFF{}", "{}garbage", '{"a":1}{"b":2}', "NaN"),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodyCases), raw, async (c, body) => {
        reach.add(await send(gw, c, f, body));
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
    assertLogsClean(gw, leaks);
    // Measured with SEED: every input reaches a handler, 5 of 200 are valid bodies that go upstream.
    reach.expectAtLeast(0.9, 0.01);
  });

  // Hostile by construction: one of each, at the configured limit and beyond it.
  const hostile: ReadonlyArray<readonly [string, (f: Fixture) => string, number | null]> = [
    ["deep array nesting", () => `${"[".repeat(8_000)}${"]".repeat(8_000)}`, 400],
    ["deep object nesting", () => `${'{"a":'.repeat(2_000)}1${"}".repeat(2_000)}`, 400],
    ["deep nesting past the limit", () => `${"[".repeat(20_000)}${"]".repeat(20_000)}`, 413],
    [
      "huge hosts array (within the limit)",
      () => JSON.stringify({ hosts: Array(800).fill("a.example.com") }),
      400,
    ],
    [
      "huge hosts array (past the limit)",
      () => JSON.stringify({ hosts: Array(5_000).fill("a.example.com") }),
      413,
    ],
    [
      "oversized string field",
      (f) => JSON.stringify({ ...(OPERATION_CASES[2]?.body?.(f) as object), x: "y".repeat(LIMIT) }),
      413,
    ],
    [
      "51 distinct hosts",
      (f) =>
        JSON.stringify({
          type: "advanced",
          hosts: Array.from({ length: 51 }, (_, i) => `h${i}.example.com`),
          validation_method: "txt",
          validity_days: 90,
          certificate_authority: "google",
          zone: f.zone,
        }),
      400,
    ],
  ];

  it.each(hostile)("%s", async (_name, make, want) => {
    const { gw, f } = setup();
    for (const c of bodyCases) {
      const answer = await send(gw, c, f, make(f));
      if (want !== null) expect(answer.status, `${c.label}`).toBe(want);
    }
    tally.counts.cases += bodyCases.length;
  });
});
