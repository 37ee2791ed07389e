// The floor for the cache-hit benchmark: the least a Worker can do to answer from KV. It reads the
// same KV value certgate's list cache holds (same key, same "text" read) and returns it as JSON,
// with no auth, validation, parsing or normalization. certgate's cache-hit throughput is reported
// as a ratio to this (bench/scenarios/cache-hit.ts).
export default {
  async fetch(_request, env) {
    const value = await env.CACHE.get(env.FLOOR_KEY, "text");
    if (value === null) return new Response("floor: key missing", { status: 500 });
    return new Response(value, { headers: { "content-type": "application/json" } });
  },
};
