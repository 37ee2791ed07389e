/**
 * certgate as a drop-in for the official `cloudflare` SDK (7.3): `baseURL` pointed at the native front
 * door, a certgate key as `apiToken`, and a `fetch` that hands each request to the Worker. Runs inside
 * workerd (nodejs_compat). The SDK's own headers (api-version, X-Stainless-*) ride along untouched.
 *
 * Import cost: the SDK is ~3,000 modules; inside workerd this file spends most of its time importing it.
 */
import Cloudflare, { APIError, RateLimitError } from "cloudflare";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLOUDFLARE_TOKEN, SECOND } from "../../../sandbox";
import { isolatedBudget } from "../../helpers/budget";
import {
  clearKv,
  EXAMPLE,
  type Gateway,
  gateway,
  ORDER,
  packId,
  ROUTE_KEYS,
  SHOP,
} from "../../routes/helpers";

beforeEach(clearKv);

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  status: number;
  /** The SDK's clock (Date.now) when it sent the request: its waits are real. */
  at: number;
  headersIn: Record<string, string>;
}

/** An SDK client whose every request is served by `gw`; `seen` records what the SDK sent and got. */
function sdk(
  gw: Gateway,
  options: { maxRetries?: number; before?: (request: Request, n: number) => void } = {},
) {
  const seen: Seen[] = [];
  const client = new Cloudflare({
    apiToken: ROUTE_KEYS.writer.key,
    baseURL: "https://certgate.test/cloudflare/client/v4",
    maxRetries: options.maxRetries ?? 0,
    fetch: async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const body = request.body ? await request.text() : undefined;
      const at = Date.now();
      options.before?.(request, seen.length);
      const res = await gw.call(request.method, `${url.pathname}${url.search}`, { headers, body });
      const headersIn: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        headersIn[name] = value;
      });
      seen.push({ method: request.method, url: request.url, headers, status: res.status, at, headersIn });
      return res;
    },
  });
  return { client, seen };
}

