/**
 * What is stored and what is refused: the entry format, corrupt entries, size and TTL.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cacheKey, createListCache } from "../../src/cache";
import { faultyKv, harness, items, loader, parseItem, request, uniqueKey } from "./helpers";

describe("list cache: entry format", () => {
  it("stores compact JSON {v:1, fetched_at, items} with expirationTtl = stale window + 60 s", async () => {
    const cache = createListCache();
    const { kv, puts } = faultyKv({});
    const h = harness(kv);
    const key = uniqueKey();
    await cache.read(h.ctx, request(key, loader(items("a")).load));
    await h.flush();
    const text = await env.CACHE.get(cacheKey(key));
    expect(text).toBe(JSON.stringify({ v: 1, fetched_at: h.deps.now(), items: items("a") }));
    expect(puts).toEqual([{ key: cacheKey(key), options: { expirationTtl: 3_660 } }]);
  });

  it("expirationTtl never goes below KV's 60 s minimum", async () => {
    const cache = createListCache();
    const { kv, puts } = faultyKv({});
    const h = harness(kv);
    h.ctx.windows = { freshSeconds: 0, staleSeconds: 0 };
    await cache.read(h.ctx, request(uniqueKey(), loader(items("a")).load));
    await h.flush();
    expect(puts[0]?.options).toEqual({ expirationTtl: 60 });
  });

  it.each([
    ["not JSON", "{not json", "not_json"],
    ["JSON of the wrong shape", JSON.stringify({ v: 1, items: [] }), "bad_shape"],
    ["JSON null", "null", "bad_shape"],
    ["another version", JSON.stringify({ v: 2, fetched_at: 0, items: [] }), "wrong_version"],
    ["an item failing parse", JSON.stringify({ v: 1, fetched_at: 1, items: [{ id: 1 }] }), "invalid_item"],
  ])("an entry that is %s is a MISS, logged, and replaced", async (_, text, reason) => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    // Fresh by its timestamp where it has one: only the content makes it unusable.
    await env.CACHE.put(cacheKey(key), text.replace('"fetched_at":1', `"fetched_at":${h.deps.now()}`));
    const up = loader(items("good"));
    expect(await cache.read(h.ctx, request(key, up.load))).toMatchObject({
      outcome: "MISS",
      items: items("good"),
    });
    expect(h.warnings()).toContainEqual(expect.objectContaining({ event: "cache_entry_invalid", reason }));
    await h.flush();
    expect(JSON.parse((await env.CACHE.get(cacheKey(key))) ?? "null")).toMatchObject({
      v: 1,
      items: items("good"),
    });
    expect((await cache.read(h.ctx, request(key, up.load))).outcome).toBe("HIT");
  });

  it("a loaded list with an item its parse rejects is served but not stored", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    const bad = [{ id: "1", name: "ok" }, { id: 2 }] as unknown as ReturnType<typeof items>;
    expect(await cache.read(h.ctx, request(key, loader(bad).load))).toMatchObject({
      outcome: "MISS",
      items: bad,
    });
    await h.flush();
    expect(h.warnings()).toContainEqual(
      expect.objectContaining({ event: "cache_store_skipped", reason: "invalid_item" }),
    );
    expect(await env.CACHE.get(cacheKey(key))).toBeNull();
  });

  it("a list above the size bound is served but not stored (KV's limit is 25 MiB)", async () => {
    const cache = createListCache({ maxEntryBytes: 1_000 });
    const h = harness();
    const key = uniqueKey();
    const big = items(
      ..."x"
        .repeat(60)
        .split("")
        .map((_, i) => `certificate-${i}`),
    );
    expect((await cache.read(h.ctx, request(key, loader(big).load))).items).toHaveLength(60);
    await h.flush();
    expect(h.warnings()).toContainEqual(
      expect.objectContaining({ event: "cache_store_skipped", reason: "too_large" }),
    );
    expect(await env.CACHE.get(cacheKey(key))).toBeNull();
  });

  it("store() writes a list fetched elsewhere (the monitor) and reads serve it", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey("gjirafa");
    const fetchedAt = h.deps.now() - 10_000;
    expect(await cache.store(h.ctx, { key, items: items("m"), parse: parseItem, fetchedAt })).toBe("stored");
    const up = loader(items("unused"));
    expect(await cache.read(h.ctx, request(key, up.load))).toMatchObject({
      outcome: "HIT",
      items: items("m"),
      ageSeconds: 10,
      fetchedAt,
    });
    expect(up.calls).toBe(0);
  });

  it("store() refuses invalid items and reports KV failures instead of throwing", async () => {
    const cache = createListCache();
    const h = harness(faultyKv({ put: "throw" }).kv);
    const key = uniqueKey();
    const now = h.deps.now();
    const bad = [{ id: 7 }] as unknown as ReturnType<typeof items>;
    expect(await cache.store(h.ctx, { key, items: bad, parse: parseItem, fetchedAt: now })).toBe(
      "skipped_invalid",
    );
    expect(await cache.store(h.ctx, { key, items: items("a"), parse: parseItem, fetchedAt: now })).toBe(
      "failed",
    );
  });

  it("log lines never carry the cached items", async () => {
    const cache = createListCache();
    const h = harness(faultyKv({ put: "throw" }).kv);
    await cache.read(h.ctx, request(uniqueKey(), loader(items("secret-looking-host.example")).load));
    await h.flush();
    expect(JSON.stringify(h.deps.logs)).not.toContain("secret-looking-host");
  });
});
