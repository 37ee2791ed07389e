/**
 * AuditLog: order (newest first, then latest arrival), every filter alone and combined, cursor paging with
 * no duplicate and no gap while records keep arriving, idempotent appends, the retention prune, values
 * shaped like secrets, and index use of every query.
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AuditLog,
  type AuditQuery,
  AuditQuerySchema,
  type AuditRecord,
  pageQuery,
  REDACTED,
} from "../../src/durable/audit-log";
import { expectNoFullScan, freshStub, HOUR, planOf, rejectionOf, rowsOf, SEED, T0 } from "./helpers";

type Stub = DurableObjectStub<AuditLog>;
const log = (): Stub => freshStub(env.AUDIT_LOG);

function record(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: crypto.randomUUID(),
    at: T0,
    actor: "deploy-bot",
    actor_via: "api_key",
    action: "certificate.create",
    method: "POST",
    door: "v1",
    provider: "cloudflare",
    scope: "zone-a",
    certificate_id: null,
    created_id: "pack-new",
    outcome: { status: 201, code: null, upstream_request_id: "8f00aa-FRA" },
    request_id: "req-1",
    idempotency_key: "order-1",
    ...overrides,
  };
}

/** Every page of a query, following the cursor to the end. */
async function allPages(stub: Stub, query: Omit<AuditQuery, "cursor">): Promise<AuditRecord[][]> {
  const pages: AuditRecord[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await stub.query({ ...query, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.records);
    if (page.nextCursor === null) return pages;
    cursor = page.nextCursor;
  }
}

describe("AuditLog: order and filters", () => {
  // at: minutes after T0. Two records share a time: the later arrival comes first.
  const fixture: AuditRecord[] = [
    record({ id: "r1", at: T0 + 1, actor: "deploy-bot", scope: "zone-a", created_id: "pack-1" }),
    record({ id: "r2", at: T0 + 2, actor: "alice@example.com", actor_via: "access", scope: "zone-b" }),
    record({
      id: "r3",
      at: T0 + 3,
      action: "certificate.delete",
      method: "DELETE",
      door: "cloudflare",
      certificate_id: "pack-1",
      created_id: null,
    }),
    record({
      id: "r4",
      at: T0 + 3,
      provider: "gjirafa",
      scope: "project-1",
      door: "gjirafa",
      outcome: { status: 403, code: "forbidden", upstream_request_id: null },
      created_id: null,
    }),
    record({
      id: "r5",
      at: T0 + 5,
      action: "monitor.run",
      provider: null,
      scope: null,
      created_id: null,
      idempotency_key: null,
    }),
    record({
      id: "r6",
      at: T0 + 6,
      actor: "alice@example.com",
      actor_via: "access",
      certificate_id: "pack-1",
    }),
  ];

  const cases: Array<{ name: string; query: Omit<AuditQuery, "limit">; ids: string[] }> = [
    {
      name: "no filter: newest first, the later arrival first at equal times",
      query: {},
      ids: ["r6", "r5", "r3", "r4", "r2", "r1"],
    },
    { name: "actor", query: { actor: "alice@example.com" }, ids: ["r6", "r2"] },
    { name: "provider", query: { provider: "gjirafa" }, ids: ["r4"] },
    { name: "scope", query: { scope: "zone-a" }, ids: ["r6", "r3", "r1"] },
    { name: "certificate: acted on or created", query: { certificate: "pack-1" }, ids: ["r6", "r3", "r1"] },
    { name: "since is inclusive", query: { since: T0 + 3 }, ids: ["r6", "r5", "r3", "r4"] },
    { name: "until is exclusive", query: { until: T0 + 3 }, ids: ["r2", "r1"] },
    { name: "since and until", query: { since: T0 + 2, until: T0 + 6 }, ids: ["r5", "r3", "r4", "r2"] },
    { name: "filters combine", query: { actor: "deploy-bot", scope: "zone-a", since: T0 + 2 }, ids: ["r3"] },
    { name: "nothing matches", query: { actor: "nobody" }, ids: [] },
  ];

  it.each(cases)("$name", async ({ query, ids }) => {
    const stub = log();
    // Appended out of time order, in two batches: order comes from `at`, then arrival.
    await stub.append([fixture[3], fixture[0], fixture[5]].flatMap((r) => (r ? [r] : [])));
    await stub.append([fixture[2], fixture[1], fixture[4]].flatMap((r) => (r ? [r] : [])));
    const expected = ids.map((id) => fixture.find((r) => r.id === id));
    const pages = await allPages(stub, { ...query, limit: 500 });
    expect(pages).toEqual([expected]);
  });

  it("returns each record as appended, field for field", async () => {
    const stub = log();
    const r = record({
      id: "whole",
      outcome: { status: 409, code: "idempotency_key_in_flight", upstream_request_id: null },
    });
    expect(await stub.append([r])).toEqual({ appended: 1, redacted: 0 });
    expect((await stub.query({ limit: 1 })).records).toEqual([r]);
  });
});

describe("AuditLog: paging", () => {
  it("pages cover every record once, in order, while new records keep arriving between pages", async () => {
    const arrival = fc.record({
      atOffset: fc.integer({ min: 0, max: 20 }),
      actor: fc.constantFrom("a", "b"),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(arrival, { minLength: 0, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.array(arrival, { maxLength: 4 }), { maxLength: 10 }),
        fc.option(fc.constantFrom("a", "b"), { nil: undefined }),
        async (initial, limit, arrivals, actor) => {
          const stub = log();
          const make = (a: { atOffset: number; actor: string }) =>
            record({ at: T0 + a.atOffset, actor: a.actor });
          const existing = initial.map(make);
          await stub.append(existing);
          const seen: AuditRecord[] = [];
          let cursor: string | undefined;
          let page = 0;
          for (;;) {
            const result = await stub.query({
              limit,
              ...(actor ? { actor } : {}),
              ...(cursor ? { cursor } : {}),
            });
            expect(result.records.length).toBeLessThanOrEqual(limit);
            seen.push(...result.records);
            // Between pages, other requests append records at times before, at and after the cursor.
            await stub.append((arrivals[page++] ?? []).map(make));
            if (result.nextCursor === null) break;
            cursor = result.nextCursor;
          }
          const ids = seen.map((r) => r.id);
          expect(new Set(ids).size).toBe(ids.length); // no duplicate
          for (const r of existing) {
            if (actor === undefined || r.actor === actor) expect(ids).toContain(r.id); // no gap
          }
          for (const r of seen) if (actor !== undefined) expect(r.actor).toBe(actor);
          // Newest first across page boundaries (at never increases).
          for (let i = 1; i < seen.length; i++) expect(seen[i]?.at).toBeLessThanOrEqual(seen[i - 1]?.at ?? 0);
        },
      ),
      { numRuns: 40, seed: SEED },
    );
  });

  it("the last page says so (no cursor), also when it is exactly full", async () => {
    const stub = log();
    await stub.append([1, 2, 3, 4].map((i) => record({ at: T0 + i })));
    expect((await allPages(stub, { limit: 2 })).map((p) => p.length)).toEqual([2, 2]);
    expect((await allPages(stub, { limit: 4 })).map((p) => p.length)).toEqual([4]);
  });
});

describe("AuditLog: append and prune", () => {
  it("a retried append (same ids) adds nothing", async () => {
    const stub = log();
    const batch = [record({ id: "x1" }), record({ id: "x2" })];
    expect(await stub.append(batch)).toEqual({ appended: 2, redacted: 0 });
    expect(await stub.append(batch)).toEqual({ appended: 0, redacted: 0 });
    expect(await stub.append([...batch, record({ id: "x3" })])).toEqual({ appended: 1, redacted: 0 });
    expect((await stub.query({ limit: 10 })).records.map((r) => r.id).sort()).toEqual(["x1", "x2", "x3"]);
  });

  it("prune deletes exactly the records before the retention line and says how many", async () => {
    const stub = log();
    await stub.append([0, 1, 2, 3, 4].map((h) => record({ id: `h${h}`, at: T0 + h * HOUR })));
    expect(await stub.prune({ before: T0 + 2 * HOUR })).toBe(2);
    expect((await stub.query({ limit: 10 })).records.map((r) => r.id)).toEqual(["h4", "h3", "h2"]);
    expect(await stub.prune({ before: T0 + 2 * HOUR })).toBe(0);
  });
});

describe("AuditLog: values shaped like secrets", () => {
  const secrets = [
    { shape: "a certgate key", value: "cg_Xy7Qm2LkP9vR4tW8zA1bC3dE" },
    { shape: "a PEM private key", value: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC" },
    { shape: "a bearer token", value: "Bearer 0123456789abcdefghijABCDEFGHIJ" },
    { shape: "a JWT", value: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl" },
  ];

  it.each(secrets)("$shape in a free-text field is stored as [REDACTED], and counted", async ({ value }) => {
    const stub = log();
    const r = record({ id: "s1", idempotency_key: value, certificate_id: `x ${value}` });
    expect(await stub.append([r])).toEqual({ appended: 1, redacted: 2 });
    const [stored] = (await stub.query({ limit: 1 })).records;
    expect(stored).toEqual({ ...r, idempotency_key: REDACTED, certificate_id: REDACTED });
    const raw = JSON.stringify(await rowsOf(stub, "SELECT * FROM audit"));
    expect(raw).not.toContain(value.slice(0, 20));
  });

  // Values that pass each field's format: only the secret check stands between them and the log.
  it.each([
    { field: "action", overrides: { action: "cg_xy7qm2lkp9vr4tw8za1b.create" } },
    { field: "door", overrides: { door: "cg_xy7qm2lkp9vr4tw8za1b" } },
    { field: "id", overrides: { id: "cg_Xy7Qm2LkP9vR4tW8zA1bC3dE" } },
  ])(
    "a certgate key in the fixed-format field $field refuses the whole batch",
    async ({ field, overrides }) => {
      const stub = log();
      const error = await rejectionOf(stub.append([record({ id: "ok" }), record(overrides)]));
      expect(String(error)).toContain(
        `AuditLog.append: invalid input (1.${field}: has the shape of a secret)`,
      );
      expect(String(error)).not.toMatch(/Xy7Qm2|xy7qm2/);
      expect((await stub.query({ limit: 10 })).records).toEqual([]);
    },
  );

  it.each([
    "7d1c2e9f-1b0a-4c43-9f59-2d1e1f3a8b77",
    "023e105f4ecef8ad9ca31a8372d0c353",
    "alice@example.com",
    "8f00aa1b2c3d4e5f-FRA",
    "order-2026-12-01 (retry)",
  ])("an ordinary value is kept: %s", async (value) => {
    const stub = log();
    const r = record({ actor: value, certificate_id: value, idempotency_key: value });
    expect(await stub.append([r])).toEqual({ appended: 1, redacted: 0 });
    expect((await stub.query({ limit: 1 })).records).toEqual([r]);
  });
});

describe("AuditLog: cost of a query", () => {
  const queries: Array<Omit<AuditQuery, "limit">> = [
    {},
    { actor: "a" },
    { provider: "cloudflare" },
    { scope: "zone-a" },
    { certificate: "pack-1" },
    { since: T0, until: T0 + HOUR },
    { actor: "a", cursor: `${T0}.7` },
    { scope: "zone-a", since: T0 },
  ];
  it.each(queries)("%o reads through an index", async (query) => {
    const stub = log();
    await stub.append([record()]);
    const { sql, bindings } = pageQuery(AuditQuerySchema.parse({ ...query, limit: 50 }));
    const plan = await planOf(stub, sql, bindings);
    // Without a filter, the index on `at` is read newest first and stops at the limit.
    if (Object.keys(query).length === 0) expect(plan).toEqual(["SCAN audit USING INDEX audit_by_at"]);
    else expectNoFullScan(plan);
  });
});

describe("AuditLog: input", () => {
  const cases: Array<{ name: string; input: unknown }> = [
    { name: "a limit of 0", input: { limit: 0 } },
    { name: "a limit over 500", input: { limit: 501 } },
    { name: "a made-up cursor", input: { limit: 10, cursor: "page-2" } },
    { name: "an unknown filter", input: { limit: 10, zone: "zone-a" } },
  ];
  it.each(cases)("query refuses $name", async ({ input }) => {
    const error = await rejectionOf(log().query(input as AuditQuery));
    expect(String(error)).toMatch(/AuditLog\.query: invalid input/);
  });
});
