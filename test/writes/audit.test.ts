/**
 * The audit log through the whole gateway (docs/writes.md "The audit log"): every write of both doors
 * and /v1, every refused write (401, 403, 409, 422, 429), every manual monitor run; who, what, where, how
 * it ended, the request id and the Idempotency-Key; never a secret. GET /v1/audit is the admin's, with
 * filters, cursor paging and an NDJSON export; the cron prunes past AUDIT_RETENTION_DAYS.
 *
 * The AuditLog object is one per deployment and its storage is shared by this file's tests: each test
 * runs on its own clock, ten days after the previous one's, and reads its own window (`since`).
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  DEMO_CLOUDFLARE_TOKEN,
  DEMO_GJIRAFA_API_KEY,
  SAMPLE_CERTIFICATE,
  SAMPLE_CHAIN,
  SAMPLE_PRIVATE_KEY,
} from "../../sandbox";
import { secretValues } from "../../src/redact";
import { AUD, claims, jwksHandler, makeSigningKey, sign, TEAM } from "../auth/jwt";
import { testClock } from "../helpers/deps";
import {
  cfPacks,
  clearKv,
  EXAMPLE,
  type Gateway,
  gateway,
  gjCerts,
  ORDER,
  PROJECT,
  packId,
  ROUTE_KEYS,
  SHOP,
} from "../routes/helpers";

beforeEach(clearKv);

const DAY = 86_400_000;
let nextStart = Date.parse("2027-01-01T00:00:00Z");

interface Record_ {
  id: string;
  at: string;
  actor: string;
  actor_via: string;
  action: string;
  method: string;
  door: string;
  provider: string | null;
  scope: string | null;
  certificate_id: string | null;
  created_id: string | null;
  outcome: { status: number; code: string | null; upstream_request_id: string | null };
  request_id: string | null;
  idempotency_key: string | null;
}

interface AuditAnswer {
  result: Record_[];
  result_info: { per_page: number; count: number; next_cursor: string | null };
  errors: Array<{ code: string }>;
}

/** A gateway on a clock of its own (see the header), and the start of its window. */
function world(env: Record<string, string | undefined> = {}): { gw: Gateway; since: string } {
  const start = nextStart;
  nextStart += 10 * DAY;
  const gw = gateway(env, { clock: testClock(start) });
  return { gw, since: new Date(start).toISOString() };
}

/** Every record of the window, oldest first (the API answers newest first). */
async function records(gw: Gateway, since: string, filters: Record<string, string> = {}): Promise<Record_[]> {
  const query = new URLSearchParams({ since, per_page: "500", ...filters });
  const res = await gw.json<AuditAnswer>("GET", `/v1/audit?${query}`, { key: ROUTE_KEYS.admin });
  expect(res.status).toBe(200);
  return [...res.body.result].reverse();
}

const UNIFIED_ORDER = { ...ORDER, type: undefined, provider: "cloudflare", zone: EXAMPLE };

