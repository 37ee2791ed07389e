/**
 * What the budget never pays for (docs/budget.md, docs/caching.md): a cache hit does not touch the
 * UpstreamBudget object; single-pack reads come from a fresh cached list of their zone (where a listed
 * item is the whole object: Cloudflare, not Gjirafa) and the native quota from the quota cache; every
 * write through either door makes the next single read ask the upstream again. And a key's own
 * `upstream_per_minute` over the default.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { Certificate } from "../../src/model/certificate";
import { type BudgetNamespace, isolatedBudget } from "../helpers/budget";
import { makeKey } from "../helpers/keys";
import {
  cfPacks,
  clearKv,
  EXAMPLE,
  type Gateway,
  gateway,
  gjCerts,
  PROJECT,
  packId,
  ROUTE_KEYS,
  unifiedId,
  type V4Envelope,
  type Wire,
} from "../routes/helpers";

beforeEach(clearKv);
const writer = ROUTE_KEYS.writer;

/** The budget namespace, counting every object the gateway asks for (one per governed request). */
function countingBudget(): { namespace: BudgetNamespace; asked: () => number } {
  const inner = isolatedBudget();
  let asked = 0;
  const namespace: Pick<BudgetNamespace, "idFromName" | "get"> = {
    idFromName: (name) => inner.idFromName(name),
    get: (id, options) => {
      asked += 1;
      return inner.get(id, options);
    },
  };
  return { namespace: namespace as BudgetNamespace, asked: () => asked };
}

async function get(gw: Gateway, path: string, headers: Record<string, string> = {}) {
  const res = await gw.json<V4Envelope<Wire & Certificate>>("GET", path, { key: writer, headers });
  expect(res.status, `${path}: ${res.text.slice(0, 200)}`).toBe(200);
  return { body: res.body, cache: res.headers.get("x-cache"), age: res.headers.get("age") };
}

describe("a cache hit never touches the budget", () => {
  it("after one load per scope, every read of both doors is a HIT: no upstream call, no round trip to the object", async () => {
    const budget = countingBudget();
    const gw = gateway({}, { budget: budget.namespace });
    const pack = packId(gw, EXAMPLE, (p) => p.status === "active");
    // The loads: the zone's list, its quota, the project's list (1 + one detail per certificate).
    await get(gw, `${cfPacks()}?status=all`);
    await get(gw, `${cfPacks()}/quota`);
    await get(gw, `/v1/certificates?project=${PROJECT}`);
    const upstream = gw.upstreamCalls();
    expect(budget.asked()).toBe(upstream);
    gw.clock.advance(10_000);
    for (const path of [
      `${cfPacks()}?status=all`,
      `${cfPacks()}/quota`,
      `${cfPacks()}/${pack}`,
      `/v1/certificates/${unifiedId("cloudflare", EXAMPLE, pack)}`,
      `/v1/certificates?zone=${EXAMPLE}`,
      `/v1/quotas?zone=${EXAMPLE}`,
      `/v1/certificates?project=${PROJECT}`,
      `${gjCerts()}`,
    ]) {
      const read = await get(gw, path);
      expect(read.cache, path).toBe("HIT");
      expect(read.age, path).toBe("10");
    }
    expect(gw.upstreamCalls()).toBe(upstream);
    expect(budget.asked()).toBe(upstream);
  });
});

