/**
 * The upstream HTTP core's retry policy (GET only; POST never twice), backoff, Retry-After against the
 * deadline, and timeouts.
 */
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { cloudflareErrors } from "../../src/providers/cloudflare/errors";
import { BACKOFF_BASE_MS } from "../../src/upstream/backoff";
import { type HttpMethod, upstreamRequest } from "../../src/upstream/request";
import { failure } from "./failure";
import { cfFail, ok, Schema, scripted, setup, URL_ } from "./inline";

describe("retries only where safe", () => {
  const writes: HttpMethod[] = ["POST", "PUT", "PATCH", "DELETE"];

  it.each(writes)("%s is sent once on a 5xx", async (method) => {
    const { send, fetch } = setup(() => cfFail(500, 10001, "boom"));
    const err = await failure(send(method, "cloudflare", {}));
    expect(err.code).toBe("upstream_unavailable");
    expect(fetch.requests).toHaveLength(1);
  });

  it.each(writes)("%s is sent once on a connection error", async (method) => {
    const { send, fetch } = setup(() => {
      throw new TypeError("Network connection lost.");
    });
    await failure(send(method, "cloudflare", {}));
    expect(fetch.requests).toHaveLength(1);
  });

  it("POST is never retried even when the caller marks it idempotent", async () => {
    const { ctx, fetch } = setup(() => cfFail(502, 10001, "boom"));
    const err = await failure(
      upstreamRequest(ctx, {
        dialect: cloudflareErrors,
        method: "POST",
        url: URL_,
        headers: {},
        body: {},
        idempotent: true,
        schema: Schema,
      }),
    );
    expect(err.code).toBe("upstream_unavailable");
    expect(fetch.requests).toHaveLength(1);
  });

  it("an order that times out is not sent again (504)", async () => {
    const { send, fetch } = setup(() => new Promise<Response>(() => {}), { UPSTREAM_TIMEOUT_MS: "100" });
    const err = await failure(send("POST", "cloudflare", { type: "advanced" }));
    expect(err.code).toBe("upstream_timeout");
    expect(err.status).toBe(504);
    expect(fetch.requests).toHaveLength(1);
  });

  it("respects UPSTREAM_MAX_RETRIES", async () => {
    const { send, fetch } = setup(() => cfFail(500, 10001, "boom"), { UPSTREAM_MAX_RETRIES: "0" });
    await failure(send());
    expect(fetch.requests).toHaveLength(1);
  });

  it("backs off with full jitter: random() * min(cap, base * 2^attempt)", async () => {
    const { send, sleeps } = setup(() => cfFail(500, 10001, "boom"), { UPSTREAM_MAX_RETRIES: "3" });
    await failure(send());
    // testDeps' random() is 0.5
    expect(sleeps).toEqual([0.5 * BACKOFF_BASE_MS, 0.5 * BACKOFF_BASE_MS * 2, 0.5 * BACKOFF_BASE_MS * 4]);
  });

  it("a 4xx is never retried", async () => {
    const { send, fetch } = setup(() => cfFail(400, 1400, "bad"));
    await failure(send());
    expect(fetch.requests).toHaveLength(1);
  });

  it("an AppError thrown by the fetch seam is final: passed on as is, never retried, never a 502", async () => {
    const { ctx, fetch } = setup(ok);
    let attempts = 0;
    const refusing = {
      ...ctx,
      fetch: async () => {
        attempts += 1;
        throw new AppError("subrequest_budget_exhausted", "spent", { provider: "cloudflare" });
      },
    };
    const err = await failure(
      upstreamRequest(refusing, {
        dialect: cloudflareErrors,
        method: "GET",
        url: URL_,
        headers: {},
        idempotent: true,
        schema: Schema,
      }),
    );
    expect(err.code).toBe("subrequest_budget_exhausted");
    expect(err.message).toBe("spent");
    expect(err.outcomeUnknown).toBe(false);
    expect(attempts).toBe(1);
    expect(fetch.requests).toHaveLength(0);
    expect(ctx.deps.logs.find((l) => l.event === "upstream_call")).toMatchObject({
      outcome: "refused",
      sent: false,
    });
  });

  it("counts every request actually sent in the meter", async () => {
    const { send, ctx } = setup(
      scripted(
        () => cfFail(500, 1, "x"),
        () => cfFail(502, 1, "x"),
        ok,
      ),
    );
    await send();
    expect(ctx.meter.calls).toBe(3);
  });
});

