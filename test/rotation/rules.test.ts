/** The rotation's pure judgements, table by table (rules.ts, settings.ts, ids.ts). */
import { describe, expect, it } from "vitest";
import { newOperationId, zoneOfOperation } from "../../src/rotation/ids";
import type { PackView } from "../../src/rotation/port";
import {
  findReplacement,
  hasRoom,
  missingHosts,
  pollDelayMs,
  progressOf,
  replaceable,
  validationDeadline,
} from "../../src/rotation/rules";
import { rotationSettingsFromEnv } from "../../src/rotation/settings";

function pack(overrides: Partial<PackView> = {}): PackView {
  return {
    id: "old",
    type: "advanced",
    status: "active",
    hosts: ["example.com", "www.example.com"],
    validityDays: 90,
    certificateAuthority: "google",
    validationMethod: "txt",
    validationRecords: [],
    dcvDelegationRecords: [],
    expiresOn: "2027-01-01T00:00:00Z",
    ...overrides,
  };
}

describe("which packs can be rotated", () => {
  const table: Array<[string, Partial<PackView>, boolean]> = [
    ["an active advanced pack", {}, true],
    ["a pending one (a replacement is as good)", { status: "pending_validation" }, true],
    ["an expired one", { status: "expired" }, true],
    ["a universal pack (orders accept only advanced)", { type: "universal" }, false],
    ["an untyped pack", { type: null }, false],
    ["a deleted pack", { status: "deleted" }, false],
    ["a pack mid-deletion", { status: "pending_deletion" }, false],
    ["no certificate authority", { certificateAuthority: null }, false],
    ["an authority orders do not take", { certificateAuthority: "digicert" }, false],
    ["a validity orders do not take", { validityDays: 180 }, false],
    ["no validation method", { validationMethod: null }, false],
    ["no hosts", { hosts: [] }, false],
    ["51 hosts", { hosts: Array.from({ length: 51 }, (_, i) => `h${i}.example.com`) }, false],
  ];
  it.each(table)("%s: %s", (_name, overrides, ok) => {
    const verdict = replaceable(pack(overrides));
    expect(verdict.ok).toBe(ok);
    if (verdict.ok) {
      expect(verdict.order).toEqual({
        hosts: pack(overrides).hosts,
        certificateAuthority: "google",
        validityDays: 90,
        validationMethod: "txt",
      });
    } else {
      expect(verdict.message.length).toBeGreaterThan(10);
    }
  });
});

describe("where a replacement stands", () => {
  it.each([
    ["active", "serving"],
    ["backup_issued", "serving"],
    ["initializing", "waiting"],
    ["pending_validation", "waiting"],
    ["pending_issuance", "waiting"],
    ["pending_deployment", "waiting"],
    ["holding_deployment", "waiting"],
    ["staging_deployment", "waiting"],
    ["staging_active", "waiting"],
    ["a-status-from-tomorrow", "waiting"],
    [null, "waiting"],
    ["validation_timed_out", "failed:validation_timed_out"],
    ["initializing_timed_out", "failed:new_pack_failed"],
    ["issuance_timed_out", "failed:new_pack_failed"],
    ["deployment_timed_out", "failed:new_pack_failed"],
    ["deletion_timed_out", "failed:new_pack_failed"],
    ["expired", "failed:new_pack_failed"],
    ["pending_expiration", "failed:new_pack_failed"],
    ["inactive", "failed:new_pack_failed"],
    ["deleted", "failed:new_pack_failed"],
    ["pending_deletion", "failed:new_pack_failed"],
    ["pending_cleanup", "failed:new_pack_failed"],
    ["deactivating", "failed:new_pack_failed"],
  ])("%s -> %s", (status, expected) => {
    const p = progressOf(pack({ status }));
    expect(p.kind === "failed" ? `failed:${p.reason}` : p.kind).toBe(expected);
  });
});

