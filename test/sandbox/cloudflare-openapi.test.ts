/**
 * The schema check itself: that it catches violations (so the harness's "every response validates" is not
 * vacuous), that the published 4XX schemas cannot be satisfied as written (why failures are checked against
 * the failure half, openapi.ts), and a sweep of every pack status and type through list and get.
 */
import { describe, expect, it } from "vitest";
import { PACK_STATUSES, PACK_TYPES } from "../../sandbox/index";
import { type CfPack, cloudflareHarness, ZONE } from "./cf-harness";
import { checkCloudflareResponse, operationFor, publishedSchema, ROOT, validate } from "./openapi";

const LIST = `/client/v4/zones/${ZONE.id}/ssl/certificate_packs`;

describe("the schema check", () => {
  it("finds every operation of the document by method and concrete path", () => {
    expect(operationFor("GET", LIST)?.template).toBe("/zones/{zone_id}/ssl/certificate_packs");
    expect(operationFor("POST", `${LIST}/order`)?.template).toBe(
      "/zones/{zone_id}/ssl/certificate_packs/order",
    );
    expect(operationFor("GET", `${LIST}/quota`)?.template).toBe(
      "/zones/{zone_id}/ssl/certificate_packs/quota",
    );
    for (const method of ["GET", "PATCH", "DELETE"]) {
      expect(operationFor(method, `${LIST}/${"a".repeat(32)}`)?.template).toBe(
        "/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}",
      );
    }
  });

  it.each([
    ["a pack without required fields", { success: true, errors: [], messages: [], result: [{ id: "x" }] }],
    ["an unknown status", { success: true, errors: [], messages: [], result: [pack({ status: "issued" })] }],
    ["an unknown type", { success: true, errors: [], messages: [], result: [pack({ type: "custom" })] }],
    [
      "an id over 32 characters",
      { success: true, errors: [], messages: [], result: [pack({ id: "a".repeat(33) })] },
    ],
    [
      "a non-date expires_on",
      {
        success: true,
        errors: [],
        messages: [],
        result: [pack({ certificates: [cert({ expires_on: "soon" })] })],
      },
    ],
    ["validity_days 60", { success: true, errors: [], messages: [], result: [pack({ validity_days: 60 })] }],
    ["success false on a 200", { success: false, errors: [], messages: [], result: [] }],
    ["missing messages", { success: true, errors: [], result: [] }],
  ])("rejects a 200 list body with %s", (_name, body) => {
    expect(checkCloudflareResponse("GET", LIST, 200, body)).not.toEqual([]);
  });

  it.each([
    ["success true", { success: true, errors: [{ code: 1000, message: "x" }], messages: [], result: null }],
    [
      "a code below 1000",
      { success: false, errors: [{ code: 971, message: "x" }], messages: [], result: null },
    ],
    ["string errors", { success: false, errors: ["x"], messages: [], result: null }],
    [
      "a non-null result",
      { success: false, errors: [{ code: 1000, message: "x" }], messages: [], result: {} },
    ],
    ["no result", { success: false, errors: [{ code: 1000, message: "x" }], messages: [] }],
  ])("rejects a failure body with %s", (_name, body) => {
    expect(checkCloudflareResponse("GET", LIST, 400, body)).not.toEqual([]);
  });

  it("accepts a minimal valid failure", () => {
    const body = {
      success: false,
      errors: [{ code: 7003, message: "No route for the URI" }],
      messages: [],
      result: null,
    };
    expect(checkCloudflareResponse("GET", "/nowhere", 404, body)).toEqual([]);
    expect(checkCloudflareResponse("GET", LIST, 400, body)).toEqual([]);
  });

  it("shows the published 4XX allOf is unsatisfiable: success must be both true and false", () => {
    const schema = publishedSchema("/zones/{zone_id}/ssl/certificate_packs", "get", "4XX");
    if (schema === undefined) throw new Error("the document has no 4XX schema for the list");
    for (const success of [true, false]) {
      const body = { success, errors: [{ code: 1000, message: "x" }], messages: [], result: null };
      expect(validate(schema, body, ROOT).some((v) => v.includes("/success"))).toBe(true);
    }
  });
});

describe("every pack status and type renders to the published shape", () => {
  it("through list (status=all) and get", async () => {
    const h = cloudflareHarness({ zones: [{ ...ZONE, allocated: 1000 }] });
    for (const status of PACK_STATUSES) {
      for (const method of ["txt", "http", "email"] as const) {
        h.sim.seedPack(ZONE.id, {
          hosts: ["example.com", "*.example.com"],
          status,
          validationMethod: method,
        });
      }
    }
    for (const type of PACK_TYPES)
      h.sim.seedPack(ZONE.id, { hosts: ["example.com"], status: "active", type });
    let page = 1;
    const seen: CfPack[] = [];
    for (;;) {
      const res = await h.call<CfPack[]>(
        "GET",
        `/zones/${ZONE.id}/ssl/certificate_packs?status=all&per_page=50&page=${page}`,
      );
      seen.push(...res.body.result);
      if (res.body.result.length < 50) break;
      page += 1;
    }
    expect(seen).toHaveLength(PACK_STATUSES.length * 3 + PACK_TYPES.length);
    for (const p of seen.slice(0, 10)) await h.call("GET", `/zones/${ZONE.id}/ssl/certificate_packs/${p.id}`);
    expect(h.violations).toEqual([]);
    expect(h.checkedCount()).toBeGreaterThan(3);
  });
});

function cert(change: Record<string, unknown> = {}) {
  return {
    id: "c".repeat(32),
    hosts: ["example.com"],
    status: "active",
    expires_on: "2026-01-01T00:00:00Z",
    ...change,
  };
}

function pack(change: Record<string, unknown> = {}) {
  return {
    id: "a".repeat(32),
    type: "advanced",
    hosts: ["example.com"],
    status: "active",
    certificates: [cert()],
    ...change,
  };
}
