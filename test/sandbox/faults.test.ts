/**
 * Fault injection (sandbox/faults.ts), the same for both simulators: every fault kind, rule matching and
 * counting, and global latency. Cloudflare failure bodies are also checked against the published schema.
 */
import { describe, expect, it } from "vitest";
import {
  createCloudflareSimulator,
  createGjirafaSimulator,
  DEFAULT_CLOUDFLARE_TOKEN,
  DEFAULT_GJIRAFA_API_KEY,
  type Fault,
  realSleep,
  type Sleep,
} from "../../sandbox/index";
import { BASE, ZONE } from "./cf-harness";
import { GJ_BASE, PROJECT } from "./gj-harness";
import { checkCloudflareResponse } from "./openapi";

function recordingSleep() {
  const slept: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    slept.push(ms);
    if (signal?.aborted) throw signal.reason;
  };
  return { slept, sleep };
}

/** The two simulators behind one shape: a read URL, a write request, and how to count what the write created. */
function targets(sleep: Sleep) {
  const cf = createCloudflareSimulator({ zones: [ZONE], sleep });
  const gj = createGjirafaSimulator({ projects: [{ id: PROJECT }], sleep });
  const cfPacks = `${BASE}/zones/${ZONE.id}/ssl/certificate_packs`;
  const gjCerts = `${GJ_BASE}/api/v1/projects/${PROJECT}/certificates`;
  return {
    cloudflare: {
      sim: cf,
      headers: { authorization: `Bearer ${DEFAULT_CLOUDFLARE_TOKEN}`, "content-type": "application/json" },
      readUrl: cfPacks,
      writeUrl: `${cfPacks}/order`,
      writeBody: {
        type: "advanced",
        hosts: ["example.com"],
        validation_method: "txt",
        validity_days: 90,
        certificate_authority: "google",
      },
      created: () => cf.packs(ZONE.id).length,
      schemaErrors: (method: string, url: string, status: number, body: unknown) =>
        checkCloudflareResponse(method, new URL(url).pathname, status, body),
      errorShape: expect.objectContaining({ code: expect.any(Number), message: expect.any(String) }),
    },
    gjirafa: {
      sim: gj,
      headers: { "x-api-key": DEFAULT_GJIRAFA_API_KEY, "content-type": "application/json" },
      readUrl: gjCerts,
      writeUrl: gjCerts,
      writeBody: { domainName: "a.example.com", additionalDomainNames: [], scopeId: 1 },
      created: () => gj.certificates(PROJECT).length,
      schemaErrors: () => [] as string[],
      errorShape: expect.any(String),
    },
  };
}

const PROVIDERS = ["cloudflare", "gjirafa"] as const;

