/**
 * A per-isolate memory bounded by bytes, not by entries: each value is charged an estimate of what it
 * holds, and the least recently used entries are evicted until the total fits. A value charged more
 * than the whole bound is not kept at all. `Map` iterates in insertion order, so a use is a delete and
 * a re-insert, and the first key is always the least recently used: every operation is O(1) amortized.
 */
export interface ByteLru<V> {
  /** The value, marked as just used. */
  get(key: string): V | undefined;
  /** Keeps `value` charged `bytes`, evicting older entries as needed; false when it alone exceeds the bound. */
  set(key: string, value: V, bytes: number): boolean;
  delete(key: string): void;
  /** What the kept values are charged in total: never more than the bound. */
  bytes(): number;
}

export function createByteLru<V>(maxBytes: number): ByteLru<V> {
  const entries = new Map<string, { value: V; bytes: number }>();
  let total = 0;

  function remove(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    total -= entry.bytes;
  }

  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, bytes) {
      remove(key);
      if (bytes > maxBytes) return false;
      for (const [oldest] of entries) {
        if (total + bytes <= maxBytes) break;
        remove(oldest);
      }
      entries.set(key, { value, bytes });
      total += bytes;
      return true;
    },
    delete: remove,
    bytes: () => total,
  };
}
