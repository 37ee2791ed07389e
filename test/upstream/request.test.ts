/**
 * The upstream HTTP core against small inline upstreams: the error table row by row, the retry policy
 * (GET only; POST never twice), Retry-After against the deadline, timeouts, and what reaches the log.
 */
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { AppError } from "../../src/errors";
import { BACKOFF_BASE_MS } from "../../src/upstream/backoff";
import { type HttpMethod, LOG_BODY_LIMIT, upstreamRequest } from "../../src/upstream/request";
import { type Handler, routedFetch, testDeps } from "../helpers/deps";
import { UPSTREAM_CLOUDFLARE_TOKEN } from "../helpers/ids";
import { testUpstreamContext } from "./context";

const ORIGIN = "https://upstream.test";
const URL_ = `${ORIGIN}/thing`;
const Schema = z.looseObject({ success: z.literal(true), result: z.looseObject({ id: z.string() }) });

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const ok = () => json(200, { success: true, errors: [], messages: [], result: { id: "abc" } });
const cfFail = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  json(status, { success: false, errors: [{ code, message }], messages: [], result: null }, headers);

/** Answers from a script: one entry per request, the last repeated. */
function scripted(...answers: Array<Handler>): Handler {
  let i = 0;
  return (request) => {
    const answer = answers[Math.min(i, answers.length - 1)];
    i += 1;
    if (!answer) throw new Error("empty script");
    return answer(request);
  };
}

