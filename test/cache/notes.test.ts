/**
 * A load's notes (items left out as unusable, what the upstream said) are stored beside the items, so a
 * cache hit, another isolate and a stale-if-error copy report them as the load did. Entries stay `v: 1`
 * and readable both ways: a previous worker ignores `notes`, and an entry without them reads as none.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cacheKey, createListCache } from "../../src/cache";
import type { ListNotes } from "../../src/model/list-notes";
import { harness, type Item, items, parseItem, seed, uniqueKey } from "./helpers";

const NOTES: ListNotes = {
  skipped: [{ id: "x9", reason: "hosts: expected array, received string" }],
  messages: ["Gjirafa says: string"],
};

describe("list cache: notes beside the items", () => {
  it("a load's notes come back on the MISS, on a HIT, and from KV in another isolate", async () => {
    const key = uniqueKey();
    const load = async () => ({ items: items("a", "b"), notes: NOTES });
    const first = createListCache();
    const h = harness();
    const miss = await first.read<Item>(h.ctx, { key, load, parse: parseItem });
    await h.flush();
    expect([miss.outcome, miss.notes]).toEqual(["MISS", NOTES]);
    const hit = await first.read<Item>(h.ctx, { key, load, parse: parseItem });
    expect([hit.outcome, hit.items, hit.notes]).toEqual(["HIT", items("a", "b"), NOTES]);
    const elsewhere = await createListCache().read<Item>(harness().ctx, { key, load, parse: parseItem });
    expect([elsewhere.outcome, elsewhere.notes]).toEqual(["HIT", NOTES]);
  });

  it("the stored entry is still v 1 with its items where a previous worker reads them", async () => {
    const key = uniqueKey();
    const h = harness();
    await createListCache().read<Item>(h.ctx, {
      key,
      load: async () => ({ items: items("a"), notes: NOTES }),
      parse: parseItem,
    });
    await h.flush();
    const stored = JSON.parse((await env.CACHE.get(cacheKey(key))) ?? "null");
    expect(stored).toEqual({ v: 1, fetched_at: h.deps.now(), items: items("a"), notes: NOTES });
  });

  it("an entry without notes (written by a previous worker) reads with none", async () => {
    const key = uniqueKey();
    const h = harness();
    await seed(cacheKey(key), items("old"), h.deps.now());
    const read = await createListCache().read<Item>(h.ctx, {
      key,
      load: async () => items("new"),
      parse: parseItem,
    });
    expect([read.outcome, read.items, read.notes]).toEqual([
      "HIT",
      items("old"),
      { skipped: [], messages: [] },
    ]);
  });

  it("a monitor's store keeps the notes it is given", async () => {
    const key = uniqueKey();
    const h = harness();
    const cache = createListCache();
    expect(
      await cache.store(h.ctx, {
        key,
        items: items("m"),
        notes: NOTES,
        parse: parseItem,
        fetchedAt: h.deps.now(),
      }),
    ).toBe("stored");
    const read = await createListCache().read<Item>(h.ctx, { key, load: async () => [], parse: parseItem });
    expect(read.notes).toEqual(NOTES);
  });
});
