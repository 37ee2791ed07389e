/**
 * Gjirafa's `certificateStatus` is free text ("Active, Expired etc" in its documentation; no enumeration
 * is published). Known spellings are matched case-insensitively, with runs of spaces, `_` and `-`
 * read as one space ("Pending Validation" = "pending_validation" = "PENDING-VALIDATION"). Anything else
 * normalizes to `unknown`; the certificate is never dropped and provider_status keeps the raw text.
 */
import type { NormalizedStatus } from "../../model/certificate";

export const GJIRAFA_STATUS_TABLE: Readonly<Record<string, NormalizedStatus>> = {
  active: "active",
  valid: "active",
  issued: "active",
  expired: "expired",
  pending: "pending",
  created: "pending",
  issuing: "pending",
  processing: "pending",
  "in progress": "pending",
  "pending issuance": "pending",
  // The DNS TXT records must be published: the user has to act.
  "pending validation": "pending_validation",
  "awaiting validation": "pending_validation",
  validating: "pending_validation",
  failed: "failed",
  "validation failed": "failed",
  "issuance failed": "failed",
  error: "failed",
  // Revoked: no longer usable but not a process that failed; the monitor sees it as not serving.
  revoked: "inactive",
  inactive: "inactive",
  disabled: "inactive",
  deleting: "deleting",
  "pending deletion": "deleting",
  deleted: "deleted",
};

export function statusKey(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");
}

export function normalizeGjirafaStatus(raw: string | null | undefined): NormalizedStatus {
  if (!raw) return "unknown";
  const key = statusKey(raw);
  // Own keys only: "constructor" or "toString" must not find Object.prototype.
  return Object.hasOwn(GJIRAFA_STATUS_TABLE, key) ? (GJIRAFA_STATUS_TABLE[key] ?? "unknown") : "unknown";
}
