/**
 * Freshness: HIT within the fresh window, STALE served at once and refreshed through waitUntil
 * (RFC 5861 §3), stale-if-error (RFC 5861 §4), MISS beyond the stale window, BYPASS for no-cache.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cacheKey, createListCache } from "../../src/cache";
import { AppError } from "../../src/errors";
import { harness, items, loader, request, seed, uniqueKey } from "./helpers";

const down = () =>
  new AppError("upstream_unavailable", "Cloudflare answered 503", { provider: "cloudflare" });

describe("list cache: freshness", () => {
  it("MISS loads upstream and stores the list; the next read is a HIT without an upstream call", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    const up = loader(items("a", "b"));

    const first = await cache.read(h.ctx, request(key, up.load));
    expect(first).toMatchObject({ outcome: "MISS", items: items("a", "b"), ageSeconds: 0, stale: false });
    expect(first.refreshFailed).toBe(false);
    await h.flush();

    h.deps.clock.advance(30_500);
    const second = await cache.read(h.ctx, request(key, up.load));
    expect(second).toMatchObject({ outcome: "HIT", items: items("a", "b"), ageSeconds: 30, stale: false });
    expect(second.fetchedAt).toBe(first.fetchedAt);
    expect(up.calls).toBe(1);
  });

  it("a new isolate (new cache object) reads what another one stored", async () => {
    const h = harness();
    const key = uniqueKey("gjirafa");
    await createListCache().read(h.ctx, request(key, loader(items("p")).load));
    await h.flush();
    const other = loader(items("never"));
    const read = await createListCache().read(h.ctx, request(key, other.load));
    expect(read).toMatchObject({ outcome: "HIT", items: items("p") });
    expect(other.calls).toBe(0);
  });

  it("the last second of the fresh window is a HIT, the first stale second is STALE", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    const now = h.deps.now();
    await seed(cacheKey(key), items("old"), now - 59_999);
    const up = loader(items("new"));
    expect((await cache.read(h.ctx, request(key, up.load))).outcome).toBe("HIT");
    h.deps.clock.advance(1);
    expect((await cache.read(h.ctx, request(key, up.load))).outcome).toBe("STALE");
  });

  it("STALE: served at once from KV, refreshed through waitUntil, and the next read is fresh", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    await seed(cacheKey(key), items("old"), h.deps.now() - 120_000);
    const up = loader(items("new"));

    const read = await cache.read(h.ctx, request(key, up.load));
    expect(read).toMatchObject({ outcome: "STALE", items: items("old"), ageSeconds: 120, stale: true });
    expect(read.refreshFailed).toBe(false);

    await h.flush();
    expect(up.calls).toBe(1);
    const next = await cache.read(h.ctx, request(key, up.load));
    expect(next).toMatchObject({ outcome: "HIT", items: items("new"), ageSeconds: 0 });
    expect(up.calls).toBe(1);
  });

  it("a failed background refresh is logged, and later STALE reads report it (refreshFailed + error)", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    await seed(cacheKey(key), items("old"), h.deps.now() - 120_000);
    const error = down();
    const up = loader<{ id: string; name: string }>(error);

    const first = await cache.read(h.ctx, request(key, up.load));
    expect(first).toMatchObject({ outcome: "STALE", items: items("old"), refreshFailed: false });
    await h.flush();
    expect(h.warnings().map((r) => r.event)).toContain("cache_refresh_failed");

    const second = await cache.read(h.ctx, request(key, up.load));
    expect(second).toMatchObject({ outcome: "STALE", items: items("old"), refreshFailed: true, error });
    await h.flush();
    expect(up.calls).toBe(2); // no Retry-After: every stale read may try once (coalesced)

    up.answer = items("back");
    await cache.read(h.ctx, request(key, up.load));
    await h.flush();
    expect(await cache.read(h.ctx, request(key, up.load))).toMatchObject({
      outcome: "HIT",
      items: items("back"),
    });
  });

  it("an upstream Retry-After holds off background refreshes of that scope until it passes", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    await seed(cacheKey(key), items("old"), h.deps.now() - 120_000);
    const limited = new AppError("upstream_rate_limited", "Cloudflare rate limit", { retry_after: 300 });
    const up = loader<{ id: string; name: string }>(limited);

    await cache.read(h.ctx, request(key, up.load));
    await h.flush();
    for (let i = 0; i < 5; i++) {
      h.deps.clock.advance(10_000);
      expect(await cache.read(h.ctx, request(key, up.load))).toMatchObject({
        outcome: "STALE",
        error: limited,
      });
      await h.flush();
    }
    expect(up.calls).toBe(1);
    h.deps.clock.advance(300_000);
    await cache.read(h.ctx, request(key, up.load));
    await h.flush();
    expect(up.calls).toBe(2);
  });

  it("beyond the stale window the entry is not used: MISS, and an upstream error propagates", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    await seed(cacheKey(key), items("ancient"), h.deps.now() - 3_600_000);
    const error = down();
    await expect(
      cache.read(h.ctx, request(key, loader<{ id: string; name: string }>(error).load)),
    ).rejects.toBe(error);
    const ok = await cache.read(h.ctx, request(key, loader(items("new")).load));
    expect(ok).toMatchObject({ outcome: "MISS", items: items("new") });
  });

  it("nothing cached and the upstream failing: the error propagates and nothing is stored", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    const error = down();
    await expect(
      cache.read(h.ctx, request(key, loader<{ id: string; name: string }>(error).load)),
    ).rejects.toBe(error);
    await h.flush();
    expect(await env.CACHE.get(cacheKey(key))).toBeNull();
  });
});

describe("list cache: bypass (Cache-Control: no-cache)", () => {
  it("goes upstream even when KV is fresh, answers BYPASS, and updates KV", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    await seed(cacheKey(key), items("cached"), h.deps.now() - 5_000);
    const up = loader(items("live"));

    const read = await cache.read(h.ctx, request(key, up.load, true));
    expect(read).toMatchObject({ outcome: "BYPASS", items: items("live"), ageSeconds: 0, stale: false });
    expect(up.calls).toBe(1);
    await h.flush();
    expect(await cache.read(h.ctx, request(key, up.load))).toMatchObject({
      outcome: "HIT",
      items: items("live"),
    });
  });

  it("upstream failing with a copy within the stale window: that copy, STALE, refreshFailed, error", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    await seed(cacheKey(key), items("cached"), h.deps.now() - 600_000);
    const error = down();
    const read = await cache.read(
      h.ctx,
      request(key, loader<{ id: string; name: string }>(error).load, true),
    );
    expect(read).toMatchObject({
      outcome: "STALE",
      items: items("cached"),
      ageSeconds: 600,
      stale: true,
      refreshFailed: true,
      error,
    });
    expect(h.warnings().map((r) => r.event)).toContain("cache_stale_if_error");
  });

  it("upstream failing and the copy beyond the stale window: the error propagates", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    await seed(cacheKey(key), items("cached"), h.deps.now() - 3_700_000);
    const error = down();
    await expect(
      cache.read(h.ctx, request(key, loader<{ id: string; name: string }>(error).load, true)),
    ).rejects.toBe(error);
  });
});

describe("list cache: misbehaving loaders", () => {
  it("a load that throws synchronously during a background refresh does not fail the STALE read", async () => {
    const cache = createListCache();
    const h = harness();
    const key = uniqueKey();
    await seed(cacheKey(key), items("old"), h.deps.now() - 120_000);
    const load = (): Promise<Array<{ id: string; name: string }>> => {
      throw new Error("boom");
    };
    expect(await cache.read(h.ctx, request(key, load))).toMatchObject({
      outcome: "STALE",
      items: items("old"),
    });
    await h.flush();
    expect(h.warnings().map((r) => r.event)).toContain("cache_refresh_failed");
  });
});
