/// <reference types="node" />
/**
 * Where a miss's and a cold aggregate's CPU goes (figure 9's attribution), measured as figure 9 measures
 * (workerd's utime + stime over a run, an idle window subtracted): certgate as deployed; without the
 * UpstreamBudget object (its permits run in the same workerd process here, billed apart in production);
 * and also with KV puts acknowledged but not written (Miniflare's KV runs in-process; a KV write is I/O
 * in production). The kv-counter wrapper adds a hop, so the last row is an upper bound.
 * Run: `node --import tsx bench/cpu-attribution.ts` (about 3 minutes; Linux only).
 */
import { idleCpu, withCpu } from "./lib/cpu";
import { apiKeysJson, benchKey } from "./lib/keys";
import { load } from "./lib/load";
import { NO_REFUSALS, startUpstreams, workerBindings } from "./lib/upstreams";
import { startWorker } from "./lib/worker";

const up = await startUpstreams({ zones: 50, latencyMs: 0 });
const reader = await benchKey("bench-reader", ["certificates:read"]);
const bindings = workerBindings(up, up.zones, apiKeysJson(reader), {
  CACHE_FRESH_SECONDS: "3600",
  CACHE_STALE_SECONDS: "7200",
  CACHE_MIN_REFRESH_SECONDS: "0",
  ...NO_REFUSALS,
});
const variants = {
  default: await startWorker({ bindings }),
  "no budget object": await startWorker({ bindings, budget: false }),
  "no budget, KV puts dropped": await startWorker({
    bindings,
    budget: false,
    countKv: true,
    discardPuts: true,
  }),
};
const noCache = { ...reader.headers, "cache-control": "no-cache" };
const missPaths = up.zones.map((z) => `/v1/certificates?zone=${z}`);
for (const [name, w] of Object.entries(variants)) {
  const pid = w.pid ?? 0;
  // warm
  await load({
    url: `${w.url}/v1/certificates`,
    headers: noCache,
    connections: 1,
    durationSeconds: 60,
    amount: 50,
    paths: missPaths,
  });
  const res = [];
  for (let round = 0; round < 3; round++) {
    const miss = await withCpu(pid, () =>
      load({
        url: `${w.url}/v1/certificates`,
        headers: noCache,
        connections: 1,
        durationSeconds: 60,
        amount: 300,
        paths: missPaths,
      }),
    );
    const idle1 = await idleCpu(pid, miss.wallMs);
    const agg = await withCpu(pid, () =>
      load({
        url: `${w.url}/v1/certificates`,
        headers: noCache,
        connections: 1,
        durationSeconds: 60,
        amount: 10,
      }),
    );
    const idle2 = await idleCpu(pid, agg.wallMs);
    res.push(
      `miss ${((miss.cpuMs - idle1) / 300).toFixed(2)} ms, agg50 ${((agg.cpuMs - idle2) / 10).toFixed(1)} ms`,
    );
  }
  console.log(name.padEnd(34), res.join(" | "));
}
for (const w of Object.values(variants)) await w.dispose();
process.exit(0);
