/**
 * Client credentials stop at certgate: whatever a caller presents (its key, an Access token or cookie,
 * Cloudflare or Gjirafa credentials of its own), the upstream receives certgate's own credentials only.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLOUDFLARE_TOKEN, DEMO_GJIRAFA_API_KEY } from "../../sandbox";
import { cfPacks, clearKv, gateway, gjCerts, ROUTE_KEYS } from "../routes/helpers";

beforeEach(clearKv);

const CALLER_CREDENTIALS = {
  "X-API-Key": ROUTE_KEYS.writer.key,
  Cookie: "CF_Authorization=caller-jwt; other=1",
  "Cf-Access-Jwt-Assertion": "caller-jwt",
  "Cf-Access-Client-Id": "caller.access",
  "Cf-Access-Client-Secret": "caller-secret",
  "X-Auth-Email": "caller@example.com",
  "X-Auth-Key": "caller-global-key",
  "Proxy-Authorization": "Basic Y2FsbGVyOnNlY3JldA==",
};

describe("client credentials are never forwarded upstream", () => {
  it.each([
    ["the native Cloudflare door", () => `${cfPacks()}?status=all`],
    ["the native Gjirafa door", () => gjCerts()],
    ["the unified API", () => "/v1/certificates"],
  ])("%s", async (_door, path) => {
    const gw = gateway();
    const res = await gw.call("GET", path(), {
      key: ROUTE_KEYS.writer,
      headers: { ...CALLER_CREDENTIALS, "Cache-Control": "no-cache" },
    });
    expect(res.status).toBe(200);
    const sent = [...gw.sims.cloudflare.calls(), ...gw.sims.gjirafa.calls()];
    expect(sent.length).toBeGreaterThan(0);
    for (const call of sent) {
      const text = JSON.stringify(call.headers).toLowerCase();
      for (const value of Object.values(CALLER_CREDENTIALS)) expect(text).not.toContain(value.toLowerCase());
      expect(text).not.toContain(ROUTE_KEYS.writer.key.toLowerCase());
      const own = call.headers.authorization ?? call.headers["x-api-key"];
      expect([`Bearer ${DEMO_CLOUDFLARE_TOKEN}`, DEMO_GJIRAFA_API_KEY]).toContain(own);
    }
  });
});
