/** Cloudflare simulator: the optional API rate limit (domain.md: N requests per window per token, then 429 for a while). */
import { describe, expect, it } from "vitest";
import {
  CF_CODES,
  cloudflareRateLimit,
  createDemoSimulators,
  createManualClock,
  DEMO_CLOUDFLARE_TOKEN,
  DEMO_ZONES,
  instantSleep,
  MINUTE,
  SECOND,
} from "../../sandbox/index";
import { cloudflareHarness } from "./cf-harness";

const credentials = [{ token: "a" }, { token: "b" }];

describe("rate limit", () => {
  it("counts per token, refuses with 429 + Retry-After once over, and recovers after the block", async () => {
    const h = cloudflareHarness({ credentials, rateLimit: { requests: 3, windowMs: MINUTE } });
    const quota = `${h.packsPath()}/quota`;
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await h.call("GET", quota, { token: "a" });
      expect(res.status).toBe(200);
      remaining.push(res.headers.get("ratelimit") ?? "");
    }
    expect(remaining).toEqual(['"default";r=2;t=60', '"default";r=1;t=60', '"default";r=0;t=60']);

    const over = await h.call("GET", quota, { token: "a" });
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBe("60");
    expect(over.headers.get("ratelimit-policy")).toBe('"default";q=3;w=60');
    expect(over.body.errors[0]?.code).toBe(CF_CODES.rateLimited);
    expect(over.body.errors[0]?.message).toMatch(/More than 3 requests per 60 seconds reached/);

    // Another token has its own budget; credential failures are not counted.
    expect((await h.call("GET", quota, { token: "b" })).status).toBe(200);
    expect((await h.call("GET", quota, { token: "wrong" })).status).toBe(403);

    h.clock.advance(30 * SECOND);
    const still = await h.call("GET", quota, { token: "a" });
    expect(still.status).toBe(429);
    expect(still.headers.get("retry-after")).toBe("30");

    h.clock.advance(30 * SECOND);
    expect((await h.call("GET", quota, { token: "a" })).status).toBe(200);
  });

  it("is off by default: no Ratelimit headers", async () => {
    const h = cloudflareHarness();
    const res = await h.call("GET", `${h.packsPath()}/quota`);
    expect(res.headers.get("ratelimit")).toBeNull();
  });

  it("the scale knob: Cloudflare's 1,200 per 5 minutes (5 minutes refused), scaled; the demo simulators take it", async () => {
    expect(cloudflareRateLimit()).toEqual({ requests: 1200, windowMs: 5 * MINUTE, blockMs: 5 * MINUTE });
    expect(cloudflareRateLimit(0.05)).toEqual({ requests: 60, windowMs: 5 * MINUTE, blockMs: 5 * MINUTE });
    expect(cloudflareRateLimit(0.0001).requests).toBe(1);
    expect(() => cloudflareRateLimit(0)).toThrow();
    const clock = createManualClock();
    const sims = createDemoSimulators({
      now: clock.now,
      sleep: instantSleep,
      cloudflareRateLimit: cloudflareRateLimit(2 / 1200),
    });
    const quota = `https://api.cloudflare.com/client/v4/zones/${DEMO_ZONES.example.id}/ssl/certificate_packs/quota`;
    const call = () =>
      sims.cloudflare.fetch(quota, { headers: { authorization: `Bearer ${DEMO_CLOUDFLARE_TOKEN}` } });
    expect((await call()).headers.get("ratelimit")).toBe('"default";r=1;t=300');
    expect((await call()).headers.get("ratelimit")).toBe('"default";r=0;t=300');
    const over = await call();
    expect([over.status, over.headers.get("retry-after")]).toEqual([429, "300"]);
  });
});
