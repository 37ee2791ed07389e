/// <reference types="node" />
/**
 * Counting KV operations without touching certgate: Miniflare's wrapped bindings let CACHE and STATE
 * be small objects (KV_COUNTER_SCRIPT) that forward to the real namespace and report each operation to
 * a Node function (a function-valued service binding), so the monitor benchmark reads exact write
 * counts per namespace instead of inferring them from the keys left behind.
 */

export interface KvCounts {
  get: number;
  put: number;
  delete: number;
  list: number;
}

export interface KvCounter {
  snapshot(): Record<string, KvCounts>;
  reset(): void;
}

/** Forwards every KV method; `NAME` is the namespace's binding name, `INNER` the real binding's. */
export const KV_COUNTER_SCRIPT = `
export default function (env) {
  const inner = env[env.INNER];
  const count = (op) => env.COUNT.fetch("http://count/" + env.NAME + "/" + op, { method: "POST" });
  return {
    async get(key, options) { await count("get"); return inner.get(key, options); },
    async getWithMetadata(key, options) { await count("get"); return inner.getWithMetadata(key, options); },
    async put(key, value, options) { await count("put"); return inner.put(key, value, options); },
    async delete(key) { await count("delete"); return inner.delete(key); },
    async list(options) { await count("list"); return inner.list(options); },
  };
}
`;

/**
 * For attribution only (figure 2c): the same wrapper, but `put` is acknowledged without writing, so
 * the cost of Miniflare's local KV write (SQLite and a blob file, on workerd's thread) can be told
 * apart from certgate's own work. Never used for a headline figure.
 */
export const KV_DISCARD_PUT_SCRIPT = KV_COUNTER_SCRIPT.replace(
  'async put(key, value, options) { await count("put"); return inner.put(key, value, options); }',
  'async put(key, value, options) { await count("put"); }',
);

const empty = (): KvCounts => ({ get: 0, put: 0, delete: 0, list: 0 });

export function kvCounterService(): { counter: KvCounter; handle: (request: Request) => Promise<Response> } {
  let counts: Record<string, KvCounts> = {};
  return {
    counter: {
      snapshot: () => structuredClone(counts),
      reset() {
        counts = {};
      },
    },
    async handle(request) {
      const [, ns = "?", op = "?"] = new URL(request.url).pathname.split("/");
      const entry = counts[ns] ?? empty();
      counts[ns] = entry;
      if (op === "get" || op === "put" || op === "delete" || op === "list") entry[op] += 1;
      return new Response(null, { status: 204 });
    },
  };
}