describe("Retry-After and the deadline", () => {
  it("a short Retry-After is waited out and the GET retried", async () => {
    const { send, fetch, sleeps } = setup(
      scripted(() => cfFail(429, 10000, "slow down", { "retry-after": "2" }), ok),
    );
    await expect(send()).resolves.toMatchObject({ result: { id: "abc" } });
    expect(fetch.requests).toHaveLength(2);
    expect(sleeps).toEqual([2_000]);
  });

  it("an HTTP-date Retry-After is read relative to the clock", async () => {
    const { send, sleeps, ctx } = setup(
      scripted(
        () =>
          cfFail(429, 10000, "slow down", { "retry-after": new Date(ctx.deps.now() + 3_000).toUTCString() }),
        ok,
      ),
    );
    await send();
    expect(sleeps).toEqual([3_000]);
  });

  it("a Retry-After longer than the deadline fails fast with 429 and retry_after", async () => {
    const { send, fetch, sleeps } = setup(() =>
      cfFail(429, 10000, "More than 1200 requests", { "retry-after": "300" }),
    );
    const err = await failure(send());
    expect(err.code).toBe("upstream_rate_limited");
    expect(err.status).toBe(429);
    expect(err.details.retry_after).toBe(300);
    expect(fetch.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("a rate-limited POST is not retried and tells the caller how long to wait", async () => {
    const { send, fetch } = setup(() => cfFail(429, 10000, "slow down", { "retry-after": "1" }));
    const err = await failure(send("POST", "cloudflare", {}));
    expect(err.details.retry_after).toBe(1);
    expect(fetch.requests).toHaveLength(1);
  });

  it("a GET that hangs past the deadline ends with 504 upstream_timeout", async () => {
    const { send, fetch } = setup(() => new Promise<Response>(() => {}), {}, 150);
    const started = Date.now();
    const err = await failure(send());
    expect(err.code).toBe("upstream_timeout");
    expect(err.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2_000);
    // The deadline timer is final: no second attempt.
    expect(fetch.requests).toHaveLength(1);
  });

  it("a per-request timeout is retried for GET while the deadline allows", async () => {
    const { send, fetch } = setup(
      scripted(() => new Promise<Response>(() => {}), ok),
      { UPSTREAM_TIMEOUT_MS: "100" },
    );
    await expect(send()).resolves.toMatchObject({ result: { id: "abc" } });
    expect(fetch.requests).toHaveLength(2);
  });

  it("aborts the request signal when the attempt times out", async () => {
    let seen: AbortSignal | undefined;
    const { send } = setup(
      (request) => {
        seen = request.signal;
        return new Promise<Response>(() => {});
      },
      { UPSTREAM_TIMEOUT_MS: "100", UPSTREAM_MAX_RETRIES: "0" },
    );
    await failure(send());
    expect(seen?.aborted).toBe(true);
  });

  it("a deadline already past sends nothing", async () => {
    const { send, fetch } = setup(ok, {}, 0);
    const err = await failure(send());
    expect(err.code).toBe("upstream_timeout");
    expect(fetch.requests).toHaveLength(0);
  });

  it("does not start a backoff that would end past the deadline", async () => {
    const { send, fetch } = setup(() => cfFail(503, 1, "x", { "retry-after": "5" }), {}, 3_000);
    const err = await failure(send());
    expect(err.code).toBe("upstream_unavailable");
    expect(fetch.requests).toHaveLength(1);
  });
});
