/**
 * Fault injection through the simulators' knobs, for EVERY upstream operation through every front door
 * that reaches it (operations.ts): what the caller sees (status, code, envelope, Retry-After), how many
 * requests reached the upstream (GETs retried, writes sent exactly once: never a second order or import),
 * and that the same gateway keeps answering afterwards.
 *
 * Time: the upstream core races a REAL timer (setTimeout) against each attempt, while its deadline
 * is computed from the injected clock, which does not move here. So a hang costs one real
 * UPSTREAM_TIMEOUT_MS per attempt; with UPSTREAM_TIMEOUT_MS = UPSTREAM_DEADLINE_MS the attempt's
 * budget IS the deadline, the timeout is final (one attempt), and a hang case costs ~100 ms.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLOUDFLARE_READ_TOKEN, type Fault, realSleep } from "../../sandbox";
import { KEYS } from "../helpers/keys";
import { familyOf, inspect } from "./envelope";
import {
  type Fixture,
  fixtureOf,
  makePrivateKeyPem,
  OPERATION_CASES,
  type OperationCase,
} from "./operations";
import { createReliabilityGateway, type GatewayOptions, resetStorage } from "./suite";
import { createTally, type Tally } from "./tally";

interface Expected {
  status: number;
  code?: string;
  /** Requests the upstream operation received. */
  calls: number;
  retryAfter?: string;
}

interface FaultScenario {
  name: string;
  fault: Fault;
  /** Fires for the next N matching requests; forever when omitted. */
  times?: number;
  gateway?: GatewayOptions;
  expect: (c: OperationCase) => Expected;
  /** Waits on real timers (UPSTREAM_TIMEOUT_MS): run concurrently, so the waits overlap. */
  timed?: true;
}

/** UPSTREAM_MAX_RETRIES default: a GET is tried 1 + 2 times. */
const GET_ATTEMPTS = 3;
const FAST_DEADLINE = { UPSTREAM_TIMEOUT_MS: "100", UPSTREAM_DEADLINE_MS: "100" };

/** Orders, creates and imports: when they end without a readable answer, the outcome is unknown. */
const creates = (c: OperationCase) =>
  c.op === "cloudflare.order" || c.op === "gjirafa.create" || c.op === "gjirafa.import";
/**
 * A creating write that may have happened (no answer, a reset, a 5xx, an unreadable 2xx) answers
 * 502 upstream_outcome_unknown (list before retrying), sent once; other operations keep `otherwise`.
 */
const unknownFor =
  (otherwise: (c: OperationCase) => Expected) =>
  (c: OperationCase): Expected =>
    creates(c) ? { status: 502, code: "upstream_outcome_unknown", calls: 1 } : otherwise(c);

const unavailable = unknownFor((c) => ({
  status: 502,
  code: "upstream_unavailable",
  calls: c.idempotent ? GET_ATTEMPTS : 1,
}));
const unreadable = unknownFor(() => ({ status: 502, code: "upstream_invalid_response", calls: 1 }));
const invalid = (): Expected => ({ status: 502, code: "upstream_invalid_response", calls: 1 });

