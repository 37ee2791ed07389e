/**
 * The call log: every request as received, credentials included, so tests of certgate can assert what
 * went upstream (and that a client's own credentials never did).
 */
import { describe, expect, it } from "vitest";
import {
  createCloudflareSimulator,
  createGjirafaSimulator,
  DEFAULT_CLOUDFLARE_TOKEN,
  DEFAULT_GJIRAFA_API_KEY,
  instantSleep,
} from "../../sandbox/index";
import { BASE, ZONE } from "./cf-harness";
import { GJ_BASE, PROJECT } from "./gj-harness";

describe("call log", () => {
  it("records method, path, query, every header and the parsed body", async () => {
    const cf = createCloudflareSimulator({ zones: [ZONE], now: () => 1_000, sleep: instantSleep });
    const body = {
      type: "advanced",
      hosts: ["example.com"],
      validation_method: "txt",
      validity_days: 90,
      certificate_authority: "google",
    };
    await cf.fetch(`${BASE}/zones/${ZONE.id}/ssl/certificate_packs/order?x=1`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${DEFAULT_CLOUDFLARE_TOKEN}`,
        "X-Client-Auth": "client-secret",
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
    expect(cf.calls()).toEqual([
      {
        seq: 1,
        at: 1_000,
        method: "POST",
        url: `${BASE}/zones/${ZONE.id}/ssl/certificate_packs/order?x=1`,
        path: `/client/v4/zones/${ZONE.id}/ssl/certificate_packs/order`,
        query: { x: "1" },
        headers: expect.objectContaining({
          authorization: `Bearer ${DEFAULT_CLOUDFLARE_TOKEN}`,
          "x-client-auth": "client-secret",
        }),
        body,
      },
    ]);
  });

  it("records refused, faulted and non-JSON requests too", async () => {
    const gj = createGjirafaSimulator({ projects: [{ id: PROJECT }], sleep: instantSleep });
    const url = `${GJ_BASE}/api/v1/projects/${PROJECT}/certificates`;
    expect((await gj.fetch(url)).status).toBe(401);
    gj.faults.once({ kind: "status", status: 503 });
    await gj.fetch(url, { headers: { "x-api-key": DEFAULT_GJIRAFA_API_KEY } });
    await gj.fetch(url, {
      method: "POST",
      headers: { "x-api-key": DEFAULT_GJIRAFA_API_KEY },
      body: "not json",
    });
    expect(gj.calls().map((c) => [c.method, c.body])).toEqual([
      ["GET", null],
      ["GET", null],
      ["POST", "not json"],
    ]);
  });

  it("filters by method, path pattern and mark; counts; clears", async () => {
    const cf = createCloudflareSimulator({ zones: [ZONE], sleep: instantSleep });
    const headers = { authorization: `Bearer ${DEFAULT_CLOUDFLARE_TOKEN}` };
    const packs = `${BASE}/zones/${ZONE.id}/ssl/certificate_packs`;
    await cf.fetch(packs, { headers });
    await cf.fetch(`${packs}/quota`, { headers });
    const mark = cf.log.mark();
    await cf.fetch(`${packs}?page=2`, { headers });
    await cf.fetch(`${packs}/${"a".repeat(32)}`, { method: "DELETE", headers });

    expect(cf.count()).toBe(4);
    expect(cf.count("GET")).toBe(3);
    expect(cf.count("GET", "/ssl/certificate_packs")).toBe(2);
    expect(cf.count(undefined, "/quota")).toBe(1);
    expect(cf.count("delete", "/ssl/certificate_packs/*")).toBe(1);
    expect(cf.calls({ after: mark }).map((c) => c.method)).toEqual(["GET", "DELETE"]);
    expect(cf.calls({ method: "GET", path: /page/ })).toEqual([]);
    expect(cf.log.last()?.method).toBe("DELETE");
    cf.log.clear();
    expect(cf.calls()).toEqual([]);
    expect(cf.log.last()).toBeUndefined();
  });
});
