/**
 * The shared upstream budget through the whole gateway (docs/budget.md): certgate's Workers and the
 * UpstreamBudget Durable Object of the test runtime, in front of the simulators, which count every call
 * that reached them and enforce Cloudflare's own limit (scaled down). Two gateways given one budget
 * namespace are two isolates: separate caches and coalescing, one object per credential.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  cloudflareRateLimit,
  createDemoSimulators,
  DEMO_CLOUDFLARE_TOKEN,
  DEMO_CLOUDFLARE_ZONE_IDS,
  DEMO_GJIRAFA_API_KEY,
  DEMO_GJIRAFA_PROJECT_ID,
  DEMO_ZONES,
  instantSleep,
  MINUTE,
  SECOND,
} from "../../sandbox";
import { type BudgetNamespace, isolatedBudget } from "../helpers/budget";
import { createGateway, type Gateway, type GatewayOptions } from "../helpers/gateway";
import { KEYS, makeKey, type TestKey } from "../helpers/keys";
import { resetStorage } from "../helpers/kv";

beforeEach(resetStorage);

const EXAMPLE = DEMO_ZONES.example.id;
const ZONES = DEMO_CLOUDFLARE_ZONE_IDS;
const native = (zone: string) => `/cloudflare/client/v4/zones/${zone}/ssl/certificate_packs`;
const NO_CACHE = { "Cache-Control": "no-cache" };

interface Outcome {
  status: number;
  retryAfter: string | null;
  code: unknown;
}

/** Every request made, its answer's status, Retry-After and first error code. */
async function send(gw: Gateway, path: string, key: TestKey, headers = NO_CACHE): Promise<Outcome> {
  const res = await gw.call("GET", path, { key, headers });
  const body = (await res.json()) as { errors?: Array<{ code?: unknown }> };
  return { status: res.status, retryAfter: res.headers.get("retry-after"), code: body.errors?.[0]?.code };
}

/** Counts Cloudflare's 429s as certgate received them (the gateway's hook between it and a simulator). */
function refusalsAtUpstream() {
  const seen = { cloudflare429: 0 };
  const hook: NonNullable<GatewayOptions["upstream"]> = async (provider, request, next) => {
    const res = await next(request);
    if (provider === "cloudflare" && res.status === 429) seen.cloudflare429 += 1;
    return res;
  };
  return { seen, hook };
}

/** Every kind of uncached read a read key can make, over the demo zones. */
function readPaths(gw: Gateway): string[] {
  const packs = ZONES.flatMap((zone) => gw.sims.cloudflare.packs(zone).map((p) => `${native(zone)}/${p.id}`));
  return [
    ...ZONES.map((zone) => `${native(zone)}?status=all`),
    ...ZONES.map((zone) => `${native(zone)}/quota`),
    ...packs.slice(0, 4),
    "/v1/certificates",
    `/v1/certificates?zone=${EXAMPLE}`,
    "/v1/quotas",
  ];
}

/** One gateway (isolate) on shared simulators and a shared budget: the demo configuration. */
function isolate(
  sims: ReturnType<typeof createDemoSimulators>,
  budget: BudgetNamespace,
  clock: Gateway["clock"],
  env: Record<string, string>,
  keys: readonly TestKey[] = Object.values(KEYS),
  more: GatewayOptions = {},
): Gateway {
  return createGateway({
    simulators: sims,
    clock,
    budget,
    keys,
    env: {
      CLOUDFLARE_ZONES: ZONES.join(","),
      GJIRAFA_PROJECTS: DEMO_GJIRAFA_PROJECT_ID,
      UPSTREAM_CLOUDFLARE_TOKEN: DEMO_CLOUDFLARE_TOKEN,
      UPSTREAM_GJIRAFA_KEY: DEMO_GJIRAFA_API_KEY,
      ...env,
    },
    ...more,
  });
}

