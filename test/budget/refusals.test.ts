/**
 * A key over its own allowance, as each door answers it (docs/budget.md, "The answers"): 429 before any
 * upstream call, in the door's own envelope (certgate's on /v1, Cloudflare's v4 failure with an integer
 * code on the Cloudflare door, Gjirafa's string errors on the Gjirafa door), with `Retry-After` and the
 * IETF draft's `RateLimit-Policy` / `RateLimit` headers saying the allowance and when it frees.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { isolatedBudget } from "../helpers/budget";
import { makeKey } from "../helpers/keys";
import {
  cfPacks,
  clearKv,
  EXAMPLE,
  type GjEnvelope,
  gateway,
  gjCerts,
  PROJECT,
  packId,
  ROUTE_KEYS,
  SHOP,
  unifiedId,
  type V4Envelope,
} from "../routes/helpers";

beforeEach(clearKv);

/** One upstream call per minute, per provider credential. */
const single = makeKey("single", ["certificates:read"], ["*"], ["*"], { upstream_per_minute: 1 });

describe("a key over its own allowance, through each door", () => {
  it("429 before any upstream call, in the door's envelope, with Retry-After and RateLimit headers", async () => {
    const gw = gateway({}, { budget: isolatedBudget(), keys: [single, ROUTE_KEYS.admin] });
    const [first, second] = gw.sims.gjirafa.certificates(PROJECT);
    if (!first || !second) throw new Error("the demo project needs two certificates");
    const pack = packId(gw, SHOP, (p) => p.status === "active");

    // Its one call per provider: a Gjirafa certificate (always asked for) and a Cloudflare quota.
    expect((await gw.call("GET", `${gjCerts()}/${first.id}`, { key: single })).status).toBe(200);
    expect((await gw.call("GET", `${cfPacks(EXAMPLE)}/quota`, { key: single })).status).toBe(200);
    const calls = gw.upstreamCalls();

    const refusals = [
      { door: "gjirafa", path: `${gjCerts()}/${second.id}` },
      { door: "v1", path: `/v1/certificates/${unifiedId("gjirafa", PROJECT, String(second.id))}` },
      { door: "cloudflare", path: `${cfPacks(SHOP)}/${pack}` },
      { door: "v1", path: `/v1/quotas?zone=${SHOP}` },
    ] as const;
    for (const { door, path } of refusals) {
      const res = await gw.json<V4Envelope & GjEnvelope>("GET", path, { key: single });
      expect(res.status, path).toBe(429);
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(retryAfter, path).toBeGreaterThanOrEqual(1);
      expect(retryAfter, path).toBeLessThanOrEqual(61);
      expect(res.headers.get("ratelimit-policy"), path).toBe('"upstream-calls";q=1;w=60');
      expect(res.headers.get("ratelimit"), path).toBe(`"upstream-calls";r=0;t=${retryAfter}`);
      expect(res.body.success, path).toBe(false);
      if (door === "gjirafa") {
        expect(res.body.errors[0], path).toMatch(/^rate_limited: .*1 upstream call\(s\) per minute/);
        expect(res.body).toMatchObject({ result: null, resultInfo: null });
      } else if (door === "cloudflare") {
        expect(res.body.errors[0], path).toMatchObject({ code: 71026, certgate_code: "rate_limited" });
      } else {
        expect(res.body.errors[0], path).toMatchObject({ code: "rate_limited" });
      }
    }
    // Nothing was sent for any of them.
    expect(gw.upstreamCalls()).toBe(calls);
    // Another key is not held back by this one's allowance.
    expect((await gw.call("GET", `${gjCerts()}/${second.id}`, { key: ROUTE_KEYS.admin })).status).toBe(200);
  });
});