describe("what issue 14 asks: the same key twice, then another body, then the log", () => {
  it("names the actor and the zone of those writes, holds no secret, and a read key gets 403", async () => {
    const { gw, since } = world();
    const headers = { "Idempotency-Key": "order-2027-01" };
    const writer = ROUTE_KEYS.writer;
    const first = await gw.json<{ result: { id: string } }>("POST", `${cfPacks()}/order`, {
      key: writer,
      body: ORDER,
      headers,
    });
    await gw.call("POST", `${cfPacks()}/order`, { key: writer, body: ORDER, headers });
    const other = { ...ORDER, validity_days: 30 };
    expect((await gw.call("POST", `${cfPacks()}/order`, { key: writer, body: other, headers })).status).toBe(
      422,
    );

    const log = await records(gw, since);
    expect(log.map((r) => [r.action, r.outcome.status, r.outcome.code])).toEqual([
      ["certificate.create", 200, null],
      ["certificate.create", 200, "idempotent_replay"],
      ["certificate.create", 422, "idempotency_key_reused"],
    ]);
    for (const r of log) {
      expect(r).toMatchObject({
        actor: "writer",
        actor_via: "api_key",
        method: "POST",
        door: "cloudflare",
        provider: "cloudflare",
        scope: EXAMPLE,
        idempotency_key: "order-2027-01",
      });
      expect(r.request_id).toMatch(/\S/);
    }
    expect(log[0]?.created_id).toBe(`cloudflare:${EXAMPLE}:${first.body.result.id}`);
    // The first answer came from Cloudflare (its CF-Ray); the replay made no upstream call.
    expect(log[0]?.outcome.upstream_request_id).toMatch(/^[0-9a-f]{16}-SIM$/);
    expect(log[1]?.outcome.upstream_request_id).toBeNull();
    const text = JSON.stringify(log);
    for (const secret of [writer.key, ROUTE_KEYS.admin.key, DEMO_CLOUDFLARE_TOKEN, DEMO_GJIRAFA_API_KEY]) {
      expect(text).not.toContain(secret);
    }

    for (const key of [ROUTE_KEYS.reader, writer, ROUTE_KEYS.reports]) {
      const refused = await gw.json<AuditAnswer>("GET", "/v1/audit", { key });
      expect(refused.status).toBe(403);
      expect(refused.body.errors[0]?.code).toBe("forbidden");
    }
  });
});

