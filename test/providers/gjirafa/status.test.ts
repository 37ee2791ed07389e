/** Gjirafa's free-text statuses: every known spelling, case and separator variants, and unknown text. */
import { describe, expect, it } from "vitest";
import { NORMALIZED_STATUSES } from "../../../src/model/certificate";
import { GJIRAFA_STATUS_TABLE, normalizeGjirafaStatus } from "../../../src/providers/gjirafa/status";

const SPELLINGS: Array<[string, string]> = [
  ["Active", "active"],
  ["Valid", "active"],
  ["Issued", "active"],
  ["Expired", "expired"],
  ["Pending", "pending"],
  ["Created", "pending"],
  ["Issuing", "pending"],
  ["Processing", "pending"],
  ["In Progress", "pending"],
  ["Pending Issuance", "pending"],
  ["Pending Validation", "pending_validation"],
  ["Awaiting Validation", "pending_validation"],
  ["Validating", "pending_validation"],
  ["Failed", "failed"],
  ["Validation Failed", "failed"],
  ["Issuance Failed", "failed"],
  ["Error", "failed"],
  ["Revoked", "inactive"],
  ["Inactive", "inactive"],
  ["Disabled", "inactive"],
  ["Deleting", "deleting"],
  ["Pending Deletion", "deleting"],
  ["Deleted", "deleted"],
];

describe("Gjirafa status table", () => {
  it.each(SPELLINGS)("%s -> %s", (raw, normalized) => {
    expect(normalizeGjirafaStatus(raw)).toBe(normalized);
  });

  it.each([
    ["ACTIVE", "active"],
    ["  active ", "active"],
    ["pending_validation", "pending_validation"],
    ["PENDING-VALIDATION", "pending_validation"],
    ["Pending   Validation", "pending_validation"],
  ])("matches %j case- and separator-insensitively", (raw, normalized) => {
    expect(normalizeGjirafaStatus(raw)).toBe(normalized);
  });

  it.each(["Quantum", "", null, undefined, "constructor", "toString", "__proto__"])(
    "%j is unknown",
    (raw) => {
      expect(normalizeGjirafaStatus(raw)).toBe("unknown");
    },
  );

  it("maps only into the normalized set, and the test covers every row", () => {
    for (const value of Object.values(GJIRAFA_STATUS_TABLE)) expect(NORMALIZED_STATUSES).toContain(value);
    expect(SPELLINGS).toHaveLength(Object.keys(GJIRAFA_STATUS_TABLE).length);
  });
});
