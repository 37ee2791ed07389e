/**
 * The native Cloudflare front door (/cloudflare/client/v4/zones/{zone}/ssl/certificate_packs...):
 * native shapes and status codes over the demo simulator, Cloudflare's own errors passed through with
 * their integer codes, certgate's upstream token injected and the caller's credentials kept home.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLOUDFLARE_TOKEN, MINUTE } from "../../../sandbox";
import {
  cfPacks,
  clearKv,
  EXAMPLE,
  gateway,
  ORDER,
  packId,
  ROUTE_KEYS,
  SHOP,
  UNKNOWN_PACK,
  upstreamCalls,
  type V4Envelope,
  type Wire,
} from "../../routes/helpers";

const writer = ROUTE_KEYS.writer;
beforeEach(clearKv);

describe("native Cloudflare: list", () => {
  it("lists only active packs by default and every pack with status=all, as Cloudflare does", async () => {
    const gw = gateway();
    const all = gw.sims.cloudflare.packs(EXAMPLE);
    const active = await gw.json<V4Envelope<Wire[]>>("GET", cfPacks(), { key: writer });
    expect(active.status).toBe(200);
    expect(active.body.result.map((p) => p.id).sort()).toEqual(
      all
        .filter((p) => p.status === "active")
        .map((p) => p.id)
        .sort(),
    );
    expect(active.body.result.length).toBeGreaterThan(0);
    expect(active.body.result.every((p) => p.status === "active")).toBe(true);
    const everything = await gw.json<V4Envelope<Wire[]>>("GET", `${cfPacks()}?status=all`, { key: writer });
    expect(everything.body.result.map((p) => p.id).sort()).toEqual(all.map((p) => p.id).sort());
    expect(everything.body.result_info).toEqual({
      page: 1,
      per_page: 20,
      count: all.length,
      total_count: all.length,
      total_pages: 1,
    });
  });

  it.each([
    { page: 1, count: 5 },
    { page: 2, count: 4 },
    { page: 3, count: 0 },
    { page: 50, count: 0 },
  ])("pages with page/per_page: page $page of 9 packs by 5 has $count", async ({ page, count }) => {
    const gw = gateway();
    const res = await gw.json<V4Envelope<Wire[]>>(
      "GET",
      `${cfPacks(SHOP)}?status=all&per_page=5&page=${page}`,
      {
        key: writer,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.result).toHaveLength(count);
    expect(res.body.result_info).toEqual({ page, per_page: 5, count, total_count: 9, total_pages: 2 });
  });

  it("pages cover every pack exactly once, in a stable order", async () => {
    const gw = gateway();
    const seen: Array<string | number> = [];
    for (let page = 1; page <= 3; page++) {
      const res = await gw.json<V4Envelope<Wire[]>>(
        "GET",
        `${cfPacks(SHOP)}?status=all&per_page=5&page=${page}`,
        {
          key: writer,
        },
      );
      seen.push(...res.body.result.map((p) => p.id));
    }
    expect(new Set(seen).size).toBe(9);
    expect(seen.sort()).toEqual(
      gw.sims.cloudflare
        .packs(SHOP)
        .map((p) => p.id)
        .sort(),
    );
  });

  it("answers from the KV cache with X-Cache and Age, and a write empties it", async () => {
    const gw = gateway();
    const first = await gw.call("GET", cfPacks(), { key: writer });
    expect([first.headers.get("x-cache"), first.headers.get("age")]).toEqual(["MISS", "0"]);
    gw.clock.advance(30_000);
    const before = gw.sims.cloudflare.count("GET");
    const second = await gw.call("GET", `${cfPacks()}?status=all`, { key: writer });
    expect([second.headers.get("x-cache"), second.headers.get("age")]).toEqual(["HIT", "30"]);
    expect(gw.sims.cloudflare.count("GET")).toBe(before);
    const bypass = await gw.call("GET", cfPacks(), { key: writer, headers: { "Cache-Control": "no-cache" } });
    expect(bypass.headers.get("x-cache")).toBe("BYPASS");

    const order = await gw.json<V4Envelope<Wire>>("POST", `${cfPacks()}/order`, { key: writer, body: ORDER });
    const after = await gw.json<V4Envelope<Wire[]>>("GET", `${cfPacks()}?status=all`, { key: writer });
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(after.body.result.map((p) => p.id)).toContain(order.body.result.id);
  });
});

describe("native Cloudflare: order, quota, get", () => {
  it("orders a pack: one POST upstream with the caller's body, the native pack back", async () => {
    const gw = gateway();
    const res = await gw.json<V4Envelope<Wire>>("POST", `${cfPacks()}/order`, { key: writer, body: ORDER });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, errors: [], result: { status: "initializing" } });
    expect(res.body.result.hosts).toEqual(ORDER.hosts);
    const posts = gw.sims.cloudflare.calls({ method: "POST" });
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual(ORDER);
  });

  it("passes Cloudflare's refusal of an order through with its own code (apex missing)", async () => {
    const gw = gateway();
    const res = await gw.json<V4Envelope>("POST", `${cfPacks()}/order`, {
      key: writer,
      body: { ...ORDER, hosts: ["www.example.com"] },
    });
    expect(res.status).toBe(400);
    expect(typeof res.body.errors[0]?.code).toBe("number");
    expect(res.body.errors[0]).toMatchObject({ provider: "cloudflare", certgate_code: "upstream_rejected" });
  });

  it("reads the quota as Cloudflare reports it", async () => {
    const gw = gateway();
    const res = await gw.json<V4Envelope>("GET", `${cfPacks(SHOP)}/quota`, { key: writer });
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual({ advanced: { allocated: 10, used: 9 } });
  });

  it("gets one pack in Cloudflare's shape; an unknown one is Cloudflare's 404 with its code", async () => {
    const gw = gateway();
    const id = packId(gw, EXAMPLE, (p) => p.status === "pending_validation");
    const res = await gw.json<V4Envelope<Wire>>("GET", `${cfPacks()}/${id}`, { key: writer });
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual(gw.sims.cloudflare.pack(EXAMPLE, id));
    const missing = await gw.json<V4Envelope>("GET", `${cfPacks()}/${UNKNOWN_PACK}`, { key: writer });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, result: null, errors: [{ code: 1404 }] });
  });
});

describe("native Cloudflare: PATCH and DELETE", () => {
  it("restarts validation of a pack in validation_timed_out with {}", async () => {
    const gw = gateway();
    const id = packId(gw, EXAMPLE, (p) => p.status === "validation_timed_out");
    const res = await gw.json<V4Envelope<Wire>>("PATCH", `${cfPacks()}/${id}`, { key: writer, body: {} });
    expect(res.status).toBe(200);
    expect(res.body.result.status).toBe("pending_validation");
    expect(res.body.result.validation_records).not.toEqual([]);
    expect(gw.sims.cloudflare.calls({ method: "PATCH" })[0]?.body).toEqual({});
  });

  it("passes Cloudflare's own error for {} on another status, integer code first", async () => {
    const gw = gateway();
    const id = packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");
    const res = await gw.json<V4Envelope>("PATCH", `${cfPacks()}/${id}`, { key: writer, body: {} });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 1407, provider: "cloudflare", upstream_code: 1407 });
    expect(res.body.errors[0]?.message).toMatch(/validation_timed_out/);
  });

  it("an empty PATCH body reads as {} (restart)", async () => {
    const gw = gateway();
    const id = packId(gw, EXAMPLE, (p) => p.status === "validation_timed_out");
    const res = await gw.call("PATCH", `${cfPacks()}/${id}`, { key: writer });
    expect(res.status).toBe(200);
  });

  it("adds Cloudflare branding", async () => {
    const gw = gateway();
    const id = packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");
    const res = await gw.json<V4Envelope<Wire>>("PATCH", `${cfPacks()}/${id}`, {
      key: writer,
      body: { cloudflare_branding: true },
    });
    expect(res.status).toBe(200);
    expect(res.body.result.cloudflare_branding).toBe(true);
  });

  it("deletes: GET then shows status deleted, a second DELETE is Cloudflare's 1406", async () => {
    const gw = gateway();
    const id = packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");
    const del = await gw.json<V4Envelope>("DELETE", `${cfPacks()}/${id}`, { key: writer });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ success: true, errors: [], messages: [], result: { id } });
    const get = await gw.json<V4Envelope<Wire>>("GET", `${cfPacks()}/${id}`, { key: writer });
    expect([get.status, get.body.result.status]).toEqual([200, "deleted"]);
    const again = await gw.json<V4Envelope>("DELETE", `${cfPacks()}/${id}`, { key: writer });
    expect(again.status).toBe(400);
    expect(again.body.errors[0]?.code).toBe(1406);
    expect(gw.sims.cloudflare.count("DELETE")).toBe(2);
  });
});

describe("native Cloudflare: credentials", () => {
  it.each([
    { style: "Authorization: Bearer", headers: (k: string) => ({ Authorization: `Bearer ${k}` }) },
    { style: "X-API-Key", headers: (k: string) => ({ "X-API-Key": k }) },
  ])("sends certgate's upstream token and none of the caller's credentials ($style)", async ({ headers }) => {
    const gw = gateway();
    const callerHeaders = {
      ...headers(writer.key),
      Cookie: "CF_Authorization=caller-cookie; session=s3cret",
      "Cf-Access-Jwt-Assertion": "caller.access.jwt",
      "X-Auth-Email": "caller@example.com",
      "X-Auth-Key": "caller-global-key",
    };
    const id = packId(gw, EXAMPLE, (p) => p.status === "validation_timed_out");
    // The single GET first: after the list it would be served from the cached list, not sent.
    for (const [method, path, body] of [
      ["GET", `${cfPacks()}/${id}`, undefined],
      ["GET", `${cfPacks()}?status=all`, undefined],
      ["GET", `${cfPacks()}/quota`, undefined],
      ["POST", `${cfPacks()}/order`, ORDER],
      ["PATCH", `${cfPacks()}/${id}`, {}],
    ] as const) {
      const res = await gw.call(method, path, { headers: callerHeaders, body });
      expect(res.status, `${method} ${path}`).toBe(200);
    }
    const calls = gw.sims.cloudflare.calls();
    expect(calls.length).toBeGreaterThanOrEqual(5);
    for (const call of calls) {
      expect(call.headers.authorization).toBe(`Bearer ${DEMO_CLOUDFLARE_TOKEN}`);
      for (const name of ["x-api-key", "cookie", "cf-access-jwt-assertion", "x-auth-email", "x-auth-key"]) {
        expect(call.headers[name], name).toBeUndefined();
      }
      expect(JSON.stringify(call.headers)).not.toContain(writer.key);
    }
  });
});

describe("native Cloudflare: routing", () => {
  it.each([
    `/cloudflare/client/v4/zones/${EXAMPLE}/dns_records`,
    "/cloudflare/client/v4/user/tokens/verify",
    "/cloudflare/client/v4",
    `${cfPacks()}/${UNKNOWN_PACK}/certificates`,
    "/cloudflare/",
  ])("anything else under /cloudflare is a 404 in the v4 envelope: %s", async (path) => {
    const gw = gateway();
    const res = await gw.json<V4Envelope>("GET", path, { key: writer });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      success: false,
      result: null,
      messages: [],
      errors: [{ code: 71005, certgate_code: "not_found" }],
    });
    expect(upstreamCalls(gw)).toBe(0);
  });

  it.each([
    { method: "POST", path: cfPacks(), allow: "GET" },
    { method: "DELETE", path: cfPacks(), allow: "GET" },
    { method: "PUT", path: `${cfPacks()}/${UNKNOWN_PACK}`, allow: "DELETE, GET, PATCH" },
    { method: "POST", path: `${cfPacks()}/${UNKNOWN_PACK}`, allow: "DELETE, GET, PATCH" },
    { method: "GET", path: `${cfPacks()}/order`, allow: "POST" },
    { method: "DELETE", path: `${cfPacks()}/order`, allow: "POST" },
    { method: "PATCH", path: `${cfPacks()}/quota`, allow: "GET" },
    { method: "POST", path: `${cfPacks()}/quota`, allow: "GET" },
  ])(
    "$method $path is 405 with Allow: $allow, and nothing goes upstream",
    async ({ method, path, allow }) => {
      const gw = gateway();
      const res = await gw.json<V4Envelope>(method, path, {
        key: writer,
        body: method === "GET" ? undefined : {},
      });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe(allow);
      expect(res.body.errors[0]).toMatchObject({ code: 71006, certgate_code: "method_not_allowed" });
      expect(upstreamCalls(gw)).toBe(0);
    },
  );

  it("a list item ages with the clock: the simulator's lifecycle shows through on a fresh read", async () => {
    const gw = gateway();
    const res = await gw.json<V4Envelope<Wire>>("POST", `${cfPacks()}/order`, { key: writer, body: ORDER });
    gw.clock.advance(2 * MINUTE);
    const get = await gw.json<V4Envelope<Wire>>("GET", `${cfPacks()}/${res.body.result.id}`, { key: writer });
    expect(get.body.result.status).toBe("pending_validation");
  });
});