const SCENARIOS: readonly FaultScenario[] = [
  ...([500, 502, 503] as const).map(
    (status): FaultScenario => ({
      name: `HTTP ${status}`,
      fault: { kind: "status", status },
      expect: unavailable,
    }),
  ),
  { name: "HTML error page (502)", fault: { kind: "html" }, expect: unavailable },
  { name: "HTML page with 200", fault: { kind: "html", status: 200 }, expect: unreadable },
  { name: "truncated JSON", fault: { kind: "truncated" }, expect: unreadable },
  { name: "success:false with 200", fault: { kind: "unsuccessful" }, expect: invalid },
  {
    name: "429 Retry-After 1 s, once",
    fault: { kind: "rate_limited", retryAfter: 1 },
    times: 1,
    expect: (c) =>
      c.idempotent
        ? { status: 200, calls: 2 }
        : { status: 429, code: "upstream_rate_limited", calls: 1, retryAfter: "1" },
  },
  {
    name: "429 Retry-After 300 s",
    fault: { kind: "rate_limited", retryAfter: 300 },
    expect: () => ({ status: 429, code: "upstream_rate_limited", calls: 1, retryAfter: "300" }),
  },
  { name: "connection reset", fault: { kind: "reset" }, expect: unavailable },
  {
    name: "connection reset after the upstream acted",
    fault: { kind: "reset", afterProcessing: true },
    expect: unavailable,
  },
  {
    name: "hang past the deadline",
    timed: true,
    fault: { kind: "hang" },
    gateway: { env: FAST_DEADLINE },
    expect: unknownFor(() => ({ status: 504, code: "upstream_timeout", calls: 1 })),
  },
  {
    name: "hang past the per-request timeout (deadline later)",
    timed: true,
    fault: { kind: "hang" },
    gateway: { env: { UPSTREAM_TIMEOUT_MS: "100", UPSTREAM_DEADLINE_MS: "60000" } },
    expect: unknownFor((c) => ({
      status: 504,
      code: "upstream_timeout",
      calls: c.idempotent ? GET_ATTEMPTS : 1,
    })),
  },
  {
    name: "slow body that arrives in time",
    fault: { kind: "slow_body", chunkBytes: 64, intervalMs: 1 },
    expect: () => ({ status: 200, calls: 1 }),
  },
  {
    name: "slow body past the deadline",
    timed: true,
    fault: { kind: "slow_body", chunkBytes: 8, intervalMs: 40 },
    gateway: { env: FAST_DEADLINE, simSleep: realSleep },
    expect: unknownFor(() => ({ status: 504, code: "upstream_timeout", calls: 1 })),
  },
];

function upstreamCount(
  gw: ReturnType<typeof createReliabilityGateway>,
  c: OperationCase,
  f: Fixture,
): number {
  const sim = c.op.startsWith("cloudflare") ? gw.sims.cloudflare : gw.sims.gjirafa;
  return sim.count(c.upstream.method, c.upstream.path(f));
}

/**
 * After a fault: faults cleared, the same gateway answers its health check and a real upstream read
 * (one certificate: not a list, so nothing lands in the KV that other tests share).
 */
async function assertStillServing(
  gw: ReturnType<typeof createReliabilityGateway>,
  c: OperationCase,
  f: Fixture,
) {
  gw.sims.cloudflare.faults.clear();
  gw.sims.gjirafa.faults.clear();
  const health = await gw.json("GET", "/healthz");
  expect(health.status).toBe(200);
  const id = c.op.startsWith("cloudflare")
    ? `cloudflare:${f.zone}:${f.timedOutPack}`
    : `gjirafa:${f.project}:${f.pendingCert}`;
  const read = await gw.json("GET", `/v1/certificates/${id}`, { key: KEYS.reader });
  expect(read.status).toBe(200);
}

async function runFaultCase(scenario: FaultScenario, c: OperationCase, privateKey: string, tally: Tally) {
  const gw = createReliabilityGateway(scenario.gateway);
  const f = fixtureOf(gw, privateKey);
  const sim = c.op.startsWith("cloudflare") ? gw.sims.cloudflare : gw.sims.gjirafa;
  const rule = sim.faults.add({
    method: c.upstream.method,
    path: c.upstream.path(f),
    fault: scenario.fault,
    ...(scenario.times !== undefined ? { times: scenario.times } : {}),
  });
  const want = scenario.expect(c);
  const path = c.path(f);
  const res = await gw.json(c.method, path, { key: KEYS.admin, body: c.body?.(f) });
  tally.cases += 1;
  tally.requests += 3;
  tally.faults += gw.firedFaults();

  expect(res.status, res.text.slice(0, 300)).toBe(want.status);
  const seen = inspect(familyOf(path), res.status, res.body);
  if (want.code) expect(seen.code).toBe(want.code);
  if (want.retryAfter) expect(res.headers.get("retry-after")).toBe(want.retryAfter);
  // Writes are sent exactly once, whatever happened to the answer: no second order or import.
  expect(upstreamCount(gw, c, f)).toBe(want.calls);
  // The fault fired on every one of those requests (up to its `times`): a case whose fault never fired
  // (a path that no longer matches, a request served elsewhere) would test the happy path instead.
  const fired = sim.faults.rules().find((r) => r.id === rule)?.fired ?? 0;
  expect(fired, `${scenario.name} fired on ${c.label}`).toBe(
    Math.min(want.calls, scenario.times ?? Infinity),
  );
  await assertStillServing(gw, c, f);
}

