/**
 * KV failures degrade to the upstream path with a warn log, never an error of their own
 * (domain.md: a 2025 outage failed most KV requests).
 */
import { describe, expect, it } from "vitest";
import { cacheKey, createListCache } from "../../src/cache";
import { AppError } from "../../src/errors";
import {
  faultyKv,
  harness,
  type Item,
  items,
  loader,
  manualTimer,
  request,
  seed,
  tick,
  uniqueKey,
} from "./helpers";

describe("list cache: KV faults", () => {
  it.each([
    ["throws", "throw", "error"],
    ["answers 429", "rate_limit", "rate_limited"],
  ] as const)(
    "KV get that %s: the list comes from upstream (MISS) and a warning is logged",
    async (_, fault, reason) => {
      const cache = createListCache();
      const h = harness(faultyKv({ get: fault }).kv);
      const key = uniqueKey();
      const up = loader(items("live"));
      expect(await cache.read(h.ctx, request(key, up.load))).toMatchObject({
        outcome: "MISS",
        items: items("live"),
      });
      expect(h.warnings()).toContainEqual(
        expect.objectContaining({
          event: "cache_kv_failed",
          op: "get",
          reason,
          cache_key: cacheKey(key),
        }),
      );
    },
  );

  it.each([
    ["throws", "throw", "error"],
    ["hits the 1 write/s/key limit (429)", "rate_limit", "rate_limited"],
  ] as const)(
    "KV put that %s is logged and ignored; the caller still gets the list",
    async (_, fault, reason) => {
      const cache = createListCache();
      const { kv, puts } = faultyKv({ put: fault });
      const h = harness(kv);
      const key = uniqueKey();
      const up = loader(items("live"));
      expect(await cache.read(h.ctx, request(key, up.load))).toMatchObject({
        outcome: "MISS",
        items: items("live"),
      });
      await h.flush();
      expect(puts).toHaveLength(1);
      expect(h.warnings()).toEqual([
        expect.objectContaining({ event: "cache_kv_failed", op: "put", reason }),
      ]);
      // Nothing was stored, so the next read loads again.
      expect((await cache.read(h.ctx, request(key, up.load))).outcome).toBe("MISS");
    },
  );

  it("a hanging KV get is cut off at the 1 s bound and the read goes upstream", async () => {
    const timer = manualTimer();
    const cache = createListCache({ timer: timer.timer });
    const h = harness(faultyKv({ get: "hang" }).kv);
    const key = uniqueKey();
    const up = loader(items("live"));
    const read = cache.read(h.ctx, request(key, up.load));
    await tick();
    expect(up.calls).toBe(0); // still waiting on KV
    expect(timer.armed.map((t) => t.ms)).toEqual([1_000]);
    timer.fireAll();
    expect(await read).toMatchObject({ outcome: "MISS", items: items("live") });
    expect(h.warnings()).toContainEqual(expect.objectContaining({ op: "get", reason: "timeout" }));
  });

  it("a hanging KV put does not delay the response (it runs in waitUntil) and is cut off", async () => {
    const timer = manualTimer();
    const cache = createListCache({ timer: timer.timer, kvTimeoutMs: 250 });
    const h = harness(faultyKv({ put: "hang" }).kv);
    const key = uniqueKey();
    expect(await cache.read(h.ctx, request(key, loader(items("live")).load))).toMatchObject({
      outcome: "MISS",
    });
    await tick();
    expect(timer.armed.map((t) => t.ms)).toEqual([250, 250]); // get (cancelled), put (pending)
    timer.fireAll();
    await h.flush();
    expect(h.warnings()).toContainEqual(expect.objectContaining({ op: "put", reason: "timeout" }));
  });

  it("a hanging KV get on a bypass fallback still answers with the upstream error", async () => {
    const timer = manualTimer();
    const cache = createListCache({ timer: timer.timer });
    const h = harness(faultyKv({ get: "hang" }).kv);
    const error = new AppError("upstream_timeout", "Cloudflare did not answer");
    const read = cache.read(h.ctx, request(uniqueKey(), loader<Item>(error).load, true));
    await tick();
    timer.fireAll();
    await expect(read).rejects.toBe(error);
  });

  it("KV and upstream both down: the upstream's error reaches the caller, not KV's", async () => {
    const cache = createListCache();
    const h = harness(faultyKv({ get: "throw", put: "throw" }).kv);
    const error = new AppError("upstream_unavailable", "Cloudflare answered 503");
    await expect(cache.read(h.ctx, request(uniqueKey(), loader<Item>(error).load))).rejects.toBe(error);
  });

  it("KV get failing hides a stale copy: the read is a MISS, never a 5xx", async () => {
    const cache = createListCache();
    const { kv } = faultyKv({ get: "throw" });
    const h = harness(kv);
    const key = uniqueKey();
    await seed(cacheKey(key), items("cached"), h.deps.now() - 1_000);
    expect(await cache.read(h.ctx, request(key, loader(items("live")).load))).toMatchObject({
      outcome: "MISS",
      items: items("live"),
    });
  });

  it("a KV delete that hangs makes invalidate resolve false at the bound", async () => {
    const timer = manualTimer();
    const cache = createListCache({ timer: timer.timer });
    const h = harness(faultyKv({ delete: "hang" }).kv);
    const done = cache.invalidate(h.ctx, uniqueKey());
    await tick();
    timer.fireAll();
    expect(await done).toBe(false);
    expect(h.warnings()).toContainEqual(
      expect.objectContaining({ event: "cache_invalidate_failed", reason: "timeout" }),
    );
  });
});
