/**
 * Where a scrape's figures come from, and what a scrape costs in KV: the cached list while KV has it,
 * this isolate's last list when KV lost it, the monitor's last observations when neither is there; and
 * reads younger than METRICS_REFRESH_SECONDS reused without asking KV.
 */
import { env as runtimeEnv } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { LIST_KEY_PREFIX } from "../../src/cache";
import { clearKv, resetStorage } from "../helpers/kv";
import { parseExposition } from "../node/exposition";
import { PROJECT, VIEW_KEYS, viewsGateway, ZONE_EXAMPLE } from "./helpers";

beforeEach(resetStorage);

/** A namespace that counts its reads, per key prefix. */
function countingKv(inner: KVNamespace) {
  const reads: string[] = [];
  const kv = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "get" && typeof value === "function") {
        return (key: string, ...rest: unknown[]) => {
          reads.push(key);
          return (value as (...a: unknown[]) => unknown).call(target, key, ...rest);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { kv, reads };
}

async function scrape(gw: ReturnType<typeof viewsGateway>, key = VIEW_KEYS.onCall) {
  const res = await gw.call("GET", "/metrics", { key });
  return parseExposition(await res.text());
}

const gjirafaSeries = (e: ReturnType<typeof parseExposition>) =>
  e.samples.filter((s) => s.name === "x509_cert_not_after" && s.labels.scope === PROJECT);

describe("where the certificates come from", () => {
  it("the cached list; then this isolate's copy when KV lost it; then the monitor's observations", async () => {
    const gw = viewsGateway({ env: { METRICS_REFRESH_SECONDS: "0" } });
    await gw.scheduled();
    const fromCache = gjirafaSeries(await scrape(gw));
    expect(fromCache.length).toBe(3);
    expect(fromCache.every((s) => s.labels.serial_number !== undefined)).toBe(true);

    // KV lost every list (aged out, or invalidated by a write through certgate): this isolate's copy.
    await clearKv(runtimeEnv.CACHE);
    expect(gjirafaSeries(await scrape(gw))).toEqual(fromCache);

    // Another isolate, with no copy: the monitor's last observations (same certificates and expiry;
    // the exporter's labels are only in the lists).
    const fresh = viewsGateway({ env: { METRICS_REFRESH_SECONDS: "0" } });
    const observed = gjirafaSeries(await scrape(fresh));
    expect(observed.map((s) => [s.labels.certificate_id, s.value, s.labels.status])).toEqual(
      fromCache.map((s) => [s.labels.certificate_id, s.value, s.labels.status]),
    );
    expect(observed.every((s) => s.labels.serial_number === undefined)).toBe(true);
    expect(fresh.upstreamCalls()).toBe(0);
  });

  it("nothing at all before the monitor or a list ever ran: no certificate series, no upstream call", async () => {
    const gw = viewsGateway();
    const e = await scrape(gw);
    expect(e.samples.filter((s) => s.name.startsWith("x509_cert"))).toEqual([]);
    expect(gw.upstreamCalls()).toBe(0);
  });

  it("a list read through /v1 shows in the next scrape", async () => {
    const gw = viewsGateway({ env: { METRICS_REFRESH_SECONDS: "0" } });
    expect(gjirafaSeries(await scrape(gw))).toEqual([]);
    await gw.call("GET", `/v1/certificates?project=${PROJECT}`, { key: VIEW_KEYS.admin });
    expect(gjirafaSeries(await scrape(gw)).length).toBe(3);
  });
});

describe("what a scrape costs in KV", () => {
  it("reads the report and each list once, then nothing while the reads are younger than METRICS_REFRESH_SECONDS", async () => {
    const state = countingKv(runtimeEnv.STATE);
    const cache = countingKv(runtimeEnv.CACHE);
    const gw = viewsGateway({
      kv: { STATE: state.kv, CACHE: cache.kv },
      env: { METRICS_REFRESH_SECONDS: "60" },
    });
    await gw.scheduled();
    state.reads.length = 0;
    cache.reads.length = 0;
    await scrape(gw);
    expect(state.reads).toEqual(["certgate:v1:monitor:report"]);
    expect(cache.reads.filter((k) => k.startsWith(LIST_KEY_PREFIX)).sort()).toEqual(
      [`${LIST_KEY_PREFIX}cloudflare:${ZONE_EXAMPLE}`, `${LIST_KEY_PREFIX}gjirafa:${PROJECT}`].sort(),
    );
    const first = await scrape(gw);
    for (let i = 0; i < 3; i++) {
      gw.clock.advance(15_000);
      expect(await scrape(gw)).toEqual(first);
    }
    expect(state.reads.length).toBe(1);
    expect(cache.reads.length).toBe(2);
    // Past the window: KV again, once each.
    gw.clock.advance(15_000);
    await scrape(gw);
    expect(state.reads.length).toBe(2);
    expect(cache.reads.length).toBe(4);
  });

  it("reads KV on every scrape with METRICS_REFRESH_SECONDS=0, and a new report shows at once", async () => {
    const state = countingKv(runtimeEnv.STATE);
    const gw = viewsGateway({ kv: { STATE: state.kv }, env: { METRICS_REFRESH_SECONDS: "0" } });
    await scrape(gw);
    await scrape(gw);
    expect(state.reads.filter((k) => k.endsWith(":report")).length).toBe(2);
    await gw.scheduled();
    const e = await scrape(gw);
    expect(e.samples.find((s) => s.name === "certgate_monitor_last_success_timestamp_seconds")?.value).toBe(
      Math.floor(gw.clock.now() / 1000),
    );
  });

  it("refuses to serve an unreadable report store as an empty one: 502, like GET /v1/report", async () => {
    const broken = new Proxy(runtimeEnv.STATE, {
      get(target, prop) {
        if (prop === "get") return () => Promise.reject(new Error("KV down"));
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const gw = viewsGateway({ kv: { STATE: broken } });
    const res = await gw.call("GET", "/metrics", { key: VIEW_KEYS.onCall });
    expect(res.status).toBe(502);
  });
});
