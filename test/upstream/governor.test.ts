/**
 * The governed fetch (src/upstream/governor.ts) against a scripted budget object, and the rate-limit
 * headers it reads and writes (rate-limit-headers.ts). The real object behind it is tested in
 * test/durable/, the whole path in test/budget/.
 */
import { describe, expect, it } from "vitest";
import { platformTimer, type Timer } from "../../src/cache/kv-guard";
import type { AcquireResult, BudgetCaller } from "../../src/durable/upstream-budget";
import { AppError } from "../../src/errors";
import { createLogger } from "../../src/logger";
import { type BudgetPort, type GovernorOptions, governedFetch } from "../../src/upstream/governor";
import {
  DEFAULT_BLOCK_SECONDS,
  rateLimitHeaders,
  upstreamBlockOf,
} from "../../src/upstream/rate-limit-headers";
import { testDeps } from "../helpers/deps";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const KEY: BudgetCaller = { kind: "key", name: "api_key:reader", perMinute: 20 };

describe("upstreamBlockOf: when the upstream will take calls again", () => {
  const h = (entries: Record<string, string>) => new Headers(entries);
  it.each([
    ["a 429 with Retry-After in seconds", 429, { "retry-after": "120" }, 120_000, "429 Retry-After"],
    [
      "a 429 with Retry-After as an HTTP-date",
      429,
      { "retry-after": new Date(NOW + 30_000).toUTCString() },
      30_000,
      "429 Retry-After",
    ],
    ["a 429 with only Ratelimit", 429, { ratelimit: '"default";r=0;t=45' }, 45_000, "429 Ratelimit"],
    [
      "a bare 429: Cloudflare's 5-minute lockout",
      429,
      {},
      DEFAULT_BLOCK_SECONDS * 1000,
      "429 without Retry-After",
    ],
    [
      "a 200 whose Ratelimit says nothing remains",
      200,
      { ratelimit: '"default";r=0;t=30' },
      30_000,
      "Ratelimit r=0",
    ],
    [
      "several policies, one exhausted: the longest reset of the exhausted ones",
      200,
      { ratelimit: '"burst";r=3;t=1, "default";r=0;t=200' },
      200_000,
      "Ratelimit r=0",
    ],
  ] as const)("%s", (_name, status, headers, afterMs, source) => {
    expect(upstreamBlockOf(status, h(headers), NOW)).toEqual({ untilMs: NOW + afterMs, source });
  });

  it.each([
    ["a 200 with calls left", 200, { ratelimit: '"default";r=5;t=30' }],
    ["a 200 without the header", 200, {}],
    ["r=0 without a reset time", 200, { ratelimit: '"default";r=0' }],
    ["an unreadable header", 200, { ratelimit: "r=zero;t=soon" }],
    ["a 503", 503, { "retry-after": "10" }],
  ] as const)("no block for %s", (_name, status, headers) => {
    expect(upstreamBlockOf(status, h(headers), NOW)).toBeNull();
  });

  it("writes the draft's headers for certgate's own 429", () => {
    expect(
      rateLimitHeaders({
        name: "upstream-calls",
        quota: 20,
        windowSeconds: 60,
        remaining: 0,
        resetSeconds: 37,
      }),
    ).toEqual({
      "RateLimit-Policy": '"upstream-calls";q=20;w=60',
      RateLimit: '"upstream-calls";r=0;t=37',
    });
  });
});

/** A scripted budget object: answers `acquire` with `grant`, records every call. */
function port(grant: (n: number) => AcquireResult | Promise<AcquireResult>) {
  const calls: { acquire: unknown[]; block: unknown[] } = { acquire: [], block: [] };
  const p: BudgetPort = {
    async acquire(input) {
      calls.acquire.push(input);
      return grant(calls.acquire.length);
    },
    async block(input) {
      calls.block.push(input);
      return { blockedUntil: input.untilMs, started: calls.block.length === 1 };
    },
  };
  return { p, calls };
}

const granted: AcquireResult = { granted: 1, window: { used: 1, limit: 60 } };

function governor(p: BudgetPort, upstream: () => Response, more: Partial<GovernorOptions> = {}) {
  const deps = testDeps();
  deps.clock.set(NOW);
  const sent: string[] = [];
  const fetch = governedFetch({
    base: async (input) => {
      sent.push(String(input));
      return upstream();
    },
    object: async () => ({ name: "cloudflare:test", port: p }),
    provider: "cloudflare",
    label: "Cloudflare",
    caller: KEY,
    limitPer5Min: 60,
    reservePercent: 20,
    now: deps.now,
    logger: createLogger(deps),
    timer: platformTimer,
    ...more,
  });
  return { fetch, sent, logs: deps.logs };
}