function setup(handler: Handler, env: Record<string, string> = {}, deadlineMs?: number) {
  const sleeps: number[] = [];
  const fetch = routedFetch({ [ORIGIN]: handler });
  const deps = testDeps({
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  const ctx = testUpstreamContext({ deps, env, deadlineMs });
  const send = (
    method: HttpMethod = "GET",
    provider: "cloudflare" | "gjirafa" = "cloudflare",
    body?: unknown,
  ) =>
    upstreamRequest(ctx, {
      provider,
      method,
      url: URL_,
      headers: { authorization: `Bearer ${UPSTREAM_CLOUDFLARE_TOKEN}` },
      body,
      idempotent: method === "GET",
      schema: Schema,
      operation: "test",
    });
  return { ctx, fetch, sleeps, send };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a failure");
}

describe("error table, row by row", () => {
  const rows: Array<{
    name: string;
    answer: () => Response;
    provider?: "cloudflare" | "gjirafa";
    status: number;
    code: string;
    upstream_code: number | string;
    calls: number;
  }> = [
    {
      name: "400 (1450: zone lacks ACM) keeps 400",
      answer: () => cfFail(400, 1450, "Advanced Certificate Manager required"),
      status: 400,
      code: "upstream_rejected",
      upstream_code: 1450,
      calls: 1,
    },
    {
      name: "400 (1406) keeps 400 and the code",
      answer: () => cfFail(400, 1406, "Bad response certificate service"),
      status: 400,
      code: "upstream_rejected",
      upstream_code: 1406,
      calls: 1,
    },
    {
      name: "404 -> not_found",
      answer: () => cfFail(404, 1404, "Certificate pack not found"),
      status: 404,
      code: "not_found",
      upstream_code: 1404,
      calls: 1,
    },
    {
      name: "409 -> conflict",
      answer: () => cfFail(409, 1407, "Not in validation_timed_out"),
      status: 409,
      code: "conflict",
      upstream_code: 1407,
      calls: 1,
    },
    {
      name: "422 keeps 422",
      answer: () => cfFail(422, 1402, "Invalid hosts"),
      status: 422,
      code: "upstream_rejected",
      upstream_code: 1402,
      calls: 1,
    },
    {
      name: "401 -> 502 upstream_auth_failed",
      answer: () => cfFail(401, 10000, "Authentication error"),
      status: 502,
      code: "upstream_auth_failed",
      upstream_code: 10000,
      calls: 1,
    },
    {
      name: "403 -> 502 upstream_auth_failed",
      answer: () => cfFail(403, 9109, "Unauthorized to access requested resource"),
      status: 502,
      code: "upstream_auth_failed",
      upstream_code: 9109,
      calls: 1,
    },
    {
      name: "Cloudflare 400 with 10000 -> upstream_auth_failed",
      answer: () => cfFail(400, 10000, "Authentication error"),
      status: 502,
      code: "upstream_auth_failed",
      upstream_code: 10000,
      calls: 1,
    },
    {
      name: "Cloudflare 400 with 9109 -> upstream_auth_failed",
      answer: () => cfFail(400, 9109, "Invalid access token"),
      status: 502,
      code: "upstream_auth_failed",
      upstream_code: 9109,
      calls: 1,
    },
    {
      name: "Cloudflare 400 with 6003 -> upstream_auth_failed",
      answer: () => cfFail(400, 6003, "Invalid request headers"),
      status: 502,
      code: "upstream_auth_failed",
      upstream_code: 6003,
      calls: 1,
    },
    {
      name: "Gjirafa 404: the HTTP status is the upstream code",
      provider: "gjirafa",
      answer: () =>
        json(404, { success: false, errors: ["Certificate not found"], messages: [], result: null }),
      status: 404,
      code: "not_found",
      upstream_code: 404,
      calls: 1,
    },
    {
      name: "Gjirafa 401 -> upstream_auth_failed",
      provider: "gjirafa",
      answer: () => new Response("", { status: 401 }),
      status: 502,
      code: "upstream_auth_failed",
      upstream_code: 401,
      calls: 1,
    },
    {
      name: "other 4xx (405) -> 422 upstream_rejected, no retry",
      answer: () => cfFail(405, 7001, "Method not allowed"),
      status: 422,
      code: "upstream_rejected",
      upstream_code: 7001,
      calls: 1,
    },
    {
      name: "500 retried, then 502",
      answer: () => cfFail(500, 10001, "Internal error"),
      status: 502,
      code: "upstream_unavailable",
      upstream_code: 10001,
      calls: 3,
    },
    {
      name: "502 retried, then 502",
      answer: () => cfFail(502, 10001, "Bad gateway"),
      status: 502,
      code: "upstream_unavailable",
      upstream_code: 10001,
      calls: 3,
    },
    {
      name: "503 retried, then 502",
      answer: () => cfFail(503, 10001, "Unavailable"),
      status: 502,
      code: "upstream_unavailable",
      upstream_code: 10001,
      calls: 3,
    },
    {
      name: "408 retried, then 502",
      answer: () => new Response("", { status: 408 }),
      status: 502,
      code: "upstream_unavailable",
      upstream_code: 408,
      calls: 3,
    },
    {
      name: "HTML error page on 502: mapped by status",
      answer: () =>
        new Response("<html><body>502 Bad gateway</body></html>", {
          status: 502,
          headers: { "content-type": "text/html" },
        }),
      status: 502,
      code: "upstream_unavailable",
      upstream_code: 502,
      calls: 3,
    },
    {
      name: "HTML body on 200 -> upstream_invalid_response",
      answer: () =>
        new Response("<html>hello</html>", { status: 200, headers: { "content-type": "text/html" } }),
      status: 502,
      code: "upstream_invalid_response",
      upstream_code: 200,
      calls: 1,
    },
    {
      name: "truncated JSON on 200 -> upstream_invalid_response",
      answer: () => new Response('{"success":true,"errors":[],"result":{"id":"a', { status: 200 }),
      status: 502,
      code: "upstream_invalid_response",
      upstream_code: 200,
      calls: 1,
    },
    {
      name: "success:false with 200 -> upstream_invalid_response with the provider's code",
      answer: () => cfFail(200, 1000, "Internal error, please retry"),
      status: 502,
      code: "upstream_invalid_response",
      upstream_code: 1000,
      calls: 1,
    },
    {
      name: "schema mismatch on 200 -> upstream_invalid_response",
      answer: () => json(200, { success: true, errors: [], messages: [], result: { id: 42 } }),
      status: 502,
      code: "upstream_invalid_response",
      upstream_code: 200,
      calls: 1,
    },
    {
      name: "redirect is not followed",
      answer: () => new Response(null, { status: 302, headers: { location: "https://elsewhere.test/" } }),
      status: 502,
      code: "upstream_unavailable",
      upstream_code: 302,
      calls: 1,
    },
  ];

  it.each(rows)("$name", async (row) => {
    const { send, fetch } = setup(() => row.answer());
    const err = await failure(send("GET", row.provider ?? "cloudflare"));
    expect(err.status).toBe(row.status);
    expect(err.code).toBe(row.code);
    expect(err.details.provider).toBe(row.provider ?? "cloudflare");
    expect(err.details.upstream_code).toBe(row.upstream_code);
    expect(fetch.requests).toHaveLength(row.calls);
  });

  it("quotes the provider's own message to the caller", async () => {
    const { send } = setup(() => cfFail(400, 1450, "Advanced Certificate Manager required"));
    const err = await failure(send());
    expect(err.message).toContain("Advanced Certificate Manager required");
    expect(err.message).toContain("Cloudflare");
  });

  it("connection errors are retried, then 502 upstream_unavailable", async () => {
    const { send, fetch } = setup(() => {
      throw new TypeError("Network connection lost.");
    });
    const err = await failure(send());
    expect(err.code).toBe("upstream_unavailable");
    expect(err.status).toBe(502);
    expect(fetch.requests).toHaveLength(3);
  });

  it("a 5xx followed by a success returns the success", async () => {
    const { send, fetch } = setup(scripted(() => cfFail(503, 10001, "x"), ok));
    await expect(send()).resolves.toMatchObject({ result: { id: "abc" } });
    expect(fetch.requests).toHaveLength(2);
  });

  it("keeps unknown fields of the success envelope (loose schemas)", async () => {
    const { send } = setup(() =>
      json(200, {
        success: true,
        errors: [],
        messages: [],
        result: { id: "abc", brand_new: 1 },
        extra: true,
      }),
    );
    await expect(send()).resolves.toMatchObject({ extra: true, result: { brand_new: 1 } });
  });
});

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
        provider: "cloudflare",
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

describe("what is sent and what is logged", () => {
  it("sends Accept, and Content-Type with a JSON body; never follows redirects", async () => {
    const { send, fetch } = setup(ok);
    await send("PATCH", "cloudflare", {});
    const request = fetch.requests[0];
    expect(request?.headers.get("accept")).toBe("application/json");
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(await request?.text()).toBe("{}");
    expect(request?.redirect).toBe("manual");
  });

  it("never puts the upstream token in an error message or a log line", async () => {
    const echo = `token ${UPSTREAM_CLOUDFLARE_TOKEN} is not valid; Authorization: Bearer ${UPSTREAM_CLOUDFLARE_TOKEN}`;
    for (const answer of [
      () => cfFail(400, 1400, echo),
      () => cfFail(401, 10000, echo),
      () => cfFail(200, 1000, echo),
      () => new Response(`<html>${echo}</html>`, { status: 200 }),
      () => new Response(`<html>${echo}</html>`, { status: 503 }),
    ]) {
      const { send, ctx } = setup(answer);
      const err = await failure(send());
      expect(err.message).not.toContain(UPSTREAM_CLOUDFLARE_TOKEN);
      expect(JSON.stringify(err.details)).not.toContain(UPSTREAM_CLOUDFLARE_TOKEN);
      expect(ctx.deps.logs.length).toBeGreaterThan(0);
      expect(JSON.stringify(ctx.deps.logs)).not.toContain(UPSTREAM_CLOUDFLARE_TOKEN);
    }
  });

  it("logs the raw body of a failure (cut to 2 KiB), not to the caller", async () => {
    const big = `<html>${"x".repeat(10_000)}</html>`;
    const { send, ctx } = setup(() => new Response(big, { status: 200 }));
    const err = await failure(send());
    expect(err.message).not.toContain("xxxx");
    const line = ctx.deps.logs.find((l) => l.event === "upstream_call" && typeof l.body === "string");
    expect(typeof line?.body).toBe("string");
    expect(String(line?.body).length).toBeLessThanOrEqual(LOG_BODY_LIMIT);
    expect(line).toMatchObject({ request_id: "req-test", provider: "cloudflare", status: 200 });
  });
});