describe.each(PROVIDERS)("%s faults", (provider) => {
  const setup = () => {
    const { slept, sleep } = recordingSleep();
    const t = targets(sleep)[provider];
    const read = (init: RequestInit = {}) => t.sim.fetch(t.readUrl, { headers: t.headers, ...init });
    const write = () =>
      t.sim.fetch(t.writeUrl, { method: "POST", headers: t.headers, body: JSON.stringify(t.writeBody) });
    return { t, slept, read, write };
  };

  it("latency: waits, then answers normally", async () => {
    const { t, slept, read } = setup();
    t.sim.faults.once({ kind: "latency", ms: 1500 });
    expect((await read()).status).toBe(200);
    expect(slept).toEqual([1500]);
  });

  it.each([500, 502, 503, 504] as const)(
    "status %i: the provider's failure envelope, request not processed",
    async (status) => {
      const { t, write } = setup();
      t.sim.faults.once({ kind: "status", status });
      const res = await write();
      expect(res.status).toBe(status);
      const body = (await res.json()) as { success: boolean; errors: unknown[]; result: unknown };
      expect(body).toMatchObject({ success: false, result: null });
      expect(body.errors[0]).toEqual(t.errorShape);
      expect(t.schemaErrors("POST", t.writeUrl, status, body)).toEqual([]);
      expect(t.created()).toBe(0);
    },
  );

  it("html: a Cloudflare-style text/html 502 page", async () => {
    const { t, read } = setup();
    t.sim.faults.once({ kind: "html" });
    const res = await read();
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("cf-error-details");
    expect(html).toContain("Error code 502");
  });

  it("truncated: 200 with half of the real JSON, and the request WAS processed", async () => {
    const { t, write } = setup();
    t.sim.faults.once({ kind: "truncated" });
    const res = await write();
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith('{"success":true')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    expect(t.created()).toBe(1);
  });

  it("unsuccessful: HTTP 200 with success:false", async () => {
    const { t, read } = setup();
    t.sim.faults.once({ kind: "unsuccessful", message: "try later" });
    const res = await read();
    expect(res.status).toBe(200);
    const body = (await res.json()) as { success: boolean; errors: unknown[] };
    expect(body.success).toBe(false);
    expect(body.errors[0]).toEqual(t.errorShape);
  });

  it("rate_limited: 429 with Retry-After in seconds", async () => {
    const { t, read } = setup();
    t.sim.faults.once({ kind: "rate_limited", retryAfter: 30 });
    const res = await read();
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
    const body: unknown = await res.json();
    expect(t.schemaErrors("GET", t.readUrl, 429, body)).toEqual([]);
  });

  it("reset: fetch rejects with a TypeError and nothing happened upstream", async () => {
    const { t, write } = setup();
    t.sim.faults.once({ kind: "reset" });
    await expect(write()).rejects.toThrow(TypeError);
    expect(t.created()).toBe(0);
  });

  it("reset after processing: the upstream acted but the caller only sees the error", async () => {
    const { t, write } = setup();
    t.sim.faults.once({ kind: "reset", afterProcessing: true });
    await expect(write()).rejects.toBeInstanceOf(TypeError);
    expect(t.created()).toBe(1);
  });

  it.each(["init signal", "request signal"])(
    "hang: never answers until the %s aborts, then rejects with its reason",
    async (via) => {
      const { t } = setup();
      t.sim.faults.once({ kind: "hang" });
      const controller = new AbortController();
      const pending =
        via === "init signal"
          ? t.sim.fetch(t.readUrl, { headers: t.headers, signal: controller.signal })
          : t.sim.fetch(new Request(t.readUrl, { headers: t.headers, signal: controller.signal }));
      const outcome = await Promise.race([
        pending.then(
          () => "answered",
          () => "rejected",
        ),
        tick().then(() => "pending"),
      ]);
      expect(outcome).toBe("pending");
      const reason = new Error("deadline");
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
    },
  );

  it("slow_body: the real body, trickled in chunks", async () => {
    const { t, slept, read } = setup();
    const normal = await (await read()).text();
    t.sim.faults.once({ kind: "slow_body", chunkBytes: 10, intervalMs: 250 });
    const res = await read();
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(normal);
    expect(slept.length).toBe(Math.ceil(new TextEncoder().encode(normal).length / 10));
    expect(slept.every((ms) => ms === 250)).toBe(true);
  });

  it("rules match by method and path suffix, and `times` limits them", async () => {
    const { t, read, write } = setup();
    const id = t.sim.faults.add({
      method: "GET",
      path: new URL(t.readUrl).pathname.replace(/^.*(\/[^/]+)$/, "$1"),
      times: 2,
      fault: { kind: "status", status: 503 },
    });
    expect((await write()).status).toBe(200);
    expect((await read()).status).toBe(503);
    expect((await read()).status).toBe(503);
    expect((await read()).status).toBe(200);
    expect(t.sim.faults.rules().find((r) => r.id === id)).toMatchObject({ fired: 2, remaining: 0 });
  });

  it("a rule without times fires until removed; clear drops every rule", async () => {
    const { t, read } = setup();
    const id = t.sim.faults.add({ fault: { kind: "status", status: 500 } });
    expect((await read()).status).toBe(500);
    expect((await read()).status).toBe(500);
    t.sim.faults.remove(id);
    expect((await read()).status).toBe(200);
    t.sim.faults.add({ fault: { kind: "status", status: 500 } });
    t.sim.faults.clear();
    expect((await read()).status).toBe(200);
  });

  it("global latency applies to every request, and can be changed", async () => {
    const { t, slept, read } = setup();
    t.sim.setLatency(40);
    await read();
    await read();
    t.sim.setLatency(0);
    await read();
    expect(slept).toEqual([40, 40]);
  });
});

describe("latency and aborts", () => {
  it("a request aborted during latency rejects with the abort reason (real timers)", async () => {
    const cf = createCloudflareSimulator({ zones: [ZONE], sleep: realSleep, latencyMs: 60_000 });
    const controller = new AbortController();
    const pending = cf.fetch(`${BASE}/zones/${ZONE.id}/ssl/certificate_packs`, { signal: controller.signal });
    const reason = new Error("client gave up");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("an already aborted request is refused before it is processed", async () => {
    const { sleep } = recordingSleep();
    const gj = createGjirafaSimulator({ projects: [{ id: PROJECT }], sleep });
    const reason = new Error("too late");
    await expect(
      gj.fetch(`${GJ_BASE}/api/v1/projects/${PROJECT}/certificates`, { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(gj.calls()).toEqual([]);
  });
});

describe("path patterns", () => {
  it.each<[string | RegExp, boolean]>([
    ["/ssl/certificate_packs/quota", true],
    ["certificate_packs/quota", true],
    ["/zones/*/ssl/certificate_packs/quota", true],
    ["/zones/**", true],
    ["/zones/*/ssl/certificate_packs", false],
    ["ate_packs/quota", false],
    [/\/quota$/, true],
  ])("%s matches the quota path: %s", async (path, matches) => {
    const { sleep } = recordingSleep();
    const cf = createCloudflareSimulator({ zones: [ZONE], sleep });
    const fault: Fault = { kind: "status", status: 500 };
    cf.faults.add({ path, fault });
    const res = await cf.fetch(`${BASE}/zones/${ZONE.id}/ssl/certificate_packs/quota`, {
      headers: { authorization: `Bearer ${DEFAULT_CLOUDFLARE_TOKEN}` },
    });
    expect(res.status === 500).toBe(matches);
  });
});

function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}