async function refusal(call: Promise<unknown>): Promise<AppError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("governedFetch", () => {
  it("takes one permit per request, as this caller, with the configured caps", async () => {
    const { p, calls } = port(() => granted);
    const { fetch, sent } = governor(p, () => new Response("{}"));
    await fetch("https://api.example/a");
    await fetch("https://api.example/b");
    expect(sent).toEqual(["https://api.example/a", "https://api.example/b"]);
    expect(calls.acquire).toEqual([
      { now: NOW, caller: KEY, permits: 1, limitPer5Min: 60, reservePercent: 20 },
      { now: NOW, caller: KEY, permits: 1, limitPer5Min: 60, reservePercent: 20 },
    ]);
  });

  it.each([
    {
      reason: "key_limit" as const,
      code: "rate_limited",
      headers: { "RateLimit-Policy": '"upstream-calls";q=20;w=60', RateLimit: '"upstream-calls";r=0;t=38' },
    },
    {
      reason: "budget" as const,
      code: "upstream_rate_limited",
      headers: {
        "RateLimit-Policy": '"cloudflare-budget";q=60;w=300',
        RateLimit: '"cloudflare-budget";r=0;t=38',
      },
    },
    { reason: "upstream_blocked" as const, code: "upstream_rate_limited", headers: {} },
  ])("refused ($reason): $code with Retry-After, nothing sent", async ({ reason, code, headers }) => {
    const { p } = port(() => ({
      granted: 0,
      refused: { reason, retryAfterMs: 37_200 },
      key: { used: 20, limit: 20, resetMs: 37_200 },
      window: { used: 48, limit: 60 },
    }));
    const { fetch, sent } = governor(p, () => new Response("{}"));
    const error = await refusal(fetch("https://api.example/a"));
    expect(error.code).toBe(code);
    expect(error.status).toBe(429);
    expect(error.details).toEqual({ provider: "cloudflare", retry_after: 38 });
    expect(error.headers).toEqual(headers);
    expect(sent).toEqual([]);
  });

  it("logs a key's limited spell once, when the object says it started", async () => {
    const { p } = port((n) => ({
      granted: 0,
      refused: { reason: "key_limit", retryAfterMs: 1000 },
      window: { used: 20, limit: 60 },
      ...(n === 1 ? { keyLimitStarted: true as const } : {}),
    }));
    const { fetch, logs } = governor(p, () => new Response("{}"));
    for (let i = 0; i < 3; i++) await refusal(fetch("https://api.example/a"));
    expect(logs.filter((l) => l.event === "key_rate_limited")).toEqual([
      expect.objectContaining({
        level: "warn",
        provider: "cloudflare",
        key_name: "api_key:reader",
        limit_per_minute: 20,
      }),
    ]);
  });

  it("tells the object to block after a 429 or Ratelimit r=0, logs the start once, and the end when the object reports it", async () => {
    const { p, calls } = port((n) =>
      n === 3
        ? { ...granted, blockEnded: { since: NOW, until: NOW + 60_000, source: "429 Retry-After" } }
        : granted,
    );
    const answers = [
      new Response("{}", { status: 429, headers: { "retry-after": "60" } }),
      new Response("{}", { headers: { ratelimit: '"default";r=0;t=30' } }),
      new Response("{}", { headers: { ratelimit: '"default";r=9;t=30' } }),
    ];
    const { fetch, logs } = governor(p, () => answers.shift() ?? new Response("{}"));
    expect((await fetch("https://api.example/a")).status).toBe(429);
    await fetch("https://api.example/b");
    await fetch("https://api.example/c");
    expect(calls.block).toEqual([
      { now: NOW, untilMs: NOW + 60_000, source: "429 Retry-After" },
      { now: NOW, untilMs: NOW + 30_000, source: "Ratelimit r=0" },
    ]);
    expect(logs.filter((l) => l.event === "upstream_block_started")).toHaveLength(1);
    expect(logs.filter((l) => l.event === "upstream_block_ended")).toEqual([
      expect.objectContaining({ provider: "cloudflare", until: new Date(NOW + 60_000).toISOString() }),
    ]);
  });

  it.each([
    ["rejects", () => Promise.reject(new Error("Durable Object reset")), platformTimer],
    [
      "does not answer in time",
      () => new Promise<AcquireResult>(() => {}),
      ((_ms: number) => ({ fired: Promise.resolve(), cancel: () => {} })) satisfies Timer,
    ],
  ] as const)(
    "when the object %s, the request is sent ungoverned and a warning logged",
    async (_name, grant, timer) => {
      const { p } = port(grant);
      const { fetch, sent, logs } = governor(p, () => new Response("{}"), { timer });
      expect((await fetch("https://api.example/a")).status).toBe(200);
      expect(sent).toHaveLength(1);
      expect(logs.filter((l) => l.event === "upstream_budget_unavailable")).toHaveLength(1);
    },
  );
});
