/**
 * Secret leak sweep: one full scenario on one gateway (lists through both doors, orders, creates,
 * imports with private keys made at test time, updates, validations, deletes, injected faults on writes
 * and reads, a monitor run through POST /v1/report/run and through the cron handler, the report), then
 * every place a secret could surface is scanned: response bodies and headers, every log record, every
 * KV value (CACHE and STATE), every alert payload and the alert requests' headers. Positive controls
 * prove the detector sees what the simulators legitimately received (the upstream token, the key).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLOUDFLARE_TOKEN, SAMPLE_CERTIFICATE, SAMPLE_CHAIN } from "../../sandbox";
import { LOG_BODY_LIMIT } from "../../src/upstream/request";
import { KEYS } from "../helpers/keys";
import { baseSecrets, createLeakDetector, headerText } from "./leaks";
import { fixtureOf, makePrivateKeyPem, OPERATION_CASES } from "./operations";
import { createReliabilityGateway, dumpKv, resetStorage, runtimeEnv } from "./suite";
import { createTally } from "./tally";

const ALERTS = "https://alerts.reliability.test";
/** Whoever holds it can ping: a secret like the webhook URLs. */
const HEARTBEAT = "https://hc-ping.reliability.test/5f0c9a1e-3b7d-4e21-8c6f-0d2e4b6a8c13";