describe("single reads from the cached list", () => {
  it("a pack from a fresh zone list is the listed object, on both doors; a Gjirafa certificate is asked for", async () => {
    const gw = gateway();
    const list = await get(gw, `${cfPacks()}?status=all&per_page=50`);
    const listed = (list.body.result as unknown as Wire[]).find((p) => p.status === "active");
    if (!listed) throw new Error("demo zone without an active pack");
    const calls = gw.upstreamCalls();
    const native = await get(gw, `${cfPacks()}/${listed.id}`);
    expect([native.cache, native.body.result]).toEqual(["HIT", listed]);
    const unified = await get(gw, `/v1/certificates/${unifiedId("cloudflare", EXAMPLE, String(listed.id))}`);
    expect(unified.cache).toBe("HIT");
    expect(unified.body.result.provider_status).toBe("active");
    expect(gw.upstreamCalls()).toBe(calls);
    // An id the list does not hold (created elsewhere, or unknown) is asked for.
    const unknown = await gw.call("GET", `${cfPacks()}/${"f".repeat(32)}`, { key: writer });
    expect(unknown.status).toBe(404);
    expect(gw.upstreamCalls()).toBe(calls + 1);

    // Gjirafa lists partial items: a single read always asks the upstream.
    await get(gw, `${gjCerts()}`);
    const cert = gw.sims.gjirafa.certificates(PROJECT)[0];
    const before = gw.upstreamCalls();
    const single = await get(gw, `${gjCerts()}/${cert?.id}`);
    expect(single.cache).not.toBe("HIT");
    expect(gw.upstreamCalls()).toBe(before + 1);
  });

  it("past the fresh window, or with no-cache past the minimum refresh, a single read asks the upstream", async () => {
    const gw = gateway();
    const pack = packId(gw, EXAMPLE, (p) => p.status === "active");
    await get(gw, `${cfPacks()}?status=all`);
    expect((await get(gw, `${cfPacks()}/${pack}`, { "Cache-Control": "no-cache" })).cache).toBe("HIT");
    gw.clock.advance(5_000);
    expect((await get(gw, `${cfPacks()}/${pack}`, { "Cache-Control": "no-cache" })).cache).toBe("BYPASS");
    gw.clock.advance(60_000);
    expect((await get(gw, `${cfPacks()}/${pack}`)).cache).toBe("MISS");
  });

  const validationTimedOut = (gw: Gateway) => packId(gw, EXAMPLE, (p) => p.status === "validation_timed_out");
  const active = (gw: Gateway) => packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");
  const WRITES: ReadonlyArray<{
    name: string;
    pick: (gw: Gateway) => string;
    write: (gw: Gateway, id: string) => Promise<Response>;
    shows: (pack: Wire) => void;
  }> = [
    {
      name: "branding through the native door",
      pick: active,
      write: (gw, id) =>
        gw.call("PATCH", `${cfPacks()}/${id}`, { key: writer, body: { cloudflare_branding: true } }),
      shows: (pack) => expect(pack.cloudflare_branding).toBe(true),
    },
    {
      name: "branding through /v1",
      pick: active,
      write: (gw, id) =>
        gw.call("PATCH", `/v1/certificates/${unifiedId("cloudflare", EXAMPLE, id)}`, {
          key: writer,
          body: { cloudflare_branding: true },
        }),
      shows: (pack) => expect(pack.cloudflare_branding).toBe(true),
    },
    {
      name: "a restart of validation through the native door",
      pick: validationTimedOut,
      write: (gw, id) => gw.call("PATCH", `${cfPacks()}/${id}`, { key: writer, body: {} }),
      shows: (pack) => expect(pack.status).not.toBe("validation_timed_out"),
    },
    {
      name: "a restart of validation through /v1",
      pick: validationTimedOut,
      write: (gw, id) =>
        gw.call("POST", `/v1/certificates/${unifiedId("cloudflare", EXAMPLE, id)}/validate`, { key: writer }),
      shows: (pack) => expect(pack.status).not.toBe("validation_timed_out"),
    },
    {
      name: "a delete through the native door",
      pick: active,
      write: (gw, id) => gw.call("DELETE", `${cfPacks()}/${id}`, { key: writer }),
      shows: (pack) => expect(pack.status).not.toBe("active"),
    },
    {
      name: "a delete through /v1",
      pick: active,
      write: (gw, id) =>
        gw.call("DELETE", `/v1/certificates/${unifiedId("cloudflare", EXAMPLE, id)}`, { key: writer }),
      shows: (pack) => expect(pack.status).not.toBe("active"),
    },
  ];

  it.each(WRITES)(
    "after $name, the next single read of both doors asks the upstream and shows it",
    async ({ pick, write, shows }) => {
      const gw = gateway();
      const id = pick(gw);
      await get(gw, `${cfPacks()}?status=all`);
      expect((await get(gw, `${cfPacks()}/${id}`)).cache, "served from the list before the write").toBe(
        "HIT",
      );
      gw.clock.advance(1_000); // inside the fresh window: only the write can make the next read a miss
      expect((await write(gw, id)).status).toBe(200);
      const native = await get(gw, `${cfPacks()}/${id}`);
      expect(native.cache).not.toBe("HIT");
      shows(native.body.result);
      const unified = await get(gw, `/v1/certificates/${unifiedId("cloudflare", EXAMPLE, id)}?include=raw`);
      expect(unified.cache).not.toBe("HIT");
      shows(unified.body.result.raw as Wire);
    },
  );
});

