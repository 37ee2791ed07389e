/**
 * What the upstream HTTP core sends, and what reaches the log and the caller (never a token, never the raw body).
 */
import { describe, expect, it } from "vitest";
import { LOG_BODY_LIMIT } from "../../src/upstream/request";
import { UPSTREAM_CLOUDFLARE_TOKEN } from "../helpers/ids";
import { failure } from "./failure";
import { cfFail, ok, setup } from "./inline";

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
