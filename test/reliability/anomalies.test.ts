/**
 * What the fault knobs cannot express: a KV that fails or hangs (domain.md: "a cache failure must degrade
 * to the upstream, not to a 500"), bursts of concurrent requests (writes never coalesced, cold lists
 * coalesced), and upstream answers that are well-formed HTTP but wrong: redirects, pagination that never
 * ends or drifts, success envelopes of the wrong shape.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_GJIRAFA_PROJECT_ID, DEMO_ZONES } from "../../sandbox";
import { KEYS } from "../helpers/keys";
import { familyOf, inspect } from "./envelope";
import { fixtureOf, makePrivateKeyPem, OPERATION_CASES } from "./operations";
import { createReliabilityGateway, type GatewayOptions, resetStorage } from "./suite";
import { createTally } from "./tally";

/** A KV namespace whose every call rejects, as in the 2025 KV outage; `calls` counts what it refused. */
function failingKv(): KVNamespace & { calls: number } {
  const kv = { calls: 0 };
  const fail = async () => {
    kv.calls += 1;
    throw new Error("KV GET failed: 503 Service Unavailable");
  };
  return Object.assign(kv, {
    get: fail,
    put: fail,
    delete: fail,
    list: fail,
    getWithMetadata: fail,
  }) as unknown as KVNamespace & { calls: number };
}

/** A KV namespace whose calls never settle. */
function hangingKv(): KVNamespace {
  const hang = () => new Promise<never>(() => {});
  return { get: hang, put: hang, delete: hang, list: hang, getWithMetadata: hang } as unknown as KVNamespace;
}

async function rewriteJson(
  res: Response,
  edit: (body: Record<string, unknown>) => unknown,
): Promise<Response> {
  const body = (await res.json()) as Record<string, unknown>;
  return Response.json(edit(body), { status: res.status });
}

