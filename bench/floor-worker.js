// The floor for the cache-hit benchmark: the least a Worker can do to answer from KV. It reads the
// same KV value certgate's list cache holds (same key, same "text" read) and returns it as JSON,
// with no auth, validation, parsing or normalization. certgate's cache-hit throughput is reported
// as a ratio to this (bench/scenarios/cache-hit.ts).
// FLOOR_LOG=1 adds one JSON log line per request, the size of certgate's request log, to tell the
// cost of logging through Miniflare's stdout apart from certgate's own work (figure 1c).
export default {
  async fetch(request, env) {
    const value = await env.CACHE.get(env.FLOOR_KEY, "text");
    if (env.FLOOR_LOG === "1") {
      const url = new URL(request.url);
      console.log(
        JSON.stringify({
          ts: new Date().toISOString(),
          level: "info",
          event: "request",
          request_id: crypto.randomUUID(),
          method: request.method,
          route: url.pathname,
          path: url.pathname,
          status: 200,
          duration_ms: 0,
          key_name: "bench-reader",
          cache: "HIT",
        }),
      );
    }
    if (value === null) return new Response("floor: key missing", { status: 500 });
    return new Response(value, { headers: { "content-type": "application/json" } });
  },
};
