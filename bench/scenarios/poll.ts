/// <reference types="node" />
/**
 * Figures 1r and 1s: a client polling `GET /v1/certificates?zone=` with `If-None-Match`.
 * 1r, throughput: certgate answering revalidations (the If-None-Match of its own last ETag, so every
 * answer should be a 304) vs bench/floor-worker.js returning the same KV value with a 200, served
 * side by side, in alternation, median of the pair ratios with min-max (goal >= 0.95, issue 16). A third
 * series, the same request without If-None-Match (a plain cache hit), gives the bytes of a full answer.
 * 1s, a polling client: sequential polls, each sending the ETag of the previous answer; halfway through,
 * a pack is added upstream and the scope reloaded (a no-cache read), so exactly one poll should get a 200
 * with a new ETag and every other poll a 304. Reported: the share of 304s and the bytes saved per poll
 * (raw socket bytes, status line and headers included, from autocannon).
 * If certgate sends no ETag, both figures say so ("no ETag: 304 path not present") and nothing fails.
 */
import { DAY } from "../../sandbox/index";
import type { BenchContext } from "../lib/context";
import { type Figure, ratio } from "../lib/figures";
import { apiKeysJson, benchKey } from "../lib/keys";
import { type LoadResult, load } from "../lib/load";
import { median, round, spread } from "../lib/stats";
import { startUpstreams, workerBindings } from "../lib/upstreams";
import { kvOf, startWorker } from "../lib/worker";

type Series = "revalidate" | "floor" | "full";
const NO_ETAG = "no ETag: 304 path not present";