describe("anomalies: storage failures, bursts, wrong-but-well-formed upstream answers", () => {
  const tally = createTally("anomalies");
  let privateKey = "";
  beforeAll(async () => {
    privateKey = (await makePrivateKeyPem("EC")).pem;
  });
  beforeEach(resetStorage);
  afterAll(() => console.log(tally.summary()));

  const everyOperation = OPERATION_CASES.map((c) => [c.label, c] as const);

  it.each(everyOperation)(
    "CACHE failing on every call: %s still answers from the upstream",
    async (_l, c) => {
      const cache = failingKv();
      const gw = createReliabilityGateway({ kv: { CACHE: cache } });
      const f = fixtureOf(gw, privateKey);
      const res = await gw.json(c.method, c.path(f), { key: KEYS.admin, body: c.body?.(f) });
      tally.counts.cases += 1;
      tally.counts.requests += 1;
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      if (c.cachedList) expect(res.headers.get("x-cache")).toBe("MISS");
      // Lists read and store, writes invalidate: each of those met the failing CACHE.
      if (c.cachedList || !c.idempotent) expect(cache.calls, "CACHE was asked and failed").toBeGreaterThan(0);
    },
  );

  it.each(everyOperation)("STATE failing on every call: %s still answers", async (_l, c) => {
    const state = failingKv();
    const gw = createReliabilityGateway({ kv: { STATE: state } });
    const f = fixtureOf(gw, privateKey);
    const res = await gw.json(c.method, c.path(f), { key: KEYS.admin, body: c.body?.(f) });
    tally.counts.cases += 1;
    tally.counts.requests += 1;
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    // A delete records itself for the monitor: that write met the failing STATE.
    if (c.op.endsWith(".delete")) expect(state.calls, "STATE was asked and failed").toBeGreaterThan(0);
  });

  it("STATE failing: the report routes answer with the envelope, not a crash", async () => {
    const state = failingKv();
    const gw = createReliabilityGateway({ kv: { STATE: state } });
    for (const [method, path] of [
      ["GET", "/v1/report"],
      ["POST", "/v1/report/run"],
    ] as const) {
      const res = await gw.json(method, path, { key: KEYS.admin });
      tally.counts.cases += 1;
      tally.counts.requests += 1;
      const seen = inspect("certgate", res.status, res.body);
      // Reading the report and running the monitor both need STATE: a KV outage is a 502, not a 500.
      expect(`${method} ${res.status}`).toBe(`${method} 502`);
      expect(seen.code).toBe("upstream_unavailable");
    }
    expect(state.calls).toBeGreaterThan(0);
  });

  it("CACHE hanging: a list answers once the KV timeout gives up, from the upstream", async () => {
    const gw = createReliabilityGateway({ kv: { CACHE: hangingKv() } });
    const res = await gw.json("GET", `/v1/certificates?zone=${DEMO_ZONES.example.id}`, { key: KEYS.reader });
    tally.counts.cases += 1;
    tally.counts.requests += 1;
    expect(res.status).toBe(200);
    expect((res.body.result as unknown[]).length).toBeGreaterThan(0);
  });

  it("a burst of 12 identical orders is 12 upstream orders (writes are never coalesced)", async () => {
    const gw = createReliabilityGateway();
    const f = fixtureOf(gw, privateKey);
    const order = OPERATION_CASES.find((c) => c.op === "cloudflare.order" && c.door === "unified");
    if (!order) throw new Error("operation table changed");
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        gw.json("POST", order.path(f), { key: KEYS.writer, body: order.body?.(f) }),
      ),
    );
    tally.counts.cases += 1;
    tally.counts.requests += answers.length;
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(gw.sims.cloudflare.count("POST", "/ssl/certificate_packs/order")).toBe(12);
    expect(new Set(answers.map((a) => (a.body.result as { id: string }).id)).size).toBe(12);
  });

  it.each([
    [
      "cloudflare",
      `/cloudflare/client/v4/zones/${DEMO_ZONES.example.id}/ssl/certificate_packs`,
      `/zones/${DEMO_ZONES.example.id}/ssl/certificate_packs`,
    ],
    [
      "gjirafa",
      `/gjirafa/api/v1/projects/${DEMO_GJIRAFA_PROJECT_ID}/certificates`,
      `/projects/${DEMO_GJIRAFA_PROJECT_ID}/certificates`,
    ],
  ] as const)(
    "a burst of 16 cold %s lists costs one upstream load (coalescing)",
    async (provider, path, upstream) => {
      const gw = createReliabilityGateway();
      const answers = await Promise.all(
        Array.from({ length: 16 }, () => gw.json("GET", path, { key: KEYS.reader })),
      );
      tally.counts.cases += 1;
      tally.counts.requests += answers.length;
      expect(answers.map((a) => a.status)).toEqual(Array(16).fill(200));
      const sim = provider === "cloudflare" ? gw.sims.cloudflare : gw.sims.gjirafa;
      expect(sim.count("GET", upstream)).toBe(1);
    },
  );

  it("pagination drift (Cloudflare page 2 repeats page 1): an upstream fault, never a silent gap or duplicates", async () => {
    const gw = createReliabilityGateway({
      upstream: async (provider, request, next) => {
        const url = new URL(request.url);
        if (
          provider !== "cloudflare" ||
          request.method !== "GET" ||
          !url.pathname.endsWith("/certificate_packs")
        ) {
          return next();
        }
        url.searchParams.set("page", "1");
        return rewriteJson(await next(new Request(url, request)), (b) => ({
          ...b,
          result_info: { ...(b.result_info as object), total_pages: 2 },
        }));
      },
    });
    const f = fixtureOf(gw, privateKey);
    // Page 2 brought only ids of page 1: whatever page 2 really holds is unknown, so certgate says so
    // (502 upstream_invalid_response) after two requests instead of answering half a list.
    const before = gw.sims.cloudflare.count("GET");
    const res = await gw.json<{ errors: Array<{ code: string }> }>("GET", `/v1/certificates?zone=${f.zone}`, {
      key: KEYS.reader,
    });
    tally.counts.cases += 1;
    tally.counts.requests += 1;
    expect(res.status).toBe(502);
    expect(res.body.errors[0]?.code).toBe("upstream_invalid_response");
    expect(gw.sims.cloudflare.count("GET") - before).toBe(2);
    const native = await gw.json<{ errors: Array<{ code: number | string }> }>(
      "GET",
      `/cloudflare/client/v4/zones/${f.zone}/ssl/certificate_packs?status=all`,
      { key: KEYS.reader, headers: { "Cache-Control": "no-cache" } },
    );
    expect(native.status).toBe(502);
  });

  const wrongAnswers: ReadonlyArray<
    readonly [string, GatewayOptions["upstream"], { status: number; code: string }, number | null]
  > = [
    [
      "a redirect to another origin",
      async () =>
        new Response(null, { status: 302, headers: { location: "https://evil.reliability.test/steal" } }),
      { status: 502, code: "upstream_unavailable" },
      null,
    ],
    [
      "a success envelope whose result is not a list",
      async (_p, _r, next) => rewriteJson(await next(), (b) => ({ ...b, result: { not: "a list" } })),
      { status: 502, code: "upstream_invalid_response" },
      null,
    ],
    [
      "pagination that never ends (every page is page 1, more always announced)",
      async (provider, request, next) => {
        if (request.method !== "GET") return next();
        const url = new URL(request.url);
        url.searchParams.set(provider === "cloudflare" ? "page" : "pageIndex", "1");
        return rewriteJson(await next(new Request(url, request)), (b) =>
          provider === "cloudflare"
            ? { ...b, result_info: { ...(b.result_info as object), total_pages: 100_000 } }
            : // totalCount grows with it: once certgate holds totalCount items the walk is complete by
              // definition (it stops there), so an endless walk must also announce more items.
              {
                ...b,
                resultInfo: {
                  ...(b.resultInfo as object),
                  totalCount: 100_000,
                  totalPages: 100_000,
                  hasNextPage: true,
                },
              },
        );
      },
      { status: 502, code: "upstream_invalid_response" },
      100,
    ],
  ];

  it.each(
    wrongAnswers.flatMap(([name, upstream, want, maxCalls]) =>
      (["cloudflare", "gjirafa"] as const).map(
        (provider) => [name, provider, upstream, want, maxCalls] as const,
      ),
    ),
  )(
    "%s (%s): the documented error, bounded upstream calls",
    async (_n, provider, upstream, want, maxCalls) => {
      const gw = createReliabilityGateway({
        upstream: (p, r, next) => (p === provider && upstream ? upstream(p, r, next) : next()),
      });
      const f = fixtureOf(gw, privateKey);
      const path =
        provider === "cloudflare"
          ? `/v1/certificates?zone=${f.zone}`
          : `/v1/certificates?project=${f.project}`;
      const res = await gw.json("GET", path, { key: KEYS.reader });
      tally.counts.cases += 1;
      tally.counts.requests += 1;
      tally.counts.faults += 1;
      expect(res.status, res.text.slice(0, 300)).toBe(want.status);
      expect(inspect(familyOf(path), res.status, res.body).code).toBe(want.code);
      const sim = provider === "cloudflare" ? gw.sims.cloudflare : gw.sims.gjirafa;
      if (maxCalls !== null) expect(sim.count("GET")).toBeLessThanOrEqual(maxCalls);
      // Redirects are not followed: nothing went to the other origin.
      expect(gw.fetch.requests.some((r) => r.url.startsWith("https://evil."))).toBe(false);
    },
  );
});
