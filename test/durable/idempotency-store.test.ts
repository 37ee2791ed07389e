/**
 * IdempotencyStore: replay byte for byte, mismatch, in flight, one "new" under concurrency, expiry,
 * abandon, the expired in-flight rule (reported, or taken over by choice, with stale attempts fenced
 * out), no payload at rest, and the prune alarm.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { requestFingerprint, sha256Hex } from "../../src/durable/digest";
import {
  type BeginResult,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
  MAX_RESPONSE_BYTES,
  type StoredResponse,
} from "../../src/durable/idempotency-store";
import { freshStub, HOUR, rejectionOf, rowsOf, SECOND, SEED, T0 } from "./helpers";

type Stub = DurableObjectStub<IdempotencyStore>;
const store = (): Stub => freshStub(env.IDEMPOTENCY);
const TTL = IDEMPOTENCY_TTL_MS;
const LEASE = 30 * SECOND;
const FP_A = "a".repeat(64);
const FP_B = "b".repeat(64);
const CREATED: StoredResponse = {
  status: 201,
  body: '{"success":true,"result":{"id":"pack-1"}}',
  headers: { "content-type": "application/json", "cf-ray": "8f00aa-FRA" },
};

function begin(stub: Stub, now: number, key: string, fingerprint = FP_A, takeOverExpired = false) {
  return stub.begin({ now, key, fingerprint, ttlMs: TTL, leaseMs: LEASE, takeOverExpired });
}

function attemptOf(result: BeginResult): string {
  if (result.state !== "new") throw new Error(`expected "new", got ${result.state}`);
  return result.attempt;
}

describe("IdempotencyStore: the draft's answers", () => {
  it("first request: new; its answer is replayed for the same payload, 422-mismatch for another", async () => {
    const stub = store();
    const first = await begin(stub, T0, "order-1");
    expect(first).toMatchObject({ state: "new", takenOverFrom: null });
    const attempt = attemptOf(first);
    expect(
      await stub.complete({
        now: T0 + SECOND,
        key: "order-1",
        fingerprint: FP_A,
        attempt,
        response: CREATED,
      }),
    ).toBe("stored");
    expect(await begin(stub, T0 + 2 * SECOND, "order-1")).toEqual({ state: "replay", response: CREATED });
    expect(await begin(stub, T0 + 2 * SECOND, "order-1", FP_B)).toEqual({ state: "mismatch" });
    // Another key is another request.
    expect((await begin(stub, T0 + 2 * SECOND, "order-2")).state).toBe("new");
  });

  it("replays any stored answer exactly: status, every character of the body, headers", async () => {
    const response = fc.record({
      status: fc.integer({ min: 100, max: 599 }),
      body: fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.json()),
      headers: fc.dictionary(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
        fc.string({ unit: "grapheme-ascii", maxLength: 40 }),
        { maxKeys: 5 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(response, async (generated) => {
        // fast-check's dictionaries have no prototype, which RPC's structured clone refuses.
        const stored = { ...generated, headers: { ...generated.headers } };
        const stub = store();
        const attempt = attemptOf(await begin(stub, T0, "k"));
        expect(await stub.complete({ now: T0, key: "k", fingerprint: FP_A, attempt, response: stored })).toBe(
          "stored",
        );
        const replay = await begin(stub, T0 + 1, "k");
        expect(replay).toEqual({ state: "replay", response: stored });
        if (replay.state === "replay") expect(replay.response.body.length).toBe(stored.body.length);
      }),
      { numRuns: 60, seed: SEED },
    );
  });

  it("while the first request runs: in_flight with its start and lease end; a mismatch still says mismatch", async () => {
    const stub = store();
    await begin(stub, T0, "k");
    expect(await begin(stub, T0 + 5 * SECOND, "k")).toEqual({
      state: "in_flight",
      since: T0,
      leaseUntil: T0 + LEASE,
    });
    expect(await begin(stub, T0 + 5 * SECOND, "k", FP_B)).toEqual({ state: "mismatch" });
  });

  it("two (or ten) begins at once: exactly one new, the others in flight", async () => {
    const stub = store();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        // A stub per call: the requests come from different isolates.
        env.IDEMPOTENCY.get(stub.id).begin({
          now: T0 + i,
          key: "race",
          fingerprint: FP_A,
          ttlMs: TTL,
          leaseMs: LEASE,
        }),
      ),
    );
    expect(results.filter((r) => r.state === "new")).toHaveLength(1);
    expect(results.filter((r) => r.state === "in_flight")).toHaveLength(9);
  });

  it("a record lives ttlMs after it completed, then the key is free again", async () => {
    const stub = store();
    const attempt = attemptOf(await begin(stub, T0, "k"));
    await stub.complete({ now: T0 + 10 * SECOND, key: "k", fingerprint: FP_A, attempt, response: CREATED });
    expect((await begin(stub, T0 + 10 * SECOND + TTL - 1, "k")).state).toBe("replay");
    // Expired: a new request, and a payload that would have mismatched is simply new.
    expect((await begin(stub, T0 + 10 * SECOND + TTL, "k", FP_B)).state).toBe("new");
  });

  it("abandon frees the key for the same attempt only; a completed record is never abandoned", async () => {
    const stub = store();
    const attempt = attemptOf(await begin(stub, T0, "k"));
    expect(await stub.abandon({ key: "k", fingerprint: FP_A, attempt: crypto.randomUUID() })).toBe(false);
    expect(await stub.abandon({ key: "k", fingerprint: FP_B, attempt })).toBe(false);
    expect((await begin(stub, T0 + 1, "k")).state).toBe("in_flight");
    expect(await stub.abandon({ key: "k", fingerprint: FP_A, attempt })).toBe(true);
    const again = attemptOf(await begin(stub, T0 + 2, "k"));
    expect(again).not.toBe(attempt);
    // The abandoned attempt can no longer complete over its successor.
    expect(
      await stub.complete({ now: T0 + 3, key: "k", fingerprint: FP_A, attempt, response: CREATED }),
    ).toBe("not_in_flight");
    expect(
      await stub.complete({ now: T0 + 3, key: "k", fingerprint: FP_A, attempt: again, response: CREATED }),
    ).toBe("stored");
    expect(await stub.abandon({ key: "k", fingerprint: FP_A, attempt: again })).toBe(false);
    expect((await begin(stub, T0 + 4, "k")).state).toBe("replay");
  });
});

describe("IdempotencyStore: an in-flight record whose lease passed", () => {
  it("is reported as expired_in_flight and left alone; a late answer from the first attempt still counts", async () => {
    const stub = store();
    const attempt = attemptOf(await begin(stub, T0, "order"));
    const expired = { state: "expired_in_flight", since: T0, leaseUntil: T0 + LEASE };
    expect(await begin(stub, T0 + LEASE, "order")).toEqual(expired);
    expect(await begin(stub, T0 + HOUR, "order")).toEqual(expired);
    expect(await begin(stub, T0 + HOUR, "order", FP_B)).toEqual({ state: "mismatch" });
    expect(
      await stub.complete({ now: T0 + HOUR, key: "order", fingerprint: FP_A, attempt, response: CREATED }),
    ).toBe("stored");
    expect(await begin(stub, T0 + HOUR + 1, "order")).toEqual({ state: "replay", response: CREATED });
  });

  it("is taken over when the caller says the write is safe to repeat: one taker among many, the old attempt fenced", async () => {
    const stub = store();
    const old = attemptOf(await begin(stub, T0, "delete"));
    const takers = await Promise.all(
      Array.from({ length: 5 }, () => begin(stub, T0 + LEASE + SECOND, "delete", FP_A, true)),
    );
    const taken = takers.filter((r) => r.state === "new");
    expect(taken).toEqual([{ state: "new", attempt: expect.any(String), takenOverFrom: T0 }]);
    expect(takers.filter((r) => r.state === "in_flight")).toHaveLength(4);
    const fresh = attemptOf(taken[0] ?? { state: "mismatch" });
    // The first attempt was alive after all: its answer must not overwrite the new attempt's.
    expect(
      await stub.complete({
        now: T0 + LEASE + 2 * SECOND,
        key: "delete",
        fingerprint: FP_A,
        attempt: old,
        response: CREATED,
      }),
    ).toBe("not_in_flight");
    const deleted: StoredResponse = { status: 200, body: '{"success":true}', headers: {} };
    expect(
      await stub.complete({
        now: T0 + LEASE + 3 * SECOND,
        key: "delete",
        fingerprint: FP_A,
        attempt: fresh,
        response: deleted,
      }),
    ).toBe("stored");
    expect(await begin(stub, T0 + LEASE + 4 * SECOND, "delete")).toEqual({
      state: "replay",
      response: deleted,
    });
  });

  it("an answer too large to keep leaves the record in flight (the write happened: it must not run again)", async () => {
    const stub = store();
    const attempt = attemptOf(await begin(stub, T0, "big"));
    const huge: StoredResponse = { status: 200, body: "x".repeat(MAX_RESPONSE_BYTES), headers: {} };
    expect(await stub.complete({ now: T0 + 1, key: "big", fingerprint: FP_A, attempt, response: huge })).toBe(
      "too_large",
    );
    expect((await begin(stub, T0 + 2, "big")).state).toBe("in_flight");
    expect((await begin(stub, T0 + LEASE, "big")).state).toBe("expired_in_flight");
  });
});

describe("IdempotencyStore: nothing of the request at rest", () => {
  it("an import carrying a private key: the rows hold its digest, never the key or a piece of it", async () => {
    const stub = store();
    const keyContent = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
    const privateKey = `-----BEGIN PRIVATE KEY-----\n${keyContent}\n-----END PRIVATE KEY-----`;
    const body = JSON.stringify({ name: "shop", certificatePrivateKey: privateKey, certificate: "..." });
    const fingerprint = await requestFingerprint({
      method: "POST",
      path: "/gjirafa/certificates/import",
      body,
    });
    const attempt = attemptOf(await begin(stub, T0, "import-1", fingerprint));
    await stub.complete({ now: T0 + 1, key: "import-1", fingerprint, attempt, response: CREATED });
    const rows = await rowsOf(stub, "SELECT * FROM records");
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(
      [
        "attempt",
        "body",
        "expires_at",
        "fingerprint",
        "headers",
        "key",
        "lease_until",
        "started_at",
        "state",
        "status",
        "ttl_ms",
      ].sort(),
    );
    const atRest = await runInDurableObject(stub, (_i, state) => {
      const decoder = new TextDecoder();
      const text: string[] = [];
      for (const { name } of state.storage.sql.exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
      )) {
        for (const row of state.storage.sql.exec(`SELECT * FROM "${name}"`)) {
          for (const value of Object.values(row)) {
            text.push(value instanceof ArrayBuffer ? decoder.decode(value) : String(value));
          }
        }
      }
      return text.join("\n");
    });
    expect(atRest).toContain(fingerprint);
    expect(atRest).not.toContain("PRIVATE KEY");
    for (let i = 0; i + 16 <= keyContent.length; i += 8)
      expect(atRest).not.toContain(keyContent.slice(i, i + 16));
  });

  it("refuses a fingerprint that is not a SHA-256 digest (a payload passed by mistake is never stored)", async () => {
    const stub = store();
    const error = await rejectionOf(
      stub.begin({
        now: T0,
        key: "k",
        fingerprint: '{"certificatePrivateKey":"..."}',
        ttlMs: TTL,
        leaseMs: LEASE,
      }),
    );
    expect(String(error)).toMatch(/IdempotencyStore\.begin: invalid input \(fingerprint/);
    expect(String(error)).not.toContain("certificatePrivateKey");
    expect(await rowsOf(stub, "SELECT key FROM records")).toEqual([]);
  });
});

describe("IdempotencyStore: input", () => {
  const good = { now: T0, key: "k", fingerprint: FP_A, ttlMs: TTL, leaseMs: LEASE };
  const cases: Array<{ name: string; input: unknown }> = [
    { name: "an empty key", input: { ...good, key: "" } },
    { name: "a key of 256 characters", input: { ...good, key: "k".repeat(256) } },
    { name: "a key with a control character", input: { ...good, key: "a\nb" } },
    { name: "an uppercase digest", input: { ...good, fingerprint: FP_A.toUpperCase() } },
    { name: "a lease longer than the record lives", input: { ...good, leaseMs: TTL + 1 } },
    { name: "a ttl over a week", input: { ...good, ttlMs: 7 * 24 * HOUR + 1 } },
  ];
  it.each(cases)("begin refuses $name", async ({ input }) => {
    const error = await rejectionOf(store().begin(input as Parameters<Stub["begin"]>[0]));
    expect(String(error)).toMatch(/IdempotencyStore\.begin: invalid input/);
  });

  it("complete refuses a body that UTF-8 cannot carry (a lone surrogate) instead of replaying it altered", async () => {
    const stub = store();
    const attempt = attemptOf(await begin(stub, T0, "k"));
    const response = { status: 200, body: "ok \uD800", headers: {} };
    const error = await rejectionOf(
      stub.complete({ now: T0, key: "k", fingerprint: FP_A, attempt, response }),
    );
    expect(String(error)).toMatch(/IdempotencyStore\.complete: invalid input \(response\.body/);
    expect((await begin(stub, T0 + 1, "k")).state).toBe("in_flight");
  });
});

describe("IdempotencyStore: prune alarm", () => {
  it("deletes records expired by the newest time callers passed, keeps the rest, changes no answer", async () => {
    const stub = store();
    // Callers' clock far behind the wall clock: the prune must judge by the callers' time.
    const past = Date.parse("2001-01-01T00:00:00Z");
    const done = attemptOf(await begin(stub, past, "old"));
    await stub.complete({ now: past, key: "old", fingerprint: FP_A, attempt: done, response: CREATED });
    await begin(stub, past + 20 * HOUR, "stuck"); // never completes
    const recent = attemptOf(await begin(stub, past + 25 * HOUR, "recent"));
    await stub.complete({
      now: past + 25 * HOUR,
      key: "recent",
      fingerprint: FP_A,
      attempt: recent,
      response: CREATED,
    });
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).not.toBeNull();
    // Read-only answers (neither creates a record): the stuck one and the completed one.
    const now = past + 25 * HOUR;
    const answers = () => Promise.all(["stuck", "recent"].map((key) => begin(stub, now, key)));
    const before = await answers();
    expect(before.map((a) => a.state)).toEqual(["expired_in_flight", "replay"]);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    // "old" expired 24 h after it completed, an hour before the newest time seen.
    expect((await rowsOf(stub, "SELECT key FROM records ORDER BY key")).map((r) => r.key)).toEqual([
      "recent",
      "stuck",
    ]);
    expect(await answers()).toEqual(before);
    expect((await begin(stub, now, "old")).state).toBe("new");
    // Once the newest time passes an expiry (plus the margin), that record goes.
    await begin(stub, past + 50 * HOUR, "later");
    await runDurableObjectAlarm(stub);
    expect((await rowsOf(stub, "SELECT key FROM records ORDER BY key")).map((r) => r.key)).toEqual(["later"]);
  });
});

describe("requestFingerprint", () => {
  it("is SHA-256 (FIPS 180-2 test vector)", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  const base = { method: "POST", path: "/v1/certificates", body: '{"hosts":["a.example"]}' };
  it.each([
    { name: "another method", other: { ...base, method: "PUT" } },
    { name: "another path", other: { ...base, path: "/v1/certificates?zone=z" } },
    { name: "another body", other: { ...base, body: '{"hosts":["b.example"]}' } },
    {
      name: "a path that swallows the body's first character (same bytes end to end)",
      other: { ...base, path: `${base.path}${base.body.slice(0, 1)}`, body: base.body.slice(1) },
    },
  ])("differs for $name", async ({ other }) => {
    expect(await requestFingerprint(other)).not.toBe(await requestFingerprint(base));
  });

  it("is the same for the same request, in any case of method and as text or bytes", async () => {
    const fp = await requestFingerprint(base);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(
      await requestFingerprint({ ...base, method: "post", body: new TextEncoder().encode(base.body) }),
    ).toBe(fp);
  });
});
