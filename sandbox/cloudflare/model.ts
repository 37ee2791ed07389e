/**
 * The Cloudflare simulator's state: zones and their certificate packs. Enumerations are copied from the
 * published schema (seed 002 / the OpenAPI file), so a simulated pack can only hold values the real API can send.
 */
import type { ValidationBehaviour } from "../hostnames";

/** Seed 002: the 21 pack statuses. */
export const PACK_STATUSES = [
  "initializing",
  "pending_validation",
  "deleted",
  "pending_issuance",
  "pending_deployment",
  "pending_deletion",
  "pending_expiration",
  "expired",
  "active",
  "initializing_timed_out",
  "validation_timed_out",
  "issuance_timed_out",
  "deployment_timed_out",
  "deletion_timed_out",
  "pending_cleanup",
  "staging_deployment",
  "staging_active",
  "deactivating",
  "inactive",
  "backup_issued",
  "holding_deployment",
] as const;
export type PackStatus = (typeof PACK_STATUSES)[number];

/** Seed 003: response pack types. Orders accept only "advanced". */
export const PACK_TYPES = [
  "mh_custom",
  "managed_hostname",
  "sni_custom",
  "universal",
  "advanced",
  "total_tls",
  "keyless",
  "legacy_custom",
] as const;
export type PackType = (typeof PACK_TYPES)[number];

export const VALIDATION_METHODS = ["txt", "http", "email"] as const;
export type ValidationMethod = (typeof VALIDATION_METHODS)[number];

export const VALIDITY_DAYS = [14, 30, 90, 365] as const;
export type ValidityDays = (typeof VALIDITY_DAYS)[number];

export const CERTIFICATE_AUTHORITIES = ["google", "lets_encrypt", "ssl_com"] as const;
export type CertificateAuthority = (typeof CERTIFICATE_AUTHORITIES)[number];

/** Statuses that no longer count against the quota and that DELETE refuses with 1406 (domain.md). */
export const DELETING_STATUSES: readonly PackStatus[] = ["deleted", "pending_deletion"];

/** Issuer names as Cloudflare prints them (seed 003 example: "Let's Encrypt"). */
export const ISSUERS: Record<CertificateAuthority, string> = {
  lets_encrypt: "Let's Encrypt",
  google: "Google Trust Services",
  ssl_com: "SSL.com",
};

export interface ZoneConfig {
  /** 32 hex characters. */
  id: string;
  /** The zone apex, e.g. "example.com": every order must contain it (seed 001). */
  name: string;
  /** Advanced Certificate Manager enabled (default true); without it orders fail with 1450. */
  acm?: boolean;
  /** Advanced packs allocated (default 100). */
  allocated?: number;
}

export interface Zone {
  id: string;
  name: string;
  acm: boolean;
  allocated: number;
  /** Insertion order is list order. */
  packs: Map<string, Pack>;
}

/** One validation or DCV delegation record, in wire form (seed 000 validation_records[]). */
export interface ValidationRecord {
  txt_name?: string;
  txt_value?: string;
  http_url?: string;
  http_body?: string;
  cname?: string;
  cname_target?: string;
  emails?: string[];
  status: string;
}

export interface PackCertificate {
  id: string;
  hosts: string[];
  status: string;
  issuer: string;
  signature: "ECDSAWithSHA256" | "SHA256WithRSA";
  bundleMethod: string;
  uploadedOn: number;
  modifiedOn: number;
  expiresOn: number;
  priority: number;
}

export interface Pack {
  id: string;
  zoneId: string;
  type: PackType;
  hosts: string[];
  status: PackStatus;
  validationMethod: ValidationMethod;
  validityDays: ValidityDays;
  certificateAuthority: CertificateAuthority;
  cloudflareBranding: boolean;
  /** Decided by the hosts (hostnames.ts); the reserved test domains stall, time out or fail validation. */
  behaviour: ValidationBehaviour;
  createdAt: number;
  /** When the current status was entered. */
  since: number;
  /** When the next automatic transition happens; null: the pack holds its status. */
  nextAt: number | null;
  certificates: PackCertificate[];
  validationRecords: ValidationRecord[];
  dcvDelegationRecords: ValidationRecord[];
  validationErrors: string[];
  /** Set when DELETE succeeded: a GET answers `deleted` until `deletedAt + deletedRetentionMs`, then 404. */
  deletedAt: number | null;
}

export interface Timings {
  initializingMs: number;
  validationMs: number;
  issuanceMs: number;
  deploymentMs: number;
  /** How long a deleted pack still answers GET with status "deleted" (domain.md). */
  deletedRetentionMs: number;
}