describe("fault injection: every upstream operation, every front door", () => {
  const tally = createTally("faults");
  let privateKey = "";
  beforeAll(async () => {
    privateKey = (await makePrivateKeyPem("EC")).pem;
  });
  beforeEach(resetStorage);
  afterAll(() => console.log(tally.summary()));

  const tableOf = (timed: boolean) =>
    SCENARIOS.filter((s) => (s.timed === true) === timed).flatMap((s) =>
      OPERATION_CASES.map((c) => [s.name, c.label, s, c] as const),
    );

  // First, while the shared KV is still empty: nothing in this group stores a list.
  describe.concurrent("timeouts (real timers, run concurrently)", () => {
    it.each(tableOf(true))("%s: %s", async (_s, _c, scenario, c) => {
      await runFaultCase(scenario, c, privateKey, tally.counts);
    });
  });

  it.each(tableOf(false))("%s: %s", async (_s, _c, scenario, c) => {
    await runFaultCase(scenario, c, privateKey, tally.counts);
  });

  const wrongCredentials: ReadonlyArray<readonly [string, Record<string, string>]> = [
    [
      "unknown upstream token and key",
      { UPSTREAM_CLOUDFLARE_TOKEN: "cf-wrong-token-00000000", UPSTREAM_GJIRAFA_KEY: "gj-wrong-key-00000000" },
    ],
  ];
  it.each(
    wrongCredentials.flatMap(([name, env]) => OPERATION_CASES.map((c) => [name, c.label, env, c] as const)),
  )("%s: %s -> 502 upstream_auth_failed, sent once", async (_n, _l, env, c) => {
    const gw = createReliabilityGateway({ env });
    const f = fixtureOf(gw, privateKey);
    const path = c.path(f);
    const res = await gw.json(c.method, path, { key: KEYS.admin, body: c.body?.(f) });
    tally.counts.cases += 1;
    tally.counts.requests += 1;
    expect(res.status, res.text.slice(0, 300)).toBe(502);
    expect(inspect(familyOf(path), res.status, res.body).code).toBe("upstream_auth_failed");
    // Unified validate/delete of a pack read it first (status decides), so the refused call may be that GET.
    expect(upstreamCount(gw, c, f)).toBeLessThanOrEqual(1);
    expect(gw.upstreamCalls()).toBe(1);
    expect(res.text).not.toContain("cf-wrong-token-00000000");
    expect(res.text).not.toContain("gj-wrong-key-00000000");
  });

  it.each(
    OPERATION_CASES.filter((c) => c.op.startsWith("cloudflare") && !c.idempotent).map(
      (c) => [c.label, c] as const,
    ),
  )("read-only Cloudflare token: %s -> 502 upstream_auth_failed", async (_l, c) => {
    const gw = createReliabilityGateway({ env: { UPSTREAM_CLOUDFLARE_TOKEN: DEMO_CLOUDFLARE_READ_TOKEN } });
    const f = fixtureOf(gw, privateKey);
    const path = c.path(f);
    const res = await gw.json(c.method, path, { key: KEYS.admin, body: c.body?.(f) });
    tally.counts.cases += 1;
    tally.counts.requests += 1;
    expect(res.status).toBe(502);
    expect(inspect(familyOf(path), res.status, res.body).code).toBe("upstream_auth_failed");
    expect(upstreamCount(gw, c, f)).toBe(1);
  });

  // stale-if-error / stale-while-revalidate (src/cache/list-cache.ts): a list warmed before the
  // upstream broke is still served, marked STALE, until the stale window ends.
  it.each(OPERATION_CASES.filter((c) => c.cachedList).map((c) => [c.label, c] as const))(
    "stale copy: %s keeps answering from the cache while the upstream fails",
    async (_l, c) => {
      const gw = createReliabilityGateway();
      const f = fixtureOf(gw, privateKey);
      const path = c.path(f);
      const warm = await gw.json<{ result: unknown[] }>("GET", path, { key: KEYS.reader });
      expect(warm.status).toBe(200);
      expect(warm.headers.get("x-cache")).toBe("MISS");
      const sim = c.op.startsWith("cloudflare") ? gw.sims.cloudflare : gw.sims.gjirafa;
      const rule = sim.faults.add({
        method: "GET",
        path: c.upstream.path(f),
        fault: { kind: "status", status: 503 },
      });
      const fired = () => sim.faults.rules().find((r) => r.id === rule)?.fired ?? 0;
      gw.clock.advance(120_000); // past CACHE_FRESH_SECONDS (60), inside CACHE_STALE_SECONDS (3600)

      const swr = await gw.json<{ result: unknown[] }>("GET", path, { key: KEYS.reader });
      expect(swr.status).toBe(200);
      expect(swr.headers.get("x-cache")).toBe("STALE");
      expect(fired(), "the background refresh met the fault").toBeGreaterThan(0);
      const ids = (r: { result: unknown[] }) => r.result.map((x) => (x as { id: unknown }).id);
      expect(ids(swr.body)).toEqual(ids(warm.body));
      expect(swr.body.result.length, "the stale copy has items").toBeGreaterThan(0);

      const forcedBefore = fired();
      const forced = await gw.json<{ result: unknown[]; messages: string[] }>("GET", path, {
        key: KEYS.reader,
        headers: { "Cache-Control": "no-cache" },
      });
      expect(forced.status).toBe(200);
      expect(forced.headers.get("x-cache")).toBe("STALE");
      expect(ids(forced.body)).toEqual(ids(warm.body));
      expect(fired(), "the no-cache read met the fault").toBeGreaterThan(forcedBefore);
      if (c.door === "unified") expect(forced.body.messages.join(" ")).toMatch(/served a cached copy/);

      gw.clock.advance(3_600_000); // past the stale window: the failure is the answer
      const expired = await gw.json("GET", path, { key: KEYS.reader });
      expect(expired.status).toBe(502);
      expect(inspect(familyOf(path), expired.status, expired.body).code).toBe("upstream_unavailable");
      tally.counts.cases += 1;
      tally.counts.requests += 4;
      tally.counts.faults += gw.firedFaults();
    },
  );

  it.each(["cloudflare", "gjirafa"] as const)(
    "one %s scope down: the unified list answers 200 with the others and names the failed scope",
    async (provider) => {
      const gw = createReliabilityGateway();
      const f = fixtureOf(gw, privateKey);
      const sim = provider === "cloudflare" ? gw.sims.cloudflare : gw.sims.gjirafa;
      const upstreamPath =
        provider === "cloudflare"
          ? `/zones/${f.zone}/ssl/certificate_packs`
          : `/projects/${f.project}/certificates`;
      const rule = sim.faults.add({
        method: "GET",
        path: upstreamPath,
        fault: { kind: "status", status: 500 },
      });
      const res = await gw.json<{
        result: Array<{ provider: string }>;
        errors: Array<Record<string, unknown>>;
      }>("GET", "/v1/certificates?per_page=200", { key: KEYS.reader });
      tally.counts.cases += 1;
      tally.counts.requests += 1;
      tally.counts.faults += gw.firedFaults();
      expect(sim.faults.rules().find((r) => r.id === rule)?.fired, "the fault fired").toBeGreaterThan(0);
      expect(res.status).toBe(200);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0]).toMatchObject({
        code: "upstream_unavailable",
        provider,
        scope: provider === "cloudflare" ? f.zone : f.project,
      });
      const other = provider === "cloudflare" ? "gjirafa" : "cloudflare";
      expect(res.body.result.some((cert) => cert.provider === other)).toBe(true);
    },
  );
});
