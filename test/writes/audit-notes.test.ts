/** What the audit record quotes of an upstream's answer: its own request id, only when it looks like one. */
import { describe, expect, it } from "vitest";
import { createCloudflareSimulator } from "../../sandbox";
import { upstreamRequestIdOf } from "../../src/model/audit-notes";

describe("upstreamRequestIdOf", () => {
  it.each([
    ["Cloudflare's CF-Ray", { "cf-ray": "8a1b2c3d4e5f6789-FRA" }, "8a1b2c3d4e5f6789-FRA"],
    ["an X-Request-Id", { "x-request-id": "req_01HZX" }, "req_01HZX"],
    ["CF-Ray first when both", { "x-request-id": "b", "cf-ray": "a" }, "a"],
    ["none", {}, null],
    ["a value that is no id (spaces, markup)", { "cf-ray": "<script>alert(1)</script>" }, null],
    ["a value too long", { "x-request-id": "x".repeat(129) }, null],
  ])("%s", (_name, headers, expected) => {
    expect(upstreamRequestIdOf(new Headers(headers))).toBe(expected);
  });

  it.each([
    [undefined, /^[0-9a-f]{16}-SIM$/],
    [false, null],
  ] as const)("the Cloudflare simulator's rayIds switch (%s)", async (rayIds, expected) => {
    const cf = createCloudflareSimulator({ rayIds });
    const res = await cf.fetch("https://api.cloudflare.com/client/v4/zones/x/ssl/certificate_packs");
    const id = upstreamRequestIdOf(res.headers);
    if (expected === null) expect(id).toBeNull();
    else expect(id).toMatch(expected);
  });
});
