/**
 * The upstream HTTP core, the error table row by row (error-map.ts), against small inline upstreams.
 */
import { describe, expect, it } from "vitest";
import { failure } from "./failure";
import { cfFail, json, ok, scripted, setup } from "./inline";

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
