import { env } from "cloudflare:test";
/**
 * Coalescing: concurrent reads of one scope in one isolate make one upstream call.
 */
import { describe, expect, it } from "vitest";
import { cacheKey, createListCache } from "../../src/cache";
import { AppError } from "../../src/errors";
import {
  deferredLoader,
  faultyKv,
  harness,
  type Item,
  items,
  loader,
  request,
  seed,
  tick,
  uniqueKey,
  until,
} from "./helpers";

describe("list cache: coalescing", () => {
  it("50 concurrent misses of one scope make exactly one upstream call and all get its list", async () => {
    const cache = createListCache();
    const { kv, gets } = faultyKv({});
    const h = harness(kv);
    const key = uniqueKey();
    const up = deferredLoader<Item>();
    const reads = Promise.all(Array.from({ length: 50 }, () => cache.read(h.ctx, request(key, up.load))));
    // Every read has looked in KV (empty) and reached the load before the upstream answers.
    await until(() => gets.done === 50);
    await tick();
    expect(up.calls).toHaveLength(1);
    up.calls[0]?.resolve(items("a", "b", "c"));
    for (const r of await reads) expect(r).toMatchObject({ outcome: "MISS", items: items("a", "b", "c") });
    expect(up.calls).toHaveLength(1);
  });

  it("different scopes are not coalesced", async () => {
    const cache = createListCache();
    const h = harness();
    const keys = [uniqueKey("cloudflare"), uniqueKey("cloudflare"), uniqueKey("gjirafa")];
    const loaders = keys.map((_, i) => loader(items(`scope-${i}`)));
    const reads = await Promise.all(
      keys.flatMap((key, i) =>
        Array.from({ length: 10 }, () =>
          cache.read(h.ctx, request(key, loaders[i]?.load ?? (async () => []))),
        ),
      ),
    );
    expect(loaders.map((l) => l.calls)).toEqual([1, 1, 1]);
    expect(reads[0]?.items).toEqual(items("scope-0"));
    expect(reads[29]?.items).toEqual(items("scope-2"));
  });

  it("different cache objects (isolates) do not share loads", async () => {
    const h = harness();
    const key = uniqueKey();
    const up = loader(items("a"));
    await Promise.all(
      [createListCache(), createListCache()].map((c) => c.read(h.ctx, request(key, up.load))),
    );
    expect(up.calls).toBe(2);
  });

  it("20 concurrent STALE reads start one background refresh", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    await seed(cacheKey(key), items("old"), h.deps.now() - 300_000);
    const up = deferredLoader<Item>();
    const reads = await Promise.all(
      Array.from({ length: 20 }, () => cache.read(h.ctx, request(key, up.load))),
    );
    for (const r of reads) expect(r).toMatchObject({ outcome: "STALE", items: items("old") });
    expect(up.calls).toHaveLength(1);
    up.calls[0]?.resolve(items("new"));
    await h.flush();
    expect(await cache.read(h.ctx, request(key, up.load))).toMatchObject({
      outcome: "HIT",
      items: items("new"),
    });
    expect(up.calls).toHaveLength(1);
  });

  it("a no-cache read during a background refresh joins it instead of calling again", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    await seed(cacheKey(key), items("old"), h.deps.now() - 300_000);
    const up = deferredLoader<Item>();
    await cache.read(h.ctx, request(key, up.load));
    const bypass = cache.read(h.ctx, request(key, up.load, true));
    await tick();
    expect(up.calls).toHaveLength(1);
    up.calls[0]?.resolve(items("new"));
    expect(await bypass).toMatchObject({ outcome: "BYPASS", items: items("new") });
  });

  it("a no-cache read after the upstream answered goes upstream again, even while that answer is being stored", async () => {
    const cache = createListCache();
    let releasePut: () => void = () => undefined;
    const slowPuts: KVNamespace = Object.assign(Object.create(env.CACHE), {
      get: env.CACHE.get.bind(env.CACHE),
      put: (...args: Parameters<KVNamespace["put"]>) =>
        new Promise<void>((resolve) => {
          releasePut = () => resolve(env.CACHE.put(...args));
        }),
    });
    const h = harness(slowPuts);
    const key = uniqueKey();
    const up = loader(items("first"));
    expect(await cache.read(h.ctx, request(key, up.load))).toMatchObject({ outcome: "MISS" });
    up.answer = items("second");
    // The first load's KV write is still pending; RFC 9111 §5.2.1.4: no-cache must reach the origin.
    expect(await cache.read(h.ctx, request(key, up.load, true))).toMatchObject({
      outcome: "BYPASS",
      items: items("second"),
    });
    expect(up.calls).toBe(2);
    releasePut();
  });

  it("concurrent waiters share a failure; the next read tries again (errors are never cached)", async () => {
    const cache = createListCache();
    const { kv, gets } = faultyKv({});
    const h = harness(kv);
    const key = uniqueKey();
    const error = new AppError("upstream_unavailable", "down");
    const up = deferredLoader<Item>();
    const reads = Promise.allSettled(
      Array.from({ length: 5 }, () => cache.read(h.ctx, request(key, up.load))),
    );
    await until(() => gets.done === 5);
    await tick();
    up.calls[0]?.reject(error);
    expect((await reads).every((r) => r.status === "rejected" && r.reason === error)).toBe(true);
    expect(up.calls).toHaveLength(1);
    await h.flush();

    const next = cache.read(h.ctx, request(key, up.load));
    await until(() => up.calls.length === 2);
    up.calls[1]?.resolve(items("ok"));
    expect(await next).toMatchObject({ outcome: "MISS", items: items("ok") });
  });

  it("a load refused for its starter's own allowance (rate_limited) is not shared: a waiter loads with its own", async () => {
    const cache = createListCache();
    const { kv, gets } = faultyKv({});
    const h = harness(kv);
    const key = uniqueKey();
    const noisy = deferredLoader<Item>();
    const polite = loader(items("polite"));
    const first = cache.read(h.ctx, request(key, noisy.load));
    const second = cache.read(h.ctx, request(key, polite.load));
    await until(() => gets.done === 2 && noisy.calls.length === 1);
    await tick();
    expect(polite.calls).toBe(0); // it joined the noisy key's load
    noisy.calls[0]?.reject(new AppError("rate_limited", "over its allowance", { retry_after: 30 }));
    await expect(first).rejects.toMatchObject({ code: "rate_limited" });
    expect(await second).toMatchObject({ outcome: "MISS", items: items("polite") });
    expect(polite.calls).toBe(1);
  });

  it("a caller over its own allowance gets its 429, not a stale copy; the scope's refreshes are not held off", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    await seed(cacheKey(key), items("old"), h.deps.now() - 120_000);
    const refused = loader<Item>(new AppError("rate_limited", "over its allowance", { retry_after: 30 }));
    await expect(cache.read(h.ctx, request(key, refused.load, true))).rejects.toMatchObject({
      code: "rate_limited",
    });
    // Another caller's STALE read refreshes at once: the refusal said nothing about the scope.
    const other = loader(items("new"));
    expect(await cache.read(h.ctx, request(key, other.load))).toMatchObject({ outcome: "STALE" });
    await h.flush();
    expect(other.calls).toBe(1);
  });
});
