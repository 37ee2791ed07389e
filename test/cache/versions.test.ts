/**
 * What the answers memo relies on (src/http/answers.ts): each entry a read serves has a version, the same
 * while the entry is the same and new when it changes; an older KV copy (a write in flight or refused,
 * KV's edge cache under `cacheTtl`) never replaces the list this isolate loaded; `cacheTtl` reaches KV
 * only when configured.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cacheKey, createListCache } from "../../src/cache";
import { harness, items, loader, request, seed, uniqueKey } from "./helpers";

describe("entry versions", () => {
  it("stay while the entry stays, change with a load, a write elsewhere, and an invalidation", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    const up = loader(items("a"));
    const first = await cache.read(h.ctx, request(key, up.load));
    await h.flush();
    h.deps.clock.advance(1_000);
    const hit = await cache.read(h.ctx, request(key, up.load));
    expect(hit.outcome).toBe("HIT");
    expect(hit.version).toBe(first.version);

    // Another isolate stored a newer list: a new version.
    await seed(cacheKey(key), items("b"), h.deps.now());
    const elsewhere = await cache.read(h.ctx, request(key, up.load));
    expect(elsewhere.items).toEqual(items("b"));
    expect(elsewhere.version).not.toBe(first.version);

    // A write here invalidates: the next read loads, a new version again.
    await cache.invalidate(h.ctx, key);
    h.deps.clock.advance(1);
    up.answer = items("c");
    const reloaded = await cache.read(h.ctx, request(key, up.load));
    expect(reloaded.outcome).toBe("MISS");
    expect(new Set([first.version, elsewhere.version, reloaded.version]).size).toBe(3);
  });

  it("an older KV copy does not replace the list this isolate loaded, nor is it served over it", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    const loaded = await cache.read(h.ctx, request(key, loader(items("new")).load));
    await h.flush();
    // KV shows an older list again (its edge cache, or another isolate's late write of older data).
    await seed(cacheKey(key), items("older"), loaded.fetchedAt - 10_000);
    for (let i = 0; i < 2; i++) {
      const read = await cache.read(h.ctx, request(key, loader(items("never")).load));
      expect(read).toMatchObject({ outcome: "HIT", items: items("new"), version: loaded.version });
      expect((await cache.peek(h.ctx, key, (v) => v))?.items).toEqual(items("new"));
    }
  });
});

describe("KV cacheTtl", () => {
  it.each([
    { kvCacheTtl: undefined, passed: undefined },
    { kvCacheTtl: 0, passed: undefined },
    { kvCacheTtl: 60, passed: 60 },
    { kvCacheTtl: 300, passed: 300 },
  ])("configured $kvCacheTtl: get passes $passed", async ({ kvCacheTtl, passed }) => {
    const seen: unknown[] = [];
    const kv = new Proxy(env.CACHE, {
      get(target, prop) {
        if (prop === "get") {
          return (k: string, options: unknown) => {
            seen.push(typeof options === "object" && options !== null ? options : { type: options });
            return target.get(k, "text");
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const h = harness(kv);
    const ctx = kvCacheTtl === undefined ? h.ctx : { ...h.ctx, kvCacheTtl };
    await createListCache().read(ctx, request(uniqueKey(), loader(items("a")).load));
    expect(seen).toEqual([passed === undefined ? { type: "text" } : { type: "text", cacheTtl: passed }]);
  });
});
