/// <reference types="node" />
/**
 * The serving helper (worker.ts) that the page and metrics tests stand on: the bundle as deploys build it,
 * under Miniflare on loopback, in front of the simulators, with keys limited to zones. Only what those
 * tests rely on is checked: it is healthy, on 127.0.0.1, guarded by keys, and a key sees its zones only.
 * The bundle is built once for the project by test/node/global-setup.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchZoneId } from "../../bench/lib/upstreams";
import { LOOPBACK } from "../../scripts/lib/ports";
import { type BenchKey, benchKey, type ServedCertgate, serveCertgate } from "./worker";

describe("serveCertgate: the built bundle under Miniflare on loopback", () => {
  let served: ServedCertgate | undefined;
  let reader: BenchKey | undefined;

  beforeAll(async () => {
    // Zone ids are fixed by the simulator setup (bench/lib/upstreams.ts): the key may see the first only.
    reader = await benchKey("node-reader", ["certificates:read", "reports:read"], [benchZoneId(0)]);
    served = await serveCertgate({ zones: 2, keys: [reader] });
  });

  afterAll(async () => {
    await served?.close();
  });

  function ready(): { served: ServedCertgate; reader: BenchKey } {
    if (!served || !reader) throw new Error("setup failed");
    return { served, reader };
  }

  it("listens on loopback only", () => {
    expect(new URL(ready().served.url).hostname).toBe(LOOPBACK);
  });

  it("refuses a request without a key", async () => {
    const res = await fetch(`${ready().served.url}/v1/certificates`);
    expect(res.status).toBe(401);
    await res.body?.cancel();
  });

  it("answers a zone-limited key with its zone's certificates and nothing of the other zone", async () => {
    const { served, reader } = ready();
    expect(served.upstreams.zones).toEqual([benchZoneId(0), benchZoneId(1)]);
    const res = await fetch(`${served.url}/v1/certificates`, { headers: reader.headers });
    const body = await res.text();
    expect(res.status, body).toBe(200);
    expect(body).toContain(benchZoneId(0));
    expect(body).not.toContain(benchZoneId(1));
  });
});