describe("every write and every refused write is recorded; reads are not", () => {
  it("writes through /v1 and both native doors: action, door, scope and certificate", async () => {
    const { gw, since } = world();
    const writer = ROUTE_KEYS.writer;
    const pack = packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");
    const created = await gw.json<{ result: { id: string } }>("POST", "/v1/certificates", {
      key: writer,
      body: UNIFIED_ORDER,
    });
    await gw.call("DELETE", `/v1/certificates/cloudflare:${EXAMPLE}:${pack}`, { key: writer });
    await gw.call("POST", gjCerts(), {
      key: writer,
      body: { domainName: "x.demo.certgate.test", scopeId: 1 },
    });
    await gw.call("GET", "/v1/certificates", { key: writer });
    await gw.call("GET", cfPacks(), { key: writer });
    const log = await records(gw, since);
    expect(log.map((r) => [r.action, r.door, r.provider, r.scope, r.outcome.status])).toEqual([
      ["certificate.create", "v1", "cloudflare", EXAMPLE, 200],
      ["certificate.delete", "v1", "cloudflare", EXAMPLE, 200],
      ["certificate.create", "gjirafa", "gjirafa", PROJECT, 200],
    ]);
    expect(log[0]?.created_id).toBe(created.body.result.id);
    expect(log[1]).toMatchObject({ method: "DELETE", certificate_id: `cloudflare:${EXAMPLE}:${pack}` });
    expect(log[2]?.created_id).toMatch(new RegExp(`^gjirafa:${PROJECT}:\\d+$`));
  });

  it("an Access identity is the actor of what it does, refused or not", async () => {
    const start = nextStart;
    nextStart += 10 * DAY;
    const signer = await makeSigningKey("audit-kid-1");
    const rules = [
      { email: "ops@example.com", scopes: ["certificates:write"], zones: [EXAMPLE], projects: [] },
      { email: "viewer@example.com", scopes: ["certificates:read"], zones: ["*"], projects: ["*"] },
    ];
    const gw = gateway(
      { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_RULES: JSON.stringify(rules) },
      { clock: testClock(start), routes: { [TEAM]: jwksHandler(() => [signer]) } },
    );
    const as = async (email: string) => ({
      "Cf-Access-Jwt-Assertion": await sign(signer, claims(gw.clock.now(), { email })),
    });
    const ordered = await gw.call("POST", "/v1/certificates", {
      headers: await as("ops@example.com"),
      body: UNIFIED_ORDER,
    });
    expect(ordered.status).toBe(200);
    const refused = await gw.call("POST", "/v1/certificates", {
      headers: await as("viewer@example.com"),
      body: UNIFIED_ORDER,
    });
    expect(refused.status).toBe(403);
    const log = await records(gw, new Date(start).toISOString());
    expect(log.map((r) => [r.actor, r.actor_via, r.action, r.scope, r.outcome.status])).toEqual([
      ["access:ops@example.com", "access", "certificate.create", EXAMPLE, 200],
      // Refused for the permission, before any scope is looked at (as for a key).
      ["access:viewer@example.com", "access", "certificate.create", null, 403],
    ]);
    // The token itself is a credential: never in the log.
    expect(JSON.stringify(log)).not.toMatch(/eyJ[\w-]{20,}/);
  });

  it("refused writes: 403 (scope and permission), 409, 422, 429", async () => {
    const { gw, since } = world();
    const pack = packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");
    // 403: the key lacks certificates:write; 403: the key's grants do not cover the zone.
    await gw.call("POST", `${cfPacks()}/order`, { key: ROUTE_KEYS.reader, body: ORDER });
    await gw.call("POST", "/v1/certificates", {
      key: ROUTE_KEYS.exampleOnly,
      body: { ...UNIFIED_ORDER, zone: SHOP, hosts: ["shop.example"] },
    });
    // 409: a restart outside validation_timed_out; 422: Cloudflare cannot import.
    await gw.call("POST", `/v1/certificates/cloudflare:${EXAMPLE}:${pack}/validate`, {
      key: ROUTE_KEYS.writer,
    });
    await gw.call("POST", "/v1/certificates/import", {
      key: ROUTE_KEYS.writer,
      body: { provider: "cloudflare", zone: EXAMPLE },
    });
    // 429: Cloudflare rate limits the order.
    gw.sims.cloudflare.faults.add({
      method: "POST",
      times: 1,
      fault: { kind: "rate_limited", retryAfter: 300 },
    });
    await gw.call("POST", `${cfPacks()}/order`, { key: ROUTE_KEYS.writer, body: ORDER });
    const log = await records(gw, since);
    expect(log.map((r) => [r.actor, r.action, r.outcome.status, r.outcome.code, r.scope])).toEqual([
      ["reader", "certificate.create", 403, "forbidden", null],
      ["example-only", "certificate.create", 403, "forbidden", SHOP],
      ["writer", "certificate.validate", 409, "conflict", EXAMPLE],
      ["writer", "certificate.import", 422, "not_supported_by_provider", EXAMPLE],
      ["writer", "certificate.create", 429, "upstream_rate_limited", EXAMPLE],
    ]);
    expect(log[2]?.certificate_id).toBe(`cloudflare:${EXAMPLE}:${pack}`);
  });

  it("401s to a write are recorded as anonymous, with what was presented; a flood is one row a minute", async () => {
    const { gw, since } = world();
    for (let i = 0; i < 40; i++) await gw.call("POST", `${cfPacks()}/order`, { body: ORDER });
    await gw.call("POST", `${cfPacks()}/order`, {
      body: ORDER,
      headers: { Authorization: `Bearer cg_${"Z".repeat(43)}` },
    });
    await gw.call("GET", cfPacks());
    let log = await records(gw, since);
    expect(log.map((r) => [r.actor, r.actor_via, r.action, r.door, r.outcome.status, r.scope])).toEqual([
      ["anonymous", "none", "certificate.create", "cloudflare", 401, null],
      ["anonymous", "api_key", "certificate.create", "cloudflare", 401, null],
    ]);
    // The next minute's flood is another row.
    gw.clock.advance(60_000);
    for (let i = 0; i < 10; i++) await gw.call("POST", `${cfPacks()}/order`, { body: ORDER });
    log = await records(gw, since, { actor: "anonymous" });
    expect(log).toHaveLength(3);
    expect(JSON.stringify(log)).not.toContain("Z".repeat(20));
  });

  it("a manual monitor run is recorded", async () => {
    const { gw, since } = world();
    expect((await gw.call("POST", "/v1/report/run", { key: ROUTE_KEYS.admin })).status).toBe(200);
    await gw.call("POST", "/v1/report/run", { key: ROUTE_KEYS.writer });
    const log = await records(gw, since);
    expect(log.map((r) => [r.actor, r.action, r.method, r.door, r.outcome.status])).toEqual([
      ["admin", "monitor.run", "POST", "v1", 200],
      ["writer", "monitor.run", "POST", "v1", 403],
    ]);
  });

  it("an import's private key never reaches the log, whatever the outcome", async () => {
    const { gw, since } = world();
    const body = {
      certificateBody: SAMPLE_CERTIFICATE,
      certificatePrivateKey: SAMPLE_PRIVATE_KEY,
      certificateChain: SAMPLE_CHAIN,
      scopeId: 1,
    };
    await gw.call("POST", `${gjCerts()}/import`, {
      key: ROUTE_KEYS.writer,
      body,
      headers: { "Idempotency-Key": "imp-1" },
    });
    await gw.call("POST", `${gjCerts()}/import`, {
      key: ROUTE_KEYS.writer,
      body: { ...body, certificateChain: "x" },
    });
    await gw.call("POST", "/v1/certificates/import", {
      key: ROUTE_KEYS.writer,
      body: {
        provider: "gjirafa",
        project: PROJECT,
        certificate: SAMPLE_CERTIFICATE,
        private_key: SAMPLE_PRIVATE_KEY,
      },
    });
    const res = await gw.call("GET", `/v1/audit?since=${since}`, {
      key: ROUTE_KEYS.admin,
      headers: { Accept: "application/x-ndjson" },
    });
    const text = await res.text();
    expect(text.trim().split("\n")).toHaveLength(3);
    for (const secret of secretValues(SAMPLE_PRIVATE_KEY)) {
      for (let i = 0; i + 16 <= secret.length; i += 16) expect(text).not.toContain(secret.slice(i, i + 16));
    }
    expect(text).not.toContain("PRIVATE KEY");
  });
});

