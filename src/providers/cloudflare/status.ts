/**
 * Cloudflare pack status -> certgate's normalized status. EXHAUSTIVE over the 21 published statuses
 * (`Record<CloudflareStatus, ...>`): a status added to schemas.ts without a row here is a compile error.
 * A status Cloudflare sends that is not in the schema yet normalizes to `unknown` (provider_status keeps it).
 *
 * Normal path: initializing -> pending_validation -> pending_issuance -> pending_deployment -> active
 * (https://developers.cloudflare.com/ssl/reference/certificate-statuses/).
 */
import type { NormalizedStatus } from "../../model/certificate";
import { type CloudflareStatus, isCloudflareStatus } from "./schemas";

export const CLOUDFLARE_STATUS_TABLE: Readonly<Record<CloudflareStatus, NormalizedStatus>> = {
  initializing: "pending",
  // The user must act (publish TXT/HTTP records or answer mail): kept apart from plain "pending".
  pending_validation: "pending_validation",
  pending_issuance: "pending",
  pending_deployment: "pending",
  active: "active",
  // A certificate is issued and serving; Cloudflare holds a backup certificate in reserve. Serving = active.
  backup_issued: "active",
  // Issued and waiting to be deployed (e.g. held until the previous certificate can be replaced): not serving yet.
  holding_deployment: "pending",
  // Still serving until its certificates expire; the expiry fields tell how long. Renewal monitoring
  // watches days_remaining, so the pack counts as active, not as expired.
  pending_expiration: "active",
  expired: "expired",
  // Every *_timed_out needs action: a restart is possible only from validation_timed_out.
  initializing_timed_out: "failed",
  validation_timed_out: "failed",
  issuance_timed_out: "failed",
  deployment_timed_out: "failed",
  deletion_timed_out: "failed",
  pending_deletion: "deleting",
  pending_cleanup: "deleting",
  deactivating: "deleting",
  deleted: "deleted",
  inactive: "inactive",
  staging_deployment: "staging",
  staging_active: "staging",
};

export function normalizeCloudflareStatus(status: string): NormalizedStatus {
  return isCloudflareStatus(status) ? CLOUDFLARE_STATUS_TABLE[status] : "unknown";
}