export async function poll(ctx: BenchContext): Promise<Figure[]> {
  const { options } = ctx;
  const up = await startUpstreams({ zones: 1, latencyMs: 0 });
  const reader = await benchKey("bench-reader", ["certificates:read"]);
  const certgate = await startWorker({
    bindings: workerBindings(up, up.zones, apiKeysJson(reader), {
      // Fresh for the whole run: the entry changes only when the poll below changes it.
      CACHE_FRESH_SECONDS: "3600",
      CACHE_STALE_SECONDS: "7200",
      CACHE_MIN_REFRESH_SECONDS: "0",
    }),
  });
  try {
    const zone = up.zones[0] ?? "";
    const pollUrl = `${certgate.url}/v1/certificates?zone=${zone}`;
    let etag: string | null = null;
    for (const expect of ["MISS", "HIT"]) {
      const res = await fetch(pollUrl, { headers: reader.headers });
      await res.arrayBuffer();
      if (res.status !== 200 || res.headers.get("x-cache") !== expect)
        throw new Error(`warm-up: expected 200 ${expect}, got ${res.status} ${res.headers.get("x-cache")}`);
      etag = res.headers.get("etag");
    }
    if (etag === null) {
      ctx.log(`  [1r] ${NO_ETAG}`);
      const absent = (id: string, name: string, goal: string | null): Figure => ({
        id,
        name,
        value: NO_ETAG,
        comparedTo: "-",
        goal,
        met: null,
        data: { etag: null },
      });
      return [
        absent("1r", "304 revalidation throughput", "ratio >= 0.95"),
        absent("1s", "polling client: 304 share, bytes saved", null),
      ];
    }
    const revalidating = { ...reader.headers, "if-none-match": etag };
    const check = await fetch(pollUrl, { headers: revalidating });
    const checkBody = await check.arrayBuffer();
    if (check.status !== 304 || checkBody.byteLength !== 0)
      ctx.log(
        `  [1r] note: If-None-Match of the current ETag answered ${check.status}, ${checkBody.byteLength} B`,
      );

    const cache = await kvOf(certgate.mf, "CACHE");
    const keys = (await cache.list()).keys.map((k) => k.name);
    const key = keys[0];
    const value = key === undefined ? null : await cache.get(key, "text");
    if (key === undefined || value === null || keys.length !== 1)
      throw new Error(`expected one cache entry, got ${keys.length}`);
    const floor = await startWorker({
      scriptPath: "bench/floor-worker.js",
      bindings: { FLOOR_KEY: key },
      kvNamespaces: ["CACHE"],
    });
    try {
      await (await kvOf(floor.mf, "CACHE")).put(key, value);
      const floorUrl = `${floor.url}/`;
      const spec: Record<Series, { url: string; headers: Record<string, string> }> = {
        revalidate: { url: pollUrl, headers: revalidating },
        floor: { url: floorUrl, headers: {} },
        full: { url: pollUrl, headers: reader.headers },
      };
      const run = (s: Series, seconds: number) =>
        load({
          url: spec[s].url,
          headers: spec[s].headers,
          connections: options.connections,
          durationSeconds: seconds,
          ok: (status) => status === 200 || status === 304,
        });
      for (const s of ["revalidate", "floor"] as const) await run(s, 1);
      const results: Record<Series, LoadResult[]> = { revalidate: [], floor: [], full: [] };
      const callsBefore = up.cloudflare.count();
      for (let i = 0; i < options.pairs; i++) {
        const order: Series[] =
          i % 2 === 0 ? ["revalidate", "floor", "full"] : ["floor", "revalidate", "full"];
        for (const s of order) {
          const r = await run(s, options.durationSeconds);
          results[s].push(r);
          ctx.log(
            `  [1r] pair ${i + 1} ${s.padEnd(10)} ${r.rps.toFixed(0)} req/s p50 ${r.p50.toFixed(2)} ms statuses ${JSON.stringify(r.statuses)}`,
          );
        }
      }
      const upstreamCalls = up.cloudflare.count() - callsBefore;
      const ratios = spread(results.revalidate.map((r, i) => r.rps / (results.floor[i]?.rps ?? Number.NaN)));
      const count = (s: Series, status: number) =>
        results[s].reduce((n, r) => n + (r.statuses[status] ?? 0), 0);
      const answered = (s: Series) => results[s].reduce((n, r) => n + r.requests, 0);
      const bytesPer = (s: Series) =>
        results[s].reduce((n, r) => n + r.okBytes, 0) / Math.max(1, answered(s));
      const revalidated304 = count("revalidate", 304);
      const all304 = revalidated304 === answered("revalidate") && answered("revalidate") > 0;
      const errors = Object.values(results)
        .flat()
        .reduce((n, r) => n + r.errors + r.non2xx, 0);
      const rpsA = median(results.revalidate.map((r) => r.rps));
      const rpsB = median(results.floor.map((r) => r.rps));
      const fullBytes = bytesPer("full");
      const revalidateBytes = bytesPer("revalidate");

      // The polling client: each poll sends the previous answer's ETag; one change halfway.
      const polls = options.quick ? 20 : 100;
      let current = etag;
      const pollStatuses: number[] = [];
      const etagsSeen = new Set<string>([etag]);
      for (let i = 0; i < polls; i++) {
        if (i === Math.floor(polls / 2)) {
          up.cloudflare.seedPack(zone, {
            hosts: [`zone0.example`, `poll${i}.zone0.example`],
            status: "active",
            validityDays: 90,
            expiresOn: Date.now() + 30 * DAY,
          });
          const reload = await fetch(pollUrl, {
            headers: { ...reader.headers, "cache-control": "no-cache" },
          });
          await reload.arrayBuffer();
        }
        const res = await fetch(pollUrl, { headers: { ...reader.headers, "if-none-match": current } });
        await res.arrayBuffer();
        pollStatuses.push(res.status);
        const next = res.headers.get("etag");
        if (next !== null) {
          current = next;
          etagsSeen.add(next);
        }
      }
      const polled304 = pollStatuses.filter((s) => s === 304).length;
      const polled200 = pollStatuses.filter((s) => s === 200).length;
      const share = polled304 / polls;
      const savedPer304 = fullBytes - revalidateBytes;
      const others = pollStatuses.filter((s) => s !== 304 && s !== 200);
      ctx.log(
        `  [1s] ${polls} polls: ${polled304} x 304, ${polled200} x 200, ${others.length} other (${[...new Set(others)].join(", ") || "none"}), ${etagsSeen.size} distinct ETags; full ${fullBytes.toFixed(0)} B, revalidation ${revalidateBytes.toFixed(0)} B`,
      );
      return [
        {
          id: "1r",
          name: "304 revalidation throughput",
          value: `${rpsA.toFixed(0)} req/s; ratio ${ratio(ratios.median, ratios.min, ratios.max)}; ${revalidated304}/${answered("revalidate")} answered 304`,
          comparedTo: `floor worker (same KV value, 200) ${rpsB.toFixed(0)} req/s`,
          goal: "ratio >= 0.95",
          met: errors === 0 && upstreamCalls === 0 && all304 ? ratios.median >= 0.95 : null,
          data: {
            connections: options.connections,
            seconds_per_run: options.durationSeconds,
            pairs: options.pairs,
            revalidate_rps: results.revalidate.map((r) => round(r.rps)),
            floor_rps: results.floor.map((r) => round(r.rps)),
            plain_hit_rps: results.full.map((r) => round(r.rps)),
            ratio: { median: round(ratios.median, 3), min: round(ratios.min, 3), max: round(ratios.max, 3) },
            revalidate_statuses: { 304: revalidated304, 200: count("revalidate", 200) },
            upstream_calls_during_measurement: upstreamCalls,
            errors,
          },
        },
        {
          id: "1s",
          name: "polling client: 304 share, bytes saved",
          value: `${polled304}/${polls} polls 304 (${(share * 100).toFixed(0)}%); ${(savedPer304 * share).toFixed(0)} B saved per poll (${fullBytes.toFixed(0)} B full, ${revalidateBytes.toFixed(0)} B revalidated)`,
          comparedTo: "every poll a full 200; one change upstream halfway",
          goal: `${polls - 1}/${polls} polls 304, one 200 after the change`,
          met: polled304 === polls - 1 && polled200 === 1 && etagsSeen.size === 2,
          data: {
            polls,
            statuses: { 304: polled304, 200: polled200 },
            distinct_etags: etagsSeen.size,
            bytes_full_answer: round(fullBytes, 1),
            bytes_revalidation_answer: round(revalidateBytes, 1),
            bytes_saved_per_304: round(savedPer304, 1),
            bytes_saved_per_poll: round(savedPer304 * share, 1),
          },
        },
      ];
    } finally {
      await floor.dispose();
    }
  } finally {
    await certgate.dispose();
    await up.close();
  }
}
