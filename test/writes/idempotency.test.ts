/**
 * Idempotency-Key on the writes of both doors and /v1 (docs/writes.md), through the whole gateway: the
 * first request runs once and its answer is kept; a repeat replays it without an upstream call; the
 * same key with another request is 422, a repeat while the first runs 409; what is kept is a digest of
 * the request, never the request. Errors answer in each door's envelope.
 */
import { env, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_CERTIFICATE, SAMPLE_CHAIN, SAMPLE_PRIVATE_KEY } from "../../sandbox";
import { secretValues } from "../../src/redact";
import {
  cfPacks,
  clearKv,
  EXAMPLE,
  type Gateway,
  gateway,
  gjCerts,
  ORDER,
  packId,
  ROUTE_KEYS,
} from "../routes/helpers";

const writer = ROUTE_KEYS.writer;
beforeEach(clearKv);

/** Keys are per caller and the object's storage is shared by this file's tests: a fresh key each time. */
const newKey = () => `key-${crypto.randomUUID()}`;
const withKey = (key: string, headers: Record<string, string> = {}) => ({
  "Idempotency-Key": key,
  ...headers,
});

/** The IdempotencyStore of a caller, as the hook names it. */
function storeOf(name: string) {
  return env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(`api_key:${name}`));
}

const UNIFIED_ORDER = { ...ORDER, type: undefined, provider: "cloudflare", zone: EXAMPLE };

describe("the same Idempotency-Key twice", () => {
  it("native order: one upstream order, identical answers, the second marked Idempotent-Replayed", async () => {
    const gw = gateway();
    const key = newKey();
    const first = await gw.call("POST", `${cfPacks()}/order`, {
      key: writer,
      body: ORDER,
      headers: withKey(key),
    });
    const firstText = await first.text();
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const second = await gw.call("POST", `${cfPacks()}/order`, {
      key: writer,
      body: ORDER,
      headers: withKey(key),
    });
    expect(second.status).toBe(200);
    expect(await second.text()).toBe(firstText);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.headers.get("content-type")).toBe(first.headers.get("content-type"));
    expect(second.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));
    expect(gw.sims.cloudflare.count("POST", "/ssl/certificate_packs/order")).toBe(1);
  });

  it.each([
    ["/v1 create", "POST", "/v1/certificates", UNIFIED_ORDER],
    ["native Gjirafa create", "POST", gjCerts(), { domainName: "idem.demo.certgate.test", scopeId: 1 }],
  ] as const)("%s: replayed without an upstream call", async (_name, method, path, body) => {
    const gw = gateway();
    const key = newKey();
    const first = await gw.call(method, path, { key: writer, body, headers: withKey(key) });
    const text = await first.text();
    const calls = gw.upstreamCalls();
    const again = await gw.call(method, path, { key: writer, body, headers: withKey(key) });
    expect(again.status).toBe(first.status);
    expect(await again.text()).toBe(text);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(gw.upstreamCalls()).toBe(calls);
  });

  it("the key is the caller's: another key name with the same value is another request", async () => {
    const gw = gateway();
    const key = newKey();
    for (const k of [writer, ROUTE_KEYS.exampleOnly]) {
      const res = await gw.call("POST", `${cfPacks()}/order`, { key: k, body: ORDER, headers: withKey(key) });
      expect(res.headers.get("idempotent-replayed")).toBeNull();
    }
    expect(gw.sims.cloudflare.count("POST", "/ssl/certificate_packs/order")).toBe(2);
  });

  it('a quoted sf-string ("k") and the bare value (k) are the same key', async () => {
    const gw = gateway();
    const key = newKey();
    await gw.call("POST", `${cfPacks()}/order`, { key: writer, body: ORDER, headers: withKey(`"${key}"`) });
    const again = await gw.call("POST", `${cfPacks()}/order`, {
      key: writer,
      body: ORDER,
      headers: withKey(key),
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(gw.sims.cloudflare.count("POST")).toBe(1);
  });

  it("a kept answer lives 24 hours: after that the key runs the write again", async () => {
    const gw = gateway();
    const key = newKey();
    await gw.call("POST", `${cfPacks()}/order`, { key: writer, body: ORDER, headers: withKey(key) });
    gw.clock.advance(24 * 3_600_000 - 1_000);
    const within = await gw.call("POST", `${cfPacks()}/order`, {
      key: writer,
      body: ORDER,
      headers: withKey(key),
    });
    expect(within.headers.get("idempotent-replayed")).toBe("true");
    gw.clock.advance(2_000);
    const after = await gw.call("POST", `${cfPacks()}/order`, {
      key: writer,
      body: ORDER,
      headers: withKey(key),
    });
    expect(after.headers.get("idempotent-replayed")).toBeNull();
    expect(gw.sims.cloudflare.count("POST")).toBe(2);
  });
});