describe("secret leak sweep after a full scenario", () => {
  const tally = createTally("secrets");
  const keys = { rsa: { pem: "", base64: "" }, ec: { pem: "", base64: "" } };
  beforeAll(async () => {
    keys.rsa = await makePrivateKeyPem("RSA");
    keys.ec = await makePrivateKeyPem("EC");
  });
  beforeEach(resetStorage);
  afterAll(() => console.log(tally.summary()));

  it("no upstream token, API key or private key in any answer, log line, KV value or alert", async () => {
    const alerts: Array<{ url: string; headers: string; body: string }> = [];
    const pings: string[] = [];
    const gw = createReliabilityGateway({
      env: {
        ALERT_WEBHOOK_URL: `${ALERTS}/hook`,
        ALERT_SLACK_WEBHOOK_URL: `${ALERTS}/slack`,
        MONITOR_HEARTBEAT_URL: HEARTBEAT,
      },
      routes: {
        [ALERTS]: async (request) => {
          alerts.push({ url: request.url, headers: headerText(request.headers), body: await request.text() });
          return new Response("ok");
        },
        [new URL(HEARTBEAT).origin]: (request) => {
          pings.push(request.url);
          return new Response("OK");
        },
      },
    });
    const f = fixtureOf(gw, keys.rsa.pem);
    const answers: string[] = [];
    const record = async (method: string, path: string, body?: unknown, key = KEYS.admin) => {
      const res = await gw.json(method, path, { key, body });
      answers.push(`${method} ${path}\n${headerText(res.headers)}\n${res.text}`);
      tally.counts.requests += 1;
      return res;
    };

    // Every operation through every door, the imports with both keys.
    for (const c of OPERATION_CASES) {
      const res = await record(c.method, c.path(f), c.body?.(f));
      expect(res.status, `${c.label}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
      tally.counts.cases += 1;
    }
    const unifiedImport = OPERATION_CASES.find((c) => c.op === "gjirafa.import" && c.door === "unified");
    const nativeImport = OPERATION_CASES.find((c) => c.op === "gjirafa.import" && c.door === "native");
    if (!unifiedImport || !nativeImport) throw new Error("operation table changed");
    const ecFixture = { ...f, privateKey: keys.ec.pem };
    expect(
      (await record("POST", unifiedImport.path(ecFixture), unifiedImport.body?.(ecFixture))).status,
    ).toBe(200);
    expect((await record("POST", nativeImport.path(ecFixture), nativeImport.body?.(ecFixture))).status).toBe(
      200,
    );

    // Keys in the wrong place, broken PEM around a real key, an encrypted-looking key: refused, never echoed.
    const misplaced = [
      {
        provider: "gjirafa",
        project: f.project,
        certificate: keys.rsa.pem,
        private_key: keys.ec.pem,
        chain: "",
        scope_id: 1,
      },
      {
        provider: "gjirafa",
        project: f.project,
        certificate: SAMPLE_CERTIFICATE,
        private_key: `${keys.rsa.pem}\n${keys.ec.pem}`,
        chain: "",
        scope_id: 1,
      },
      {
        provider: "gjirafa",
        project: f.project,
        certificate: SAMPLE_CERTIFICATE,
        private_key: keys.rsa.pem.replace("PRIVATE KEY-----\n", "PRIVATE KEY-----\n!!"),
        chain: SAMPLE_CHAIN,
        scope_id: 1,
      },
      {
        provider: "gjirafa",
        project: f.project,
        certificate: SAMPLE_CERTIFICATE,
        private_key: keys.ec.pem,
        chain: keys.rsa.pem,
        scope_id: 1,
      },
      {
        provider: "gjirafa",
        project: f.project,
        certificate: SAMPLE_CERTIFICATE,
        private_key: keys.ec.pem,
        chain: SAMPLE_CHAIN,
        scope_id: "one",
      },
      {
        provider: "cloudflare",
        zone: f.zone,
        certificate: SAMPLE_CERTIFICATE,
        private_key: keys.ec.pem,
        chain: "",
        scope_id: 1,
      },
      {
        provider: "gjirafa",
        project: f.project,
        certificate: SAMPLE_CERTIFICATE,
        private_key: keys.ec.pem,
        chain: "",
        scope_id: 1,
        extra: keys.rsa.pem,
      },
    ];
    for (const body of misplaced) {
      const res = await record("POST", "/v1/certificates/import", body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    // Upstream failures while the key is in flight: the upstream's answer (and the log of it) must not carry it.
    const importPath = `/projects/${f.project}/certificates/import`;
    for (const fault of [
      { kind: "status", status: 500 },
      { kind: "truncated" },
      { kind: "unsuccessful", message: `echo ${keys.rsa.pem}` },
      { kind: "reset", afterProcessing: true },
      { kind: "rate_limited", retryAfter: 300 },
    ] as const) {
      gw.sims.gjirafa.faults.once(fault, { method: "POST", path: importPath });
      const res = await record("POST", unifiedImport.path(f), unifiedImport.body?.(f));
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    // Read faults with stale copies, and an upstream that echoes certgate's own token in its error.
    gw.sims.cloudflare.faults.add({
      method: "GET",
      path: `/zones/${f.zone}/ssl/certificate_packs`,
      times: 3,
      fault: { kind: "unsuccessful", message: `token ${DEMO_CLOUDFLARE_TOKEN} refused` },
    });
    await record("GET", `/v1/certificates?zone=${f.zone}`);
    gw.sims.cloudflare.faults.once({ kind: "html" }, { method: "GET" });
    await record("GET", `/v1/quotas`);
    tally.counts.faults += gw.firedFaults();

    // The monitor, both ways, and its report.
    const run = await record("POST", "/v1/report/run");
    expect(run.status).toBe(200);
    gw.clock.advance(15 * 60_000);
    await gw.scheduled();
    gw.clock.advance(40 * 24 * 3_600_000); // certificates near expiry cross thresholds: more alerts
    expect((await record("POST", "/v1/report/run")).status).toBe(200);
    await record("GET", "/v1/report", undefined, KEYS.reports);
    await record("GET", "/v1/report", undefined, KEYS.reader);

    // The sweep.
    const leaks = createLeakDetector(
      [...baseSecrets(), { name: "heartbeat URL", value: HEARTBEAT }],
      [keys.rsa.base64, keys.ec.base64],
    );
    const kv = [...(await dumpKv(runtimeEnv.CACHE)), ...(await dumpKv(runtimeEnv.STATE))];
    const places: Array<[string, string]> = [
      ...answers.map((a, i): [string, string] => [`answer #${i + 1} (${a.split("\n")[0]})`, a]),
      ...gw.deps.logs.map((r, i): [string, string] => [
        `log #${i + 1} (${String(r.event)})`,
        JSON.stringify(r),
      ]),
      ...kv.map((e): [string, string] => [`KV ${e.key}`, `${e.key}\n${e.value}`]),
      ...alerts.map((a, i): [string, string] => [`alert #${i + 1} (${a.url})`, `${a.headers}\n${a.body}`]),
    ];
    const found = places.flatMap(([where, text]) => {
      const hit = leaks.find(text);
      return hit ? [`${hit} in ${where}`] : [];
    });
    expect(found).toEqual([]);
    console.log(
      `[reliability] secrets: scanned ${answers.length} answers, ${gw.deps.logs.length} log records, ` +
        `${kv.length} KV values, ${alerts.length} alert deliveries`,
    );

    // The sweep looked at real material in every place it scans: a sweep of empty lists passes anything.
    expect(answers.length, "answers swept").toBeGreaterThanOrEqual(OPERATION_CASES.length + misplaced.length);
    const events = new Set(gw.deps.logs.map((r) => String(r.event)));
    for (const event of ["request", "upstream_call", "monitor_run"]) {
      expect(events.has(event), `log records of ${event} swept`).toBe(true);
    }
    // Upstream failures logged with their (redacted) bodies: where an echoed secret would land.
    expect(
      gw.deps.logs.filter((r) => r.event === "upstream_call" && typeof r.body === "string").length,
      "failed upstream calls logged with a body",
    ).toBeGreaterThan(0);
    expect(gw.firedFaults(), "the injected faults fired").toBeGreaterThanOrEqual(7);
    const cache = await dumpKv(runtimeEnv.CACHE);
    const state = await dumpKv(runtimeEnv.STATE);
    expect(cache.length, "CACHE values swept").toBeGreaterThan(0);
    expect(state.length, "STATE values swept").toBeGreaterThan(0);
    for (const channel of ["/hook", "/slack"]) {
      expect(
        alerts.filter((a) => a.url.endsWith(channel)).length,
        `alert deliveries to ${channel} swept`,
      ).toBeGreaterThan(0);
    }
    expect(alerts.every((a) => a.body.length > 0)).toBe(true);
    // The heartbeat was pinged (each run), and its URL surfaced nowhere above.
    expect(pings.length, "heartbeat pings").toBeGreaterThanOrEqual(3);
    // And the detector finds the secrets where they legitimately are (what the simulators received).
    expect(leaks.find(JSON.stringify(gw.sims.cloudflare.calls()))).not.toBeNull();
    expect(leaks.find(JSON.stringify(gw.sims.gjirafa.calls().map((c) => c.body)))).toMatch(/private key/);
    // Callers' credentials stop at certgate: no API key ever reaches an upstream.
    const upstreamHeaders = JSON.stringify(
      [...gw.sims.cloudflare.calls(), ...gw.sims.gjirafa.calls()].map((c) => c.headers),
    );
    for (const k of Object.values(KEYS)) expect(upstreamHeaders).not.toContain(k.key);
  });

  it("a secret cut by the log's 2 KiB body excerpt leaves no piece of itself in the log", async () => {
    // An upstream error page that echoes certgate's token right where the excerpt ends.
    const gw = createReliabilityGateway({
      upstream: async (provider, _request, next) => {
        if (provider !== "cloudflare") return next();
        // "<html>" and filler end 12 characters before the limit: the token starts inside the excerpt.
        const page = `<html>${"x".repeat(LOG_BODY_LIMIT - 6 - 12)}${DEMO_CLOUDFLARE_TOKEN} refused</html>`;
        return new Response(page, { status: 503, headers: { "content-type": "text/html" } });
      },
    });
    const f = fixtureOf(gw, keys.rsa.pem);
    const res = await gw.json("GET", `/v1/certificates/cloudflare:${f.zone}:${f.activePack}`, {
      key: KEYS.reader,
    });
    expect(res.status).toBe(502);
    const bodies = gw.deps.logs.filter((r) => r.event === "upstream_call" && typeof r.body === "string");
    expect(bodies.length, "the failures were logged with their bodies").toBeGreaterThan(0);
    const logged = JSON.stringify(gw.deps.logs);
    expect(logged).not.toContain(DEMO_CLOUDFLARE_TOKEN.slice(0, 12));
    expect(res.text).not.toContain(DEMO_CLOUDFLARE_TOKEN.slice(0, 12));
  });

  // (The 404 for an unknown route repeats the path to the caller who sent it; the log is what others read.)
  it("an API key pasted into a URL path never reaches the log", async () => {
    const gw = createReliabilityGateway();
    const paths = [
      `/v1/certificates/${KEYS.admin.key}`,
      `/v1/no-such-route/${KEYS.admin.key}`,
      `/gjirafa/api/v1/projects/${KEYS.admin.key}/certificates`,
    ];
    for (const path of paths) {
      const res = await gw.json("GET", path, { key: KEYS.reader });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
    }
    const requests = gw.deps.logs.filter((r) => r.event === "request");
    expect(requests).toHaveLength(paths.length);
    expect(JSON.stringify(gw.deps.logs)).not.toContain(KEYS.admin.key);
  });
});
