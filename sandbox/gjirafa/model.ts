/**
 * The Gjirafa simulator's state: projects and their certificates (seed 004). Statuses are free text
 * upstream ("Active, Expired etc", seed 004; domain.md): the simulator uses the words below and lets
 * seeds store any other value.
 */
import type { ValidationBehaviour } from "../hostnames";

export const CERTIFICATE_TYPES = ["Gjirafa Issued", "Imported"] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];

export const GJIRAFA_STATUS = {
  pendingValidation: "Pending Validation",
  active: "Active",
  expired: "Expired",
  failed: "Failed",
  /** An imported certificate whose notBefore is still ahead. */
  notYetValid: "Inactive",
} as const;

/** Seed 004 `scopeOptions`: scope name -> scopeId; list items show the name as `scope` ("Project or Organization"). */
export const SCOPE_OPTIONS: Readonly<Record<string, number>> = { Project: 1, Organization: 2 };

export interface ProjectConfig {
  /** uuid (seed 004: `projectId` is string($uuid)). */
  id: string;
  name?: string;
}

export interface DnsRecord {
  key: string;
  value: string;
}

export interface GjirafaCertificate {
  /** int32 (seed 004). */
  id: number;
  projectId: string;
  scopeId: number;
  sslCertificateId: string;
  distributionId: string | null;
  domainName: string;
  additionalNames: string[];
  publicKeyInfo: string | null;
  signatureAlgorithm: string | null;
  issuer: string | null;
  certificateType: string;
  /** Stored status; "Active" reads as "Expired" once notAfter has passed. */
  status: string;
  certificateChallenge: string | null;
  serialNumber: string | null;
  dnsRecords: DnsRecord[];
  notBefore: number | null;
  notAfter: number | null;
  lastModified: number;
  behaviour: ValidationBehaviour;
}

export interface Project {
  id: string;
  name: string;
  certificates: Map<number, GjirafaCertificate>;
}

/** What Let's Encrypt issues through Gjirafa (domain.md: issued certificates come from Let's Encrypt). */
export const ISSUED = {
  validityDays: 90,
  issuer: "CN=R11, O=Let's Encrypt, C=US",
  signatureAlgorithm: "sha256RSA",
  publicKeyInfo: "RSA (2048 Bits)",
} as const;
