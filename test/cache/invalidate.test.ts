/**
 * Invalidation after a write through certgate, and its race with a list already in flight.
 */
import { env } from "cloudflare:test";
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
  parseItem,
  request,
  seed,
  tick,
  uniqueKey,
} from "./helpers";

describe("list cache: invalidation", () => {
  it("after invalidate the next read is a MISS with the new data", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    const up = loader(items("before"));
    await cache.read(h.ctx, request(key, up.load));
    await h.flush();
    expect((await cache.read(h.ctx, request(key, up.load))).outcome).toBe("HIT");

    up.answer = items("before", "created");
    h.deps.clock.advance(1_000); // the write's own upstream call takes time
    expect(await cache.invalidate(h.ctx, key)).toBe(true);
    expect(await env.CACHE.get(cacheKey(key))).toBeNull();

    const next = await cache.read(h.ctx, request(key, up.load));
    expect(next).toMatchObject({ outcome: "MISS", items: items("before", "created") });
    await h.flush();
    expect(await cache.read(h.ctx, request(key, up.load))).toMatchObject({
      outcome: "HIT",
      items: next.items,
    });
    expect(up.calls).toBe(2);
  });

  it("a list in flight before the write is neither shared after the invalidation nor stored over it", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    const up = deferredLoader<Item>();

    // 1. A list starts before the write; its upstream answer (pre-write) is still on the way.
    const before = cache.read(h.ctx, request(key, up.load));
    await tick();
    expect(up.calls).toHaveLength(1);

    // 2. The write succeeds upstream and invalidates in the same request.
    h.deps.clock.advance(500);
    await cache.invalidate(h.ctx, key);

    // 3. A list after the write does not join the pre-write load: it makes its own call.
    const after = cache.read(h.ctx, request(key, up.load));
    await tick();
    expect(up.calls).toHaveLength(2);

    // 4. The pre-write answer arrives last-but-one; the post-write answer after it.
    up.calls[0]?.resolve(items("pre-write"));
    up.calls[1]?.resolve(items("pre-write", "written"));
    expect(await before).toMatchObject({ outcome: "MISS", items: items("pre-write") });
    expect(await after).toMatchObject({ outcome: "MISS", items: items("pre-write", "written") });
    await h.flush();

    // 5. KV holds the post-write list, and reads serve it.
    const fresh = loader(items("unused"));
    expect(await cache.read(h.ctx, request(key, fresh.load))).toMatchObject({
      outcome: "HIT",
      items: items("pre-write", "written"),
    });
    expect(fresh.calls).toBe(0);
  });

  it("a pre-write load finishing after the invalidation, with no read since, leaves KV empty", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    const up = deferredLoader<Item>();
    const before = cache.read(h.ctx, request(key, up.load));
    await tick();
    await cache.invalidate(h.ctx, key);
    up.calls[0]?.resolve(items("pre-write"));
    await before;
    await h.flush();
    expect(await env.CACHE.get(cacheKey(key))).toBeNull();
  });

  it("a failed KV delete returns false and is logged; this isolate still does not serve the old list", async () => {
    const cache = createListCache();
    const { kv } = faultyKv({ delete: "throw" });
    const h = harness(kv);
    const key = uniqueKey();
    await seed(cacheKey(key), items("old"), h.deps.now() - 1_000);
    h.deps.clock.advance(200);

    expect(await cache.invalidate(h.ctx, key)).toBe(false);
    expect(h.warnings()).toEqual([
      expect.objectContaining({
        event: "cache_invalidate_failed",
        cache_key: cacheKey(key),
        reason: "error",
      }),
    ]);
    const up = loader(items("new"));
    expect(await cache.read(h.ctx, request(key, up.load))).toMatchObject({
      outcome: "MISS",
      items: items("new"),
    });
  });

  it("the monitor's store of a list fetched before an invalidation is skipped", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    const startedAt = h.deps.now();
    h.deps.clock.advance(2_000);
    await cache.invalidate(h.ctx, key);
    const stored = await cache.store(h.ctx, {
      key,
      items: items("pre-write"),
      parse: request(key, loader([]).load).parse,
      fetchedAt: startedAt,
    });
    expect(stored).toBe("skipped_invalidated");
    expect(await env.CACHE.get(cacheKey(key))).toBeNull();
  });

  it("invalidating one scope leaves the others cached", async () => {
    const cache = createListCache();
    const h = harness();
    const [a, b] = [uniqueKey(), uniqueKey()];
    await cache.read(h.ctx, request(a, loader(items("a")).load));
    await cache.read(h.ctx, request(b, loader(items("b")).load));
    await h.flush();
    await cache.invalidate(h.ctx, a);
    expect((await cache.read(h.ctx, request(b, loader(items("x")).load))).outcome).toBe("HIT");
    expect((await cache.read(h.ctx, request(a, loader(items("x")).load))).outcome).toBe("MISS");
  });
});

describe("list cache: invalidation races", () => {
  it("an invalidation landing while a loaded list is validated for storage still wins", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    let armed = true;
    let invalidation: Promise<boolean> | undefined;
    const parse = (value: unknown) => {
      if (armed) {
        armed = false;
        invalidation = cache.invalidate(h.ctx, key); // a write's invalidation, mid-validation
      }
      return parseItem(value);
    };
    await cache.read(h.ctx, { key, load: loader(items("pre-write")).load, parse });
    await h.flush();
    await invalidation;
    expect(await env.CACHE.get(cacheKey(key))).toBeNull();
  });

  it("a pre-write list stored by another isolate after this one invalidated is not served here", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    const writeAt = h.deps.now();
    await cache.invalidate(h.ctx, key);
    // Another isolate's load started before the write and stored after the delete.
    await seed(cacheKey(key), items("pre-write"), writeAt - 400);
    h.deps.clock.advance(100);
    const up = loader(items("post-write"));
    expect(await cache.read(h.ctx, request(key, up.load))).toMatchObject({
      outcome: "MISS",
      items: items("post-write"),
    });
  });

  it("an entry this isolate invalidated remains a stale-if-error fallback when the upstream fails", async () => {
    const cache = createListCache();
    const h = harness(faultyKv({ delete: "throw" }).kv);
    const key = uniqueKey();
    await seed(cacheKey(key), items("old"), h.deps.now() - 1_000);
    h.deps.clock.advance(100);
    await cache.invalidate(h.ctx, key);
    const error = new AppError("upstream_unavailable", "down");
    expect(await cache.read(h.ctx, request(key, loader<Item>(error).load))).toMatchObject({
      outcome: "STALE",
      items: items("old"),
      refreshFailed: true,
      error,
    });
  });
});

describe("list cache: the previous list handed to loads", () => {
  it("a load after an invalidation still gets the last list as a hint (never served)", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    const seen: Array<readonly Item[] | null> = [];
    const load = async (previous: readonly Item[] | null) => {
      seen.push(previous);
      return items(`v${seen.length}`);
    };
    await cache.read(h.ctx, { key, load, parse: parseItem });
    await h.flush();
    h.deps.clock.advance(1_000);
    await cache.invalidate(h.ctx, key);
    const after = await cache.read(h.ctx, { key, load, parse: parseItem });
    expect(after).toMatchObject({ outcome: "MISS", items: items("v2") });
    expect(seen).toEqual([null, items("v1")]);
  });
});