describe("GET /v1/audit: filters, paging, export", () => {
  /** Writes by two keys in two zones and the project, at one-minute steps. */
  async function seeded() {
    const w = world();
    const { gw } = w;
    const example = packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");
    const steps: Array<() => Promise<unknown>> = [
      () => gw.call("POST", "/v1/certificates", { key: ROUTE_KEYS.writer, body: UNIFIED_ORDER }),
      () => gw.call("POST", `${cfPacks()}/order`, { key: ROUTE_KEYS.exampleOnly, body: ORDER }),
      () => gw.call("DELETE", `${cfPacks()}/${example}`, { key: ROUTE_KEYS.writer }),
      () =>
        gw.call("POST", gjCerts(), {
          key: ROUTE_KEYS.writer,
          body: { domainName: "f.demo.certgate.test", scopeId: 1 },
        }),
      () =>
        gw.call("POST", "/v1/certificates", {
          key: ROUTE_KEYS.admin,
          body: { ...UNIFIED_ORDER, zone: SHOP, hosts: ["shop.example"] },
        }),
    ];
    for (const step of steps) {
      await step();
      gw.clock.advance(60_000);
    }
    return { ...w, example };
  }

  it("by actor, provider, scope, certificate and time", async () => {
    const { gw, since, example } = await seeded();
    const actions = async (filters: Record<string, string>) =>
      (await records(gw, since, filters)).map((r) => `${r.actor} ${r.action} ${r.scope}`);
    expect(await actions({ actor: "example-only" })).toEqual([`example-only certificate.create ${EXAMPLE}`]);
    expect(await actions({ provider: "gjirafa" })).toEqual([`writer certificate.create ${PROJECT}`]);
    expect(await actions({ scope: SHOP })).toEqual([`admin certificate.create ${SHOP}`]);
    expect(await actions({ scope: EXAMPLE.toUpperCase() })).toHaveLength(3);
    expect(await actions({ certificate: `cloudflare:${EXAMPLE}:${example}` })).toEqual([
      `writer certificate.delete ${EXAMPLE}`,
    ]);
    const start = Date.parse(since);
    const window = {
      since: new Date(start + 60_000).toISOString(),
      until: new Date(start + 180_000).toISOString(),
    };
    expect(await actions(window)).toEqual([
      `example-only certificate.create ${EXAMPLE}`,
      `writer certificate.delete ${EXAMPLE}`,
    ]);
  });

  it("pages by cursor, newest first, without repeats or gaps while records are added", async () => {
    const { gw, since } = await seeded();
    const seen: string[] = [];
    let path = `/v1/audit?since=${since}&per_page=2`;
    for (let page = 0; page < 10; page++) {
      const res = await gw.json<AuditAnswer>("GET", path, { key: ROUTE_KEYS.admin });
      expect(res.status).toBe(200);
      seen.push(...res.body.result.map((r) => r.id));
      // A write between two pages is newer than the cursor: it never shifts the pages being read.
      await gw.call("POST", "/v1/certificates", { key: ROUTE_KEYS.writer, body: UNIFIED_ORDER });
      const next = res.body.result_info.next_cursor;
      if (next === null) {
        expect(res.headers.get("link")).toBeNull();
        break;
      }
      expect(res.headers.get("link")).toContain(`cursor=${next}`);
      path = `/v1/audit?since=${since}&per_page=2&cursor=${next}`;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it("Accept: application/x-ndjson exports every matching record, one JSON object a line", async () => {
    const { gw, since } = await seeded();
    const res = await gw.call("GET", `/v1/audit?since=${since}&per_page=1`, {
      key: ROUTE_KEYS.admin,
      headers: { Accept: "application/x-ndjson" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const lines = (await res.text()).trim().split("\n");
    const parsed = lines.map((line) => JSON.parse(line) as Record_);
    expect(parsed).toHaveLength(5);
    expect(parsed.map((r) => r.at)).toEqual([...parsed.map((r) => r.at)].sort().reverse());
    expect(parsed[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it.each([
    ["a bad time", "since=yesterday"],
    ["a page too large", "per_page=501"],
    ["an unknown filter", "zone=x"],
    ["a forged cursor", "cursor=abc"],
  ])("%s: 400", async (_name, query) => {
    const { gw } = world();
    const res = await gw.json<AuditAnswer>("GET", `/v1/audit?${query}`, { key: ROUTE_KEYS.admin });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]?.code).toBe("validation_failed");
  });
});

describe("retention", () => {
  // Runs last in this file: its clock is the latest, so the prune takes every earlier test's records.
  it("the cron prunes records older than AUDIT_RETENTION_DAYS; newer ones stay", async () => {
    const { gw, since } = world({ AUDIT_RETENTION_DAYS: "30" });
    await gw.call("POST", "/v1/certificates", { key: ROUTE_KEYS.writer, body: UNIFIED_ORDER });
    gw.clock.advance(20 * DAY);
    await gw.call("POST", gjCerts(), {
      key: ROUTE_KEYS.writer,
      body: { domainName: "r.demo.certgate.test", scopeId: 1 },
    });
    gw.clock.advance(11 * DAY);
    await gw.scheduled();
    const log = await records(gw, new Date(0).toISOString());
    expect(log.map((r) => r.action)).toEqual(["certificate.create"]);
    expect(log[0]?.provider).toBe("gjirafa");
    expect(Date.parse(log[0]?.at ?? "")).toBeGreaterThan(Date.parse(since));
  });
});
