/**
 * Seeding: packs placed directly in any state with any expiry (demo data, monitor tests: active,
 * pending, timed out, near expiry, expired, deleted, non-advanced types...).
 * A seeded pack holds its status unless `advance: true`; an active pack always turns expired when its
 * certificates run out (lifecycle.ts), which is what an expiry monitor must notice.
 */
import { DAY, type Now } from "../clock";
import { behaviourOf } from "../hostnames";
import { cloudflareId } from "../ids";
import { caaErrorsFor, issueCertificates } from "./lifecycle";
import type {
  CertificateAuthority,
  Pack,
  PackStatus,
  PackType,
  Timings,
  ValidationMethod,
  ValidityDays,
} from "./model";
import { dcvDelegationRecordsFor, validationRecordsFor } from "./validation-records";

export interface PackSeed {
  /** 32 hex; random when omitted. */
  id?: string;
  hosts: string[];
  status: PackStatus;
  /** Default "advanced"; other types show up in lists like Cloudflare-managed packs do. */
  type?: PackType;
  validationMethod?: ValidationMethod;
  validityDays?: ValidityDays;
  certificateAuthority?: CertificateAuthority;
  cloudflareBranding?: boolean;
  /** Certificates' expiry (epoch ms). Default: `issuedOn + validityDays`. */
  expiresOn?: number;
  /** Certificates' issue time (epoch ms). Default: `expiresOn - validityDays`, or now. */
  issuedOn?: number;
  /** When the pack entered its status (default now). */
  since?: number;
  /** Extra CA errors (hosts under fail.certgate.test get the CAA error anyway). */
  validationErrors?: string[];
  /** Follow the normal timeline from the seeded status (default false). */
  advance?: boolean;
}

/** Statuses before a certificate exists: no `certificates[]` for them. */
const BEFORE_ISSUANCE: ReadonlySet<PackStatus> = new Set<PackStatus>([
  "initializing",
  "pending_validation",
  "pending_issuance",
  "pending_deployment",
  "initializing_timed_out",
  "validation_timed_out",
  "issuance_timed_out",
  "deployment_timed_out",
  "staging_deployment",
]);

const VALIDATING: ReadonlySet<PackStatus> = new Set<PackStatus>([
  "pending_validation",
  "validation_timed_out",
]);

function firstTransition(pack: Pack, timings: Timings, advance: boolean): number | null {
  if (pack.status === "active") {
    const expiries = pack.certificates.map((c) => c.expiresOn);
    return expiries.length > 0 ? Math.max(...expiries) : null;
  }
  if (!advance) return null;
  switch (pack.status) {
    case "initializing":
      return pack.since + timings.initializingMs;
    case "pending_validation":
      return pack.behaviour === "stall" ? null : pack.since + timings.validationMs;
    case "pending_issuance":
      return pack.since + timings.issuanceMs;
    case "pending_deployment":
      return pack.since + timings.deploymentMs;
    default:
      return null;
  }
}

export function packFromSeed(zoneId: string, seed: PackSeed, now: Now, timings: Timings): Pack {
  const at = now();
  const since = seed.since ?? at;
  const validityDays = seed.validityDays ?? 90;
  const issuedOn = seed.issuedOn ?? (seed.expiresOn !== undefined ? seed.expiresOn - validityDays * DAY : at);
  const expiresOn = seed.expiresOn ?? issuedOn + validityDays * DAY;
  const pack: Pack = {
    id: seed.id ?? cloudflareId(),
    zoneId,
    type: seed.type ?? "advanced",
    hosts: [...seed.hosts],
    status: seed.status,
    validationMethod: seed.validationMethod ?? "txt",
    validityDays,
    certificateAuthority: seed.certificateAuthority ?? "lets_encrypt",
    cloudflareBranding: seed.cloudflareBranding ?? false,
    behaviour: behaviourOf(seed.hosts),
    createdAt: Math.min(since, issuedOn),
    since,
    nextAt: null,
    certificates: [],
    validationRecords: [],
    dcvDelegationRecords: [],
    validationErrors: [...(seed.validationErrors ?? [])],
    deletedAt: seed.status === "deleted" ? since : null,
  };
  if (!BEFORE_ISSUANCE.has(pack.status)) {
    const certStatus = pack.status === "expired" || pack.status === "deleted" ? pack.status : "active";
    pack.certificates = issueCertificates(pack, issuedOn, expiresOn).map((c) => ({
      ...c,
      status: certStatus,
    }));
  }
  if (VALIDATING.has(pack.status)) {
    pack.validationRecords = validationRecordsFor(pack);
    if (pack.validationMethod === "txt") pack.dcvDelegationRecords = dcvDelegationRecordsFor(pack);
    if (pack.status === "validation_timed_out")
      for (const r of pack.validationRecords) r.status = "timed_out";
    if (pack.behaviour === "fail") {
      pack.validationErrors.push(...caaErrorsFor(pack.hosts));
    }
  }
  pack.nextAt = firstTransition(pack, timings, seed.advance === true);
  return pack;
}
