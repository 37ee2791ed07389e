// The floor for the cold aggregate (figure 3, CPU per 50-scope aggregate): the least a Worker can do
// to answer with n upstream lists. `GET /?n=10` fetches the first n of FLOOR_ZONES' certificate pack
// lists from FLOOR_UPSTREAM, the same URL and token certgate uses, at most FLOOR_IN_FLIGHT at a time
// (certgate's own limit, src/concurrency.ts), and concatenates the bodies into one JSON array: no
// auth, validation, normalization, cache or budget.
export default {
  async fetch(request, env) {
    const zones = env.FLOOR_ZONES.split(",");
    const n = Number(new URL(request.url).searchParams.get("n") ?? zones.length);
    const queue = zones.slice(0, n);
    const bodies = new Array(queue.length);
    let next = 0;
    const worker = async () => {
      while (next < queue.length) {
        const i = next++;
        const res = await fetch(
          `${env.FLOOR_UPSTREAM}/zones/${queue[i]}/ssl/certificate_packs?page=1&per_page=50&status=all`,
          { headers: { authorization: `Bearer ${env.FLOOR_TOKEN}` } },
        );
        if (!res.ok) return;
        bodies[i] = await res.text();
      }
    };
    const inFlight = Math.min(Number(env.FLOOR_IN_FLIGHT), queue.length);
    await Promise.all(Array.from({ length: inFlight }, worker));
    if (bodies.some((b) => b === undefined)) return new Response("floor: upstream failed", { status: 502 });
    return new Response(`[${bodies.join(",")}]`, { headers: { "content-type": "application/json" } });
  },
};