describe("the native quota is cached like /v1/quotas", () => {
  it("a second read is a HIT in Cloudflare's shape; an order makes the next one ask and count it", async () => {
    const gw = gateway();
    const first = await get(gw, `${cfPacks()}/quota`);
    expect(first.cache).toBe("MISS");
    expect(first.body.result).toEqual({ advanced: gw.sims.cloudflare.quota(EXAMPLE) });
    const calls = gw.upstreamCalls();
    const second = await get(gw, `${cfPacks()}/quota`);
    expect([second.cache, second.body]).toEqual(["HIT", first.body]);
    expect(gw.upstreamCalls()).toBe(calls);
    const { used } = gw.sims.cloudflare.quota(EXAMPLE);
    const order = await gw.call("POST", `${cfPacks()}/order`, {
      key: writer,
      body: {
        type: "advanced",
        hosts: ["example.com", "q.example.com"],
        validation_method: "txt",
        validity_days: 90,
        certificate_authority: "lets_encrypt",
      },
    });
    expect(order.status).toBe(200);
    const after = await get(gw, `${cfPacks()}/quota`);
    expect(after.cache).toBe("MISS");
    expect(after.body.result).toEqual({
      advanced: { allocated: gw.sims.cloudflare.quota(EXAMPLE).allocated, used: used + 1 },
    });
  });
});

describe("a key's own allowance", () => {
  it("`upstream_per_minute` in API_KEYS overrides KEY_UPSTREAM_PER_MINUTE for that key only", async () => {
    const tight = makeKey("tight", ["certificates:read"], ["*"], ["*"], { upstream_per_minute: 2 });
    const gw = gateway(
      { KEY_UPSTREAM_PER_MINUTE: "5", CACHE_MIN_REFRESH_SECONDS: "0" },
      { budget: isolatedBudget(), keys: [tight, ROUTE_KEYS.reader, ROUTE_KEYS.admin] },
    );
    const quota = `${cfPacks()}/quota`;
    const statuses = async (key: typeof tight, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        out.push((await gw.call("GET", quota, { key, headers: { "Cache-Control": "no-cache" } })).status);
      }
      return out;
    };
    expect(await statuses(tight, 3)).toEqual([200, 200, 429]);
    expect(await statuses(ROUTE_KEYS.reader, 6)).toEqual([200, 200, 200, 200, 200, 429]);
    const usage = await gw.json<{ result: { providers: Array<{ provider: string; callers: unknown[] }> } }>(
      "GET",
      "/v1/usage",
      { key: ROUTE_KEYS.admin },
    );
    expect(usage.body.result.providers.find((p) => p.provider === "cloudflare")?.callers).toEqual([
      {
        name: "reader",
        via: "api_key",
        upstream_calls_this_minute: 5,
        refusals_this_minute: 1,
        limit_per_minute: 5,
      },
      {
        name: "tight",
        via: "api_key",
        upstream_calls_this_minute: 2,
        refusals_this_minute: 1,
        limit_per_minute: 2,
      },
    ]);
  });
});