describe("coverage, quota, deadlines, backoff", () => {
  it("compares hosts lowercase and names what is missing", () => {
    expect(missingHosts(["Example.com", "WWW.example.com"], ["example.com", "www.example.com"])).toEqual([]);
    expect(
      missingHosts(["example.com", "*.example.com", "a.example.com"], ["example.com", "*.example.com"]),
    ).toEqual(["a.example.com"]);
  });

  it.each([
    [{ allocated: 10, used: 9 }, true],
    [{ allocated: 10, used: 10 }, false],
    [{ allocated: 0, used: 0 }, false],
    [{ allocated: null, used: 3 }, true],
  ])("quota %o has room: %s", (quota, room) => {
    expect(hasRoom(quota)).toBe(room);
  });

  it("the deadline is the DCV token lifetime, or the configured wait when shorter", () => {
    const day = 86_400_000;
    expect(validationDeadline(0, "lets_encrypt", null)).toBe(7 * day);
    expect(validationDeadline(0, "google", null)).toBe(14 * day);
    expect(validationDeadline(0, "ssl_com", null)).toBe(14 * day);
    expect(validationDeadline(5, "google", day)).toBe(5 + day);
    expect(validationDeadline(0, "lets_encrypt", 30 * day)).toBe(7 * day);
  });

  it("backs off exponentially with a cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 40].map((n) => pollDelayMs(n, 30_000, 1_800_000))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000,
    ]);
  });
});

describe("finding the replacement a lost answer left behind", () => {
  const order = {
    hosts: ["example.com", "www.example.com"],
    certificateAuthority: "google" as const,
    validityDays: 90 as const,
    validationMethod: "txt" as const,
  };

  it.each([
    ["a new pack matching the order", pack({ id: "n1", status: "initializing" }), "n1"],
    [
      "a new pack with fewer hosts (found, then refused by the coverage check)",
      pack({ id: "n2", hosts: ["example.com"] }),
      "n2",
    ],
    ["a pack that existed before", pack({ id: "before" }), null],
    ["another authority", pack({ id: "n3", certificateAuthority: "lets_encrypt" }), null],
    ["another validity", pack({ id: "n4", validityDays: 30 }), null],
    ["another method", pack({ id: "n5", validationMethod: "http" }), null],
    ["a host the order does not have", pack({ id: "n6", hosts: ["example.com", "api.example.com"] }), null],
    ["a pack being deleted", pack({ id: "n7", status: "pending_deletion" }), null],
    ["a pack of another type", pack({ id: "n8", type: "universal" }), null],
  ])("%s", (_name, candidate, found) => {
    expect(findReplacement([candidate], order, ["before", "old"])?.id ?? null).toBe(found);
  });
});

describe("operation ids and settings", () => {
  const zone = "0123456789abcdef0123456789abcdef";

  it("an operation id is a Workflow instance id that names its zone", () => {
    const id = newOperationId(zone);
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]*$/);
    expect(id.length).toBeLessThanOrEqual(64);
    expect(zoneOfOperation(id)).toBe(zone);
    expect(newOperationId(zone)).not.toBe(id);
    expect(zoneOfOperation(`rot-${zone}-zz`)).toBeNull();
    expect(() => newOperationId("example.com")).toThrow(TypeError);
  });

  it("settings default safely and name a bad setting without its value", () => {
    expect(rotationSettingsFromEnv({})).toEqual({
      ok: true,
      settings: { pollInitialMs: 30_000, pollMaxMs: 1_800_000, validationTimeoutMs: null },
    });
    expect(
      rotationSettingsFromEnv({
        ROTATION_POLL_INITIAL_SECONDS: "10",
        ROTATION_POLL_MAX_SECONDS: "600",
        ROTATION_VALIDATION_TIMEOUT_HOURS: "48",
      }),
    ).toEqual({
      ok: true,
      settings: { pollInitialMs: 10_000, pollMaxMs: 600_000, validationTimeoutMs: 172_800_000 },
    });
    const bad = rotationSettingsFromEnv({ ROTATION_POLL_MAX_SECONDS: "secret-looking-value" });
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain("secret-looking-value");
    expect(bad.ok ? [] : bad.settings.map((s) => s.name)).toEqual(["ROTATION_POLL_MAX_SECONDS"]);
    const inverted = rotationSettingsFromEnv({
      ROTATION_POLL_INITIAL_SECONDS: "600",
      ROTATION_POLL_MAX_SECONDS: "60",
    });
    expect(inverted.ok).toBe(false);
  });
});