describe("the official cloudflare SDK against certgate", () => {
  it.each([
    { zone: SHOP, perPage: 5, requests: 3 },
    { zone: SHOP, perPage: undefined, requests: 2 },
    { zone: EXAMPLE, perPage: 50, requests: 2 },
  ])(
    "list auto-paginates zone $zone (per_page $perPage) to an empty page: every pack once",
    async ({ zone, perPage, requests }) => {
      const gw = gateway();
      const { client, seen } = sdk(gw);
      const ids: string[] = [];
      const params = { zone_id: zone, status: "all" as const, ...(perPage ? { per_page: perPage } : {}) };
      for await (const pack of client.ssl.certificatePacks.list(params)) {
        ids.push(String(pack.id));
        if (ids.length > 100) throw new Error("the SDK did not stop paging");
      }
      const expected = gw.sims.cloudflare.packs(zone).map((p) => String(p.id));
      expect(ids.sort()).toEqual(expected.sort());
      expect(new Set(ids).size).toBe(ids.length);
      expect(seen.map((s) => [s.method, s.status, new URL(s.url).searchParams.get("page") ?? "1"])).toEqual(
        Array.from({ length: requests }, (_, i) => ["GET", 200, String(i + 1)]),
      );
      // Its extra headers reached certgate and broke nothing; certgate's own token went upstream.
      expect(seen[0]?.headers["x-stainless-lang"]).toBe("js");
      expect(seen[0]?.headers["api-version"]).toBeDefined();
      expect(gw.sims.cloudflare.calls().length).toBeGreaterThan(0);
      for (const call of gw.sims.cloudflare.calls()) {
        expect(call.headers.authorization).toBe(`Bearer ${DEMO_CLOUDFLARE_TOKEN}`);
        expect(Object.keys(call.headers).filter((h) => h.startsWith("x-stainless"))).toEqual([]);
      }
    },
  );

  it("list without status gives only active packs", async () => {
    const gw = gateway();
    const { client } = sdk(gw);
    const statuses: string[] = [];
    for await (const pack of client.ssl.certificatePacks.list({ zone_id: EXAMPLE }))
      statuses.push(String(pack.status));
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(["active"]));
  });

  it("create, get, edit (branding), delete and quota.get work unchanged", async () => {
    const gw = gateway();
    const { client } = sdk(gw);
    const before = await client.ssl.certificatePacks.quota.get({ zone_id: EXAMPLE });
    const created = await client.ssl.certificatePacks.create({
      zone_id: EXAMPLE,
      type: "advanced",
      hosts: [...ORDER.hosts],
      validation_method: "txt",
      validity_days: 90,
      certificate_authority: "lets_encrypt",
    });
    expect(created.status).toBe("initializing");
    const id = String(created.id);
    const got = await client.ssl.certificatePacks.get(id, { zone_id: EXAMPLE });
    expect(got.hosts).toEqual(ORDER.hosts);
    const after = await client.ssl.certificatePacks.quota.get({ zone_id: EXAMPLE });
    expect(after.advanced?.used).toBe((before.advanced?.used ?? 0) + 1);

    const branded = await client.ssl.certificatePacks.edit(id, {
      zone_id: EXAMPLE,
      cloudflare_branding: true,
    });
    expect(branded.cloudflare_branding).toBe(true);
    const deleted = await client.ssl.certificatePacks.delete(id, { zone_id: EXAMPLE });
    expect(deleted.id).toBe(id);
    expect((await client.ssl.certificatePacks.get(id, { zone_id: EXAMPLE })).status).toBe("deleted");
    expect(gw.sims.cloudflare.count("POST")).toBe(1);
  });

  it("edit with no body restarts validation from validation_timed_out", async () => {
    const gw = gateway();
    const { client } = sdk(gw);
    const id = packId(gw, EXAMPLE, (p) => p.status === "validation_timed_out");
    const restarted = await client.ssl.certificatePacks.edit(id, { zone_id: EXAMPLE });
    expect(restarted.status).toBe("pending_validation");
  });

  it("Cloudflare's own errors reach the SDK as APIError with the integer code", async () => {
    const gw = gateway();
    const { client } = sdk(gw);
    const id = packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");
    const error = await client.ssl.certificatePacks.edit(id, { zone_id: EXAMPLE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).errors[0]?.code).toBe(1407);
  });

  it("with its default retries, a failed order is not sent twice (certgate says X-Should-Retry: false)", async () => {
    const gw = gateway();
    const { client, seen } = sdk(gw, { maxRetries: 2 });
    gw.sims.cloudflare.faults.once({ kind: "reset", afterProcessing: true }, { method: "POST" });
    const error = await client.ssl.certificatePacks
      .create({
        zone_id: EXAMPLE,
        type: "advanced",
        hosts: [...ORDER.hosts],
        validation_method: "txt",
        validity_days: 90,
        certificate_authority: "lets_encrypt",
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(502);
    expect(seen).toHaveLength(1);
    expect(gw.sims.cloudflare.count("POST")).toBe(1);
  });

  it("a key over its allowance gets Cloudflare's 429 shape: the SDK waits Retry-After, then its retry succeeds", async () => {
    const gw = gateway(
      { KEY_UPSTREAM_PER_MINUTE: "1", CACHE_MIN_REFRESH_SECONDS: "0" },
      { budget: isolatedBudget() },
    );
    const noCache = { headers: { "cache-control": "no-cache" } };
    // The SDK's wait is real time; certgate's clock moves on by what it waited when the retry arrives.
    const { client, seen } = sdk(gw, {
      maxRetries: 1,
      before: (_request, n) => {
        const last = seen[n - 1];
        if (last?.status === 429) gw.clock.advance(Date.now() - last.at);
      },
    });
    await client.ssl.certificatePacks.quota.get({ zone_id: EXAMPLE }, noCache);
    gw.clock.advance(59.5 * SECOND);
    const quota = await client.ssl.certificatePacks.quota.get({ zone_id: EXAMPLE }, noCache);
    expect(quota.advanced?.allocated).toBeGreaterThan(0);
    expect(seen.map((s) => s.status)).toEqual([200, 429, 200]);
    const refused = seen[1];
    // The key's one call frees 61 s after it was made (the budget counts whole seconds): 1.5 s, as 2.
    expect(refused?.headersIn["retry-after"]).toBe("2");
    expect(refused?.headersIn["ratelimit-policy"]).toBe('"upstream-calls";q=1;w=60');
    expect(refused?.headersIn.ratelimit).toBe('"upstream-calls";r=0;t=2');
    // It waited what Retry-After said, not its own half-second backoff.
    expect((seen[2]?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1_900);
    expect(gw.sims.cloudflare.count("GET", "/quota")).toBe(2);
  });

  it("without retries, the SDK reports the refusal as a RateLimitError with the door's integer code", async () => {
    const gw = gateway(
      { KEY_UPSTREAM_PER_MINUTE: "1", CACHE_MIN_REFRESH_SECONDS: "0" },
      { budget: isolatedBudget() },
    );
    const { client } = sdk(gw);
    const id = packId(gw, EXAMPLE, (p) => p.status === "active");
    await client.ssl.certificatePacks.get(id, { zone_id: EXAMPLE });
    const error = await client.ssl.certificatePacks
      .get(id, { zone_id: EXAMPLE }, { headers: { "cache-control": "no-cache" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as APIError).status).toBe(429);
    expect((error as APIError).errors[0]).toMatchObject({ code: 71026, certgate_code: "rate_limited" });
  });
});
