/** Every published Cloudflare pack status, one row each, and what an unknown one becomes. */
import { describe, expect, it } from "vitest";
import type { NormalizedStatus } from "../../../src/model/certificate";
import { CLOUDFLARE_STATUSES, type CloudflareStatus } from "../../../src/providers/cloudflare/schemas";
import { CLOUDFLARE_STATUS_TABLE, normalizeCloudflareStatus } from "../../../src/providers/cloudflare/status";
import spec from "../../fixtures/cloudflare-schema/certificate-packs.openapi.json";

const EXPECTED: Record<CloudflareStatus, NormalizedStatus> = {
  initializing: "pending",
  pending_validation: "pending_validation",
  deleted: "deleted",
  pending_issuance: "pending",
  pending_deployment: "pending",
  pending_deletion: "deleting",
  pending_expiration: "active",
  expired: "expired",
  active: "active",
  initializing_timed_out: "failed",
  validation_timed_out: "failed",
  issuance_timed_out: "failed",
  deployment_timed_out: "failed",
  deletion_timed_out: "failed",
  pending_cleanup: "deleting",
  staging_deployment: "staging",
  staging_active: "staging",
  deactivating: "deleting",
  inactive: "inactive",
  backup_issued: "active",
  holding_deployment: "pending",
};

describe("Cloudflare status table", () => {
  it("covers exactly the 21 statuses of the published schema", () => {
    const published = spec.components.schemas["tls-certificates-and-hostnames_status-5"].enum;
    expect([...CLOUDFLARE_STATUSES].sort()).toEqual([...published].sort());
    expect(Object.keys(CLOUDFLARE_STATUS_TABLE).sort()).toEqual([...published].sort());
    expect(published).toHaveLength(21);
  });

  it.each(Object.entries(EXPECTED))("%s -> %s", (status, normalized) => {
    expect(normalizeCloudflareStatus(status)).toBe(normalized);
  });

  it("every *_timed_out is failed", () => {
    for (const s of CLOUDFLARE_STATUSES.filter((s) => s.endsWith("_timed_out"))) {
      expect(normalizeCloudflareStatus(s)).toBe("failed");
    }
  });

  it.each(["brand_new_status", "", "ACTIVE"])("an unpublished status %j is unknown", (status) => {
    expect(normalizeCloudflareStatus(status)).toBe("unknown");
  });
});
