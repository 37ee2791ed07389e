/**
 * Which failures leave a write's outcome unknown (the upstream may have acted): the `outcomeUnknown`
 * column of the error table (src/upstream/error-map.ts), as the HTTP core reports it for a POST. The
 * certificate service turns these into `upstream_outcome_unknown` for orders, creates and imports.
 * Also: an upstream error's `documentation_url` and `source` are kept (redacted, shortened).
 */
import { describe, expect, it } from "vitest";
import type { Handler } from "../helpers/deps";
import { UPSTREAM_CLOUDFLARE_TOKEN } from "../helpers/ids";
import { failure } from "./failure";
import { cfFail, json, setup } from "./inline";

const hang: Handler = (request) =>
  new Promise<Response>((_resolve, reject) =>
    request.signal.addEventListener("abort", () => reject(request.signal.reason)),
  );

describe("a POST that fails: is its outcome unknown?", () => {
  it.each([
    ["a 500", () => cfFail(500, 10001, "Internal error"), true],
    ["a 503", () => cfFail(503, 10001, "Unavailable"), true],
    ["a connection reset", () => Promise.reject(new TypeError("Network connection lost.")), true],
    ["a 200 HTML page", () => new Response("<html>oops</html>", { status: 200 }), true],
    ["a 200 truncated body", () => new Response('{"success": true, "resu', { status: 200 }), true],
    ["a 400 refusal", () => cfFail(400, 1403, "Missing apex"), false],
    ["a 401", () => cfFail(401, 10000, "Authentication error"), false],
    ["a 404", () => cfFail(404, 1404, "Not found"), false],
    ["a 408 (the upstream did not get the request in time)", () => cfFail(408, 1000, "Timeout"), false],
    ["a 429", () => cfFail(429, 10000, "Rate limited", { "retry-after": "300" }), false],
    [
      "a redirect (not followed)",
      () => new Response(null, { status: 302, headers: { location: "https://x.test/" } }),
      false,
    ],
    [
      "a 200 with success: false",
      () => json(200, { success: false, errors: [{ code: 1000, message: "no" }] }),
      false,
    ],
  ] as const)("%s: %s", async (_name, answer, unknown) => {
    const { send } = setup(answer as Handler);
    const err = await failure(send("POST"));
    expect(err.outcomeUnknown).toBe(unknown);
  });

  it("no answer within the timeout: unknown", async () => {
    const { send } = setup(hang, { UPSTREAM_TIMEOUT_MS: "100", UPSTREAM_DEADLINE_MS: "100" }, 100);
    const err = await failure(send("POST"));
    expect([err.code, err.outcomeUnknown]).toEqual(["upstream_timeout", true]);
  });

  it("the deadline passed before anything was sent: known (nothing reached the upstream)", async () => {
    const { send, fetch } = setup(hang, {}, -1);
    const err = await failure(send("POST"));
    expect([err.code, err.outcomeUnknown, fetch.requests.length]).toEqual(["upstream_timeout", false, 0]);
  });
});

describe("an upstream error's documentation_url and source", () => {
  it("are kept on the error, redacted and shortened", async () => {
    const { send } = setup(() =>
      json(400, {
        success: false,
        errors: [
          {
            code: 1402,
            message: "Invalid hosts",
            documentation_url: `https://docs.example/${UPSTREAM_CLOUDFLARE_TOKEN}/${"x".repeat(400)}`,
            source: { pointer: "/hosts/3" },
          },
        ],
      }),
    );
    const err = await failure(send("POST"));
    expect(err.details).toMatchObject({ upstream_code: 1402, source: { pointer: "/hosts/3" } });
    expect(err.details.documentation_url).toMatch(/^https:\/\/docs\.example\//);
    expect(err.details.documentation_url).not.toContain(UPSTREAM_CLOUDFLARE_TOKEN);
    expect(err.details.documentation_url?.length).toBeLessThanOrEqual(300);
  });

  it("are absent when the upstream sent none", async () => {
    const { send } = setup(() => cfFail(400, 1403, "Missing apex"));
    const err = await failure(send("POST"));
    expect(err.details).not.toHaveProperty("documentation_url");
    expect(err.details).not.toHaveProperty("source");
  });
});