describe("the same key with another request: 422 idempotency_key_reused, in each door's envelope", () => {
  it.each([
    {
      door: "native Cloudflare (integer code 71021)",
      path: `${cfPacks()}/order`,
      first: ORDER,
      second: { ...ORDER, hosts: ["example.com", "other.example.com"] },
      error: { code: 71021, certgate_code: "idempotency_key_reused" },
    },
    {
      door: "/v1 (certgate's code)",
      path: "/v1/certificates",
      first: UNIFIED_ORDER,
      second: { ...UNIFIED_ORDER, validity_days: 30 },
      error: { code: "idempotency_key_reused" },
    },
  ])("$door", async ({ path, first, second, error }) => {
    const gw = gateway();
    const key = newKey();
    expect((await gw.call("POST", path, { key: writer, body: first, headers: withKey(key) })).status).toBe(
      200,
    );
    const calls = gw.upstreamCalls();
    const res = await gw.json<{ errors: Array<Record<string, unknown>> }>("POST", path, {
      key: writer,
      body: second,
      headers: withKey(key),
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject(error);
    expect(gw.upstreamCalls()).toBe(calls);
  });

  it("Gjirafa's envelope: a string error", async () => {
    const gw = gateway();
    const key = newKey();
    await gw.call("POST", gjCerts(), {
      key: writer,
      body: { domainName: "a.demo.certgate.test", scopeId: 1 },
      headers: withKey(key),
    });
    const res = await gw.json<{ errors: string[] }>("POST", gjCerts(), {
      key: writer,
      body: { domainName: "b.demo.certgate.test", scopeId: 1 },
      headers: withKey(key),
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatch(/^idempotency_key_reused: /);
  });

  it("another path with the same key is another request too", async () => {
    const gw = gateway();
    const key = newKey();
    const pack = packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");
    await gw.call("POST", `${cfPacks()}/order`, { key: writer, body: ORDER, headers: withKey(key) });
    const res = await gw.call("DELETE", `${cfPacks()}/${pack}`, { key: writer, headers: withKey(key) });
    expect(res.status).toBe(422);
    expect(gw.sims.cloudflare.count("DELETE")).toBe(0);
  });
});

describe("a repeat while the first is in flight: 409 idempotency_key_in_flight", () => {
  it("the second request waits for nothing and sends nothing; after the first answers, it is replayed", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const gw: Gateway = gateway(
      {},
      {
        upstream: async (_provider, request, next) => {
          if (request.method === "POST") {
            arrived();
            await held;
          }
          return next();
        },
      },
    );
    const key = newKey();
    const first = gw.call("POST", `${cfPacks()}/order`, { key: writer, body: ORDER, headers: withKey(key) });
    await reached;
    const second = await gw.json<{ errors: Array<Record<string, unknown>> }>("POST", `${cfPacks()}/order`, {
      key: writer,
      body: ORDER,
      headers: withKey(key),
    });
    expect(second.status).toBe(409);
    expect(second.body.errors[0]).toMatchObject({ code: 71022, certgate_code: "idempotency_key_in_flight" });
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    release();
    const firstText = await (await first).text();
    const third = await gw.call("POST", `${cfPacks()}/order`, {
      key: writer,
      body: ORDER,
      headers: withKey(key),
    });
    expect(third.headers.get("idempotent-replayed")).toBe("true");
    expect(await third.text()).toBe(firstText);
    expect(gw.sims.cloudflare.count("POST")).toBe(1);
  });
});

describe("which answers are kept", () => {
  it("an order whose outcome is unknown (5xx) is kept: the retry replays the 502 and orders nothing", async () => {
    const gw = gateway();
    gw.sims.cloudflare.faults.add({ method: "POST", times: 1, fault: { kind: "status", status: 500 } });
    const key = newKey();
    const first = await gw.call("POST", "/v1/certificates", {
      key: writer,
      body: UNIFIED_ORDER,
      headers: withKey(key),
    });
    const firstText = await first.text();
    expect(first.status).toBe(502);
    expect(firstText).toContain("upstream_outcome_unknown");
    const retry = await gw.call("POST", "/v1/certificates", {
      key: writer,
      body: UNIFIED_ORDER,
      headers: withKey(key),
    });
    expect(retry.status).toBe(502);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.text()).toBe(firstText);
    expect(gw.sims.cloudflare.count("POST")).toBe(1);
  });

  it("a delete that failed with a 5xx is not kept: the retry deletes, and its success is kept", async () => {
    const gw = gateway();
    const pack = packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");
    gw.sims.cloudflare.faults.add({ method: "DELETE", times: 1, fault: { kind: "status", status: 503 } });
    const key = newKey();
    const path = `/v1/certificates/cloudflare:${EXAMPLE}:${pack}`;
    expect((await gw.call("DELETE", path, { key: writer, headers: withKey(key) })).status).toBe(502);
    const retry = await gw.call("DELETE", path, { key: writer, headers: withKey(key) });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    const again = await gw.call("DELETE", path, { key: writer, headers: withKey(key) });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(gw.sims.cloudflare.count("DELETE")).toBe(2);
  });

  it("a refusal (4xx) is not kept: the key is free for the retry, which runs again", async () => {
    const gw = gateway();
    const pack = packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");
    const key = newKey();
    const path = `/v1/certificates/cloudflare:${EXAMPLE}:${pack}/validate`;
    const first = await gw.call("POST", path, { key: writer, headers: withKey(key) });
    expect(first.status).toBe(409);
    const reads = gw.sims.cloudflare.count("GET");
    const again = await gw.call("POST", path, { key: writer, headers: withKey(key) });
    expect(again.status).toBe(409);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    expect(gw.sims.cloudflare.count("GET")).toBe(reads + 1);
  });
});

describe("what is stored: a digest of the request, never the request", () => {
  it("an import's private key is nowhere in the caller's idempotency rows", async () => {
    const gw = gateway();
    const key = newKey();
    const res = await gw.call("POST", `${gjCerts()}/import`, {
      key: writer,
      headers: withKey(key),
      body: {
        certificateBody: SAMPLE_CERTIFICATE,
        certificatePrivateKey: SAMPLE_PRIVATE_KEY,
        certificateChain: SAMPLE_CHAIN,
        scopeId: 1,
      },
    });
    expect(res.status).toBe(200);
    const rows = await runInDurableObject(storeOf("writer"), (_o, state) =>
      state.storage.sql.exec("SELECT * FROM records WHERE key = ?", key).toArray(),
    );
    expect(rows).toHaveLength(1);
    const row = rows[0] ?? {};
    expect(row.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const stored = JSON.stringify(
      Object.values(row).map((v) => (v instanceof ArrayBuffer ? new TextDecoder().decode(v) : v)),
    );
    // The whole PEM, its base64 content, and any 16-character run of it.
    for (const secret of secretValues(SAMPLE_PRIVATE_KEY)) {
      expect(stored).not.toContain(secret);
      for (let i = 0; i + 16 <= secret.length; i += 16) expect(stored).not.toContain(secret.slice(i, i + 16));
    }
    expect(stored).not.toContain("PRIVATE KEY");
  });
});

describe("IDEMPOTENCY_REQUIRED and the header's shape", () => {
  it("required: a write without a key is 400 (validation_failed, the header named); reads need none", async () => {
    const gw = gateway({ IDEMPOTENCY_REQUIRED: "true" });
    const res = await gw.json<{ errors: Array<Record<string, unknown>> }>("POST", `${cfPacks()}/order`, {
      key: writer,
      body: ORDER,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({
      code: 71002,
      certgate_code: "validation_failed",
      fields: [{ path: "header.Idempotency-Key", message: "required" }],
    });
    expect(gw.upstreamCalls()).toBe(0);
    const unified = await gw.json<{ errors: Array<{ code: string }> }>(
      "DELETE",
      `/v1/certificates/cloudflare:${EXAMPLE}:${"a".repeat(32)}`,
      {
        key: writer,
      },
    );
    expect(unified.status).toBe(400);
    expect(unified.body.errors[0]?.code).toBe("validation_failed");
    expect((await gw.call("GET", cfPacks(), { key: writer })).status).toBe(200);
    const withOne = await gw.call("POST", `${cfPacks()}/order`, {
      key: writer,
      body: ORDER,
      headers: withKey(newKey()),
    });
    expect(withOne.status).toBe(200);
  });

  it("off (the default): a write without a key runs as before", async () => {
    const gw = gateway();
    expect((await gw.call("POST", `${cfPacks()}/order`, { key: writer, body: ORDER })).status).toBe(200);
  });

  it.each([
    ["empty", ""],
    ["too long", "k".repeat(256)],
    ["a control character", "a\tb"],
    ["a broken sf-string", '"abc'],
    ["an sf-string with a bad escape", '"a\\nb"'],
  ])("%s: 400 before anything is sent", async (_name, value) => {
    const gw = gateway();
    const res = await gw.json<{ errors: Array<{ code: string; fields?: unknown }> }>(
      "POST",
      "/v1/certificates",
      {
        key: writer,
        body: UNIFIED_ORDER,
        headers: { "Idempotency-Key": value },
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: "validation_failed" });
    expect(gw.upstreamCalls()).toBe(0);
  });
});

describe("the read path is free of it", () => {
  it("a read with an Idempotency-Key touches no idempotency store", async () => {
    const gw = gateway();
    const before = (await listDurableObjectIds(env.IDEMPOTENCY)).map(String);
    const reader = ROUTE_KEYS.reader;
    const res = await gw.call("GET", cfPacks(), { key: reader, headers: withKey(newKey()) });
    expect(res.status).toBe(200);
    const cached = await gw.call("GET", cfPacks(), { key: reader, headers: withKey(newKey()) });
    expect(cached.headers.get("x-cache")).toBe("HIT");
    const after = (await listDurableObjectIds(env.IDEMPOTENCY)).map(String);
    expect(after).toEqual(before);
    expect(after).not.toContain(String(env.IDEMPOTENCY.idFromName("api_key:reader")));
  });

  it("a caller lacking the permission never consumes a key", async () => {
    const gw = gateway();
    const key = newKey();
    const refused = await gw.call("POST", `${cfPacks()}/order`, {
      key: ROUTE_KEYS.reader,
      body: ORDER,
      headers: withKey(key),
    });
    expect(refused.status).toBe(403);
    const ids = (await listDurableObjectIds(env.IDEMPOTENCY)).map(String);
    expect(ids).not.toContain(String(env.IDEMPOTENCY.idFromName("api_key:reader")));
  });
});
