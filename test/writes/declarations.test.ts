/**
 * Writes are provable by declaration: every route that changes something (any method but GET, on either
 * door or /v1) names its audit action, and every certificate write takes an Idempotency-Key, so a route
 * added later without them fails here, not in production. Reads take neither.
 */
import { describe, expect, it } from "vitest";
import { createWorker } from "../../src/worker";
import { testDeps } from "../helpers/deps";

const { routes } = createWorker(testDeps());
const endpoints = routes.filter((r) => r.method !== "ALL" && r.access !== "public");

describe("write routes declare their audit action and idempotency", () => {
  const writes = endpoints.filter((r) => r.method !== "GET");
  it("finds the writes of both doors and /v1", () => {
    expect(writes.length).toBeGreaterThanOrEqual(16);
    for (const prefix of ["/cloudflare/", "/gjirafa/", "/v1/"]) {
      expect(
        writes.some((r) => r.path.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
  });

  it.each(writes.map((r) => [r.method, r.path, r] as const))("%s %s is audited", (_m, _p, r) => {
    expect(r.audit).toMatch(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/);
  });

  it.each(writes.filter((r) => r.access === "certificates:write").map((r) => [r.method, r.path, r] as const))(
    "%s %s takes an Idempotency-Key",
    (_m, _p, r) => {
      expect(r.idempotency).toMatch(/^(creating|repeatable)$/);
      // Creating writes are the ones that could create twice: POSTs of an order, a create, an import, a rotation.
      expect(r.idempotency === "creating").toBe(
        r.method === "POST" && !r.path.endsWith("/validate") && !r.path.endsWith("/run"),
      );
    },
  );

  it("reads are neither audited nor idempotent (a cache hit touches no Durable Object)", () => {
    for (const r of endpoints.filter((e) => e.method === "GET")) {
      expect(r.audit, r.path).toBeUndefined();
      expect(r.idempotency, r.path).toBeUndefined();
    }
  });
});