describe("the budget, end to end: one noisy key never locks everyone out", () => {
  it.each([
    { name: "defaults (no-cache loads a scope at most every 5 s)", minRefresh: undefined },
    { name: "no minimum refresh (every no-cache asks)", minRefresh: "0" },
  ])(
    "budget 60, key 20/min: 200 uncached reads by one read key make at most 60 calls; 429s carry Retry-After; admin and the monitor still answer 200 ($name)",
    async ({ minRefresh }) => {
      const upstream = refusalsAtUpstream();
      const gw = createGateway({
        budget: isolatedBudget(),
        upstream: upstream.hook,
        // Cloudflare's own limit at 1/16: 75 per 5 minutes, of which certgate may spend 60 (80 %).
        demo: { cloudflareRateLimit: cloudflareRateLimit(1 / 16) },
        env: {
          CLOUDFLARE_BUDGET_PER_5MIN: "60",
          KEY_UPSTREAM_PER_MINUTE: "20",
          ...(minRefresh === undefined ? {} : { CACHE_MIN_REFRESH_SECONDS: minRefresh }),
        },
      });
      const paths = readPaths(gw);
      const outcomes: Outcome[] = [];
      for (let i = 0; i < 200; i++) {
        outcomes.push(await send(gw, paths[i % paths.length] ?? "/v1/certificates", KEYS.reader));
        gw.clock.advance(20); // 200 reads in 4 s
      }
      expect(gw.upstreamCalls()).toBeLessThanOrEqual(60);
      // The key's allowance is per provider credential: 20 Cloudflare calls, 20 Gjirafa calls at most.
      expect(gw.sims.cloudflare.count()).toBeLessThanOrEqual(20);
      expect(gw.sims.gjirafa.count()).toBeLessThanOrEqual(20);
      // Cloudflare never had to refuse certgate.
      expect(upstream.seen.cloudflare429).toBe(0);
      const refused = outcomes.filter((o) => o.status === 429);
      expect(outcomes.every((o) => o.status === 200 || o.status === 429)).toBe(true);
      if (minRefresh === "0") expect(refused.length).toBeGreaterThan(100);
      for (const o of refused) {
        expect(Number(o.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(Number(o.retryAfter)).toBeLessThanOrEqual(61);
        // Each door's own envelope: certgate's string code, or the Cloudflare door's integer.
        expect(["rate_limited", 71026]).toContain(o.code);
      }
      // One log line when the key became limited (per provider), not one per refusal.
      const limitedLines = gw.deps.logs.filter((l) => l.event === "key_rate_limited");
      expect(limitedLines.length).toBe(new Set(limitedLines.map((l) => l.provider)).size);
      if (refused.some((o) => o.code === "rate_limited" || o.code === 71026)) {
        expect(limitedLines.length).toBeGreaterThanOrEqual(1);
      }
      for (const line of limitedLines) {
        expect(line).toMatchObject({ level: "warn", key_name: "api_key:reader", limit_per_minute: 20 });
      }

      // Right after: an admin's uncached read and a manual monitor run.
      const admin = await send(gw, `/v1/certificates?zone=${DEMO_ZONES.shop.id}`, KEYS.admin);
      expect(admin.status).toBe(200);
      const run = await gw.json<{ result: { scopes: Array<{ provider: string; outcome: string }> } }>(
        "POST",
        "/v1/report/run",
        { key: KEYS.admin },
      );
      expect(run.status).toBe(200);
      const cloudflareScopes = run.body.result.scopes.filter((s) => s.provider === "cloudflare");
      expect(cloudflareScopes.map((s) => s.outcome)).toEqual(ZONES.map(() => "checked"));
      expect(upstream.seen.cloudflare429).toBe(0);
    },
  );

  it("keys together stop at the reserve line across two isolates; the monitor spends the reserve; the cap holds", async () => {
    const clock = createGateway().clock;
    const sims = createDemoSimulators({
      now: clock.now,
      sleep: instantSleep,
      cloudflareRateLimit: cloudflareRateLimit(1 / 16),
    });
    const budget = isolatedBudget();
    const readers = Array.from({ length: 6 }, (_, i) =>
      makeKey(`reader-${i}`, ["certificates:read"], ["*"], [], { upstream_per_minute: 20 }),
    );
    const keys = [KEYS.admin, ...readers];
    const env = { CLOUDFLARE_BUDGET_PER_5MIN: "60", CACHE_MIN_REFRESH_SECONDS: "0" };
    const upstream = refusalsAtUpstream();
    const a = isolate(sims, budget, clock, env, keys, { upstream: upstream.hook });
    const b = isolate(sims, budget, clock, env, keys, { upstream: upstream.hook });
    // Every reader at once, through both isolates, far past what the budget holds (6 x 20 > 48).
    // Single-pack reads: each is its own upstream call (lists would be coalesced per isolate).
    const packs = ZONES.flatMap((zone) => sims.cloudflare.packs(zone).map((p) => `${native(zone)}/${p.id}`));
    const storm = await Promise.all(
      readers.flatMap((key, k) =>
        Array.from({ length: 24 }, (_, i) =>
          send(i % 2 === 0 ? a : b, packs[(k * 24 + i) % packs.length] ?? native(EXAMPLE), key),
        ),
      ),
    );
    const ok = storm.filter((o) => o.status === 200).length;
    // 60 - ceil(60 x 20 %) = 48: what all keys together may spend.
    expect(sims.cloudflare.count()).toBe(48);
    expect(ok).toBeGreaterThanOrEqual(48);
    expect(storm.filter((o) => o.status === 429).every((o) => Number(o.retryAfter) > 0)).toBe(true);
    // Over the line, everyone is told the budget is spent (upstream_rate_limited) or their own limit.
    expect(new Set(storm.filter((o) => o.status === 429).map((o) => o.code))).toEqual(new Set([71013]));

    // The monitor's run in the other isolate spends the reserve: 4 zones x (list + quota) = 8 of 12.
    const run = await b.json<{ result: { scopes: Array<{ provider: string; outcome: string }> } }>(
      "POST",
      "/v1/report/run",
      { key: KEYS.admin },
    );
    expect(run.status).toBe(200);
    expect(run.body.result.scopes.filter((s) => s.provider === "cloudflare").map((s) => s.outcome)).toEqual(
      ZONES.map(() => "checked"),
    );
    expect(sims.cloudflare.count()).toBe(56);
    const usage = await a.json<{ result: { providers: Array<Record<string, unknown>> } }>(
      "GET",
      "/v1/usage",
      {
        key: KEYS.admin,
      },
    );
    expect(usage.status).toBe(200);
    expect(usage.body.result.providers.find((p) => p.provider === "cloudflare")).toMatchObject({
      limit: 60,
      used: 56,
      reserve: 12,
      blocked_until: null,
    });
    // Nothing ever reached Cloudflare's own limit.
    expect(upstream.seen.cloudflare429).toBe(0);
  });
});

describe("the upstream's word: a block holds every isolate until it is over", () => {
  it("after Cloudflare's 429, no call leaves any isolate until Retry-After passes; lists are served stale with a warning", async () => {
    const clock = createGateway().clock;
    const sims = createDemoSimulators({ now: clock.now, sleep: instantSleep });
    const budget = isolatedBudget();
    const a = isolate(sims, budget, clock, {});
    const b = isolate(sims, budget, clock, {});
    // A cached copy of example.com's list in isolate b, then time passes beyond its fresh window.
    expect((await b.call("GET", `${native(EXAMPLE)}?status=all`, { key: KEYS.reader })).status).toBe(200);
    clock.advance(2 * MINUTE);
    sims.cloudflare.faults.once({ kind: "rate_limited", retryAfter: 120 });
    const first = await send(a, `${native(DEMO_ZONES.shop.id)}/quota`, KEYS.reader);
    expect(first).toMatchObject({ status: 429, retryAfter: "120" });
    const seen = sims.cloudflare.count();
    expect(a.deps.logs.filter((l) => l.event === "upstream_block_started")).toHaveLength(1);

    clock.advance(30 * SECOND);
    // Everything else: 429 upstream_rate_limited with the block's remaining time, nothing sent.
    for (const [gw, path] of [
      [b, `${native(EXAMPLE)}/quota`],
      [a, `/v1/certificates/cloudflare:${EXAMPLE}:${sims.cloudflare.packs(EXAMPLE)[0]?.id}`],
      [b, `/v1/quotas?zone=${EXAMPLE}`],
    ] as const) {
      const o = await send(gw, path, KEYS.admin);
      expect(o, path).toMatchObject({ status: 429, retryAfter: "90" });
      expect(["upstream_rate_limited", 71013]).toContain(o.code);
    }
    // A list with a copy is served stale, the block named in messages, on both doors.
    const list = await b.call("GET", `${native(EXAMPLE)}?status=all`, {
      key: KEYS.reader,
      headers: NO_CACHE,
    });
    expect(list.status).toBe(200);
    expect(list.headers.get("x-cache")).toBe("STALE");
    const body = (await list.json()) as { messages: Array<{ code: number; message: string }> };
    expect(body.messages[0]).toMatchObject({ code: 71102 });
    expect(body.messages[0]?.message).toMatch(/upstream_rate_limited/);
    const unified = await b.json<{ messages: string[] }>("GET", `/v1/certificates?zone=${EXAMPLE}`, {
      key: KEYS.reader,
    });
    expect(unified.status).toBe(200);
    expect(unified.body.messages.join("\n")).toMatch(/served a cached copy .*upstream_rate_limited/);
    expect(sims.cloudflare.count()).toBe(seen);
    // Gjirafa's budget is its own: not blocked by Cloudflare's.
    expect((await send(a, `/v1/certificates?provider=gjirafa`, KEYS.reader)).status).toBe(200);

    const usage = await a.json<{ result: { providers: Array<Record<string, unknown>> } }>(
      "GET",
      "/v1/usage",
      {
        key: KEYS.admin,
      },
    );
    expect(usage.body.result.providers.find((p) => p.provider === "cloudflare")).toMatchObject({
      blocked_until: new Date(clock.now() + 90 * SECOND).toISOString(),
      blocked_by: "429 Retry-After",
    });

    clock.advance(90 * SECOND);
    expect((await send(b, `${native(EXAMPLE)}/quota`, KEYS.reader)).status).toBe(200);
    expect(sims.cloudflare.count()).toBe(seen + 1);
    const ended = [...a.deps.logs, ...b.deps.logs].filter((l) => l.event === "upstream_block_ended");
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ provider: "cloudflare", source: "429 Retry-After" });
  });

  it("a `Ratelimit: r=0` answer blocks before Cloudflare ever has to refuse", async () => {
    const upstream = refusalsAtUpstream();
    const gw = createGateway({
      budget: isolatedBudget(),
      upstream: upstream.hook,
      demo: { cloudflareRateLimit: { requests: 3, windowMs: 5 * MINUTE, blockMs: 5 * MINUTE } },
      env: { CLOUDFLARE_BUDGET_PER_5MIN: "none", CACHE_MIN_REFRESH_SECONDS: "0" },
    });
    const pack = `${native(EXAMPLE)}/${gw.sims.cloudflare.packs(EXAMPLE)[0]?.id}`;
    const answers: Outcome[] = [];
    for (let i = 0; i < 6; i++) answers.push(await send(gw, pack, KEYS.reader));
    expect(answers.map((o) => o.status)).toEqual([200, 200, 200, 429, 429, 429]);
    expect(answers[3]?.code).toBe(71013);
    expect(gw.sims.cloudflare.count()).toBe(3);
    expect(upstream.seen.cloudflare429).toBe(0);
    // The simulator's window started with the first call: it resets 5 minutes later.
    expect(answers[3]?.retryAfter).toBe("300");
    gw.clock.advance(5 * MINUTE);
    expect((await send(gw, pack, KEYS.reader)).status).toBe(200);
  });
});

describe("no-cache cannot amplify", () => {
  it("a scope loads at most once per CACHE_MIN_REFRESH_SECONDS, however many no-cache reads arrive; X-Cache and Age say so", async () => {
    const gw = createGateway({ env: { CACHE_MIN_REFRESH_SECONDS: "5" } });
    const heads: Array<[string | null, string | null]> = [];
    for (let i = 0; i < 12; i++) {
      const res = await gw.call("GET", `${native(EXAMPLE)}?status=all`, {
        key: KEYS.reader,
        headers: NO_CACHE,
      });
      expect(res.status).toBe(200);
      heads.push([res.headers.get("x-cache"), res.headers.get("age")]);
      gw.clock.advance(SECOND);
    }
    // Loads at 0, 5 and 10 s; the reads between get the load that just happened, with its age.
    expect(heads).toEqual([
      ["BYPASS", "0"],
      ["HIT", "1"],
      ["HIT", "2"],
      ["HIT", "3"],
      ["HIT", "4"],
      ["BYPASS", "0"],
      ["HIT", "1"],
      ["HIT", "2"],
      ["HIT", "3"],
      ["HIT", "4"],
      ["BYPASS", "0"],
      ["HIT", "1"],
    ]);
    expect(gw.sims.cloudflare.count()).toBe(3);
  });
});
