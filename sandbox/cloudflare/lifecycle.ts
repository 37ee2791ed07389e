/**
 * A pack's life on the simulated clock. The normal path (domain.md, seed 002):
 *   initializing -> pending_validation -> pending_issuance -> pending_deployment -> active
 * Transitions are applied lazily: before any read, `advance` replays every transition due by `now`, each at
 * its own scheduled instant, so timestamps are what they would have been had the pack been watched.
 * Reserved test domains (hostnames.ts) bend the path: stall holds pending_validation; timeout and fail end
 * in validation_timed_out after the validation step (fail also reports validation_errors while pending).
 * An active pack whose certificates have all expired becomes `expired` (the simulator never auto-renews, so
 * monitors can see a missed renewal).
 */
import { DAY } from "../clock";
import { baseHost, FAIL_DOMAIN, isUnder } from "../hostnames";
import { cloudflareId } from "../ids";
import { ISSUERS, type Pack, type PackCertificate, type PackStatus, type Timings } from "./model";
import { dcvDelegationRecordsFor, validationRecordsFor } from "./validation-records";

export const DEFAULT_TIMINGS: Timings = {
  initializingMs: 60_000,
  validationMs: 5 * 60_000,
  issuanceMs: 2 * 60_000,
  deploymentMs: 2 * 60_000,
  deletedRetentionMs: 30 * 60_000,
};

/** The CA's complaint for a host under the fail domain (seed 003's example message). */
export function caaError(host: string): string {
  return `SERVFAIL looking up CAA for ${baseHost(host)}`;
}

function startValidation(pack: Pack, at: number, timings: Timings): void {
  pack.status = "pending_validation";
  pack.since = at;
  pack.validationRecords = validationRecordsFor(pack);
  pack.dcvDelegationRecords = pack.validationMethod === "txt" ? dcvDelegationRecordsFor(pack) : [];
  pack.validationErrors = pack.behaviour === "fail" ? caaErrorsFor(pack.hosts) : [];
  pack.nextAt = pack.behaviour === "stall" ? null : at + timings.validationMs;
}

/** One CAA error per host under the fail domain. */
export function caaErrorsFor(hosts: readonly string[]): string[] {
  return hosts.filter((h) => isUnder(h, FAIL_DOMAIN)).map(caaError);
}

/** Two certificates per advanced pack, ECDSA first (Cloudflare serves ECDSA by default, RSA as fallback). */
export function issueCertificates(pack: Pack, issuedAt: number, expiresAt: number): PackCertificate[] {
  const common = {
    hosts: [...pack.hosts],
    status: "active",
    issuer: ISSUERS[pack.certificateAuthority],
    bundleMethod: "ubiquitous",
    uploadedOn: issuedAt,
    modifiedOn: issuedAt,
    expiresOn: expiresAt,
  };
  return [
    { ...common, id: cloudflareId(), signature: "ECDSAWithSHA256", priority: 2 },
    { ...common, id: cloudflareId(), signature: "SHA256WithRSA", priority: 1 },
  ];
}

function enter(pack: Pack, status: PackStatus, at: number, next: number | null): void {
  pack.status = status;
  pack.since = at;
  pack.nextAt = next;
}

/** Applies one due transition at `pack.nextAt`. */
function step(pack: Pack, timings: Timings): void {
  const at = pack.nextAt;
  if (at === null) return;
  switch (pack.status) {
    case "initializing":
      startValidation(pack, at, timings);
      return;
    case "pending_validation":
      if (pack.behaviour === "timeout" || pack.behaviour === "fail") {
        enter(pack, "validation_timed_out", at, null);
        for (const record of pack.validationRecords) record.status = "timed_out";
        return;
      }
      pack.validationRecords = [];
      pack.dcvDelegationRecords = [];
      pack.validationErrors = [];
      enter(pack, "pending_issuance", at, at + timings.issuanceMs);
      return;
    case "pending_issuance":
      enter(pack, "pending_deployment", at, at + timings.deploymentMs);
      return;
    case "pending_deployment": {
      const expiresAt = at + pack.validityDays * DAY;
      pack.certificates = issueCertificates(pack, at, expiresAt);
      enter(pack, "active", at, expiresAt);
      return;
    }
    case "active":
      for (const cert of pack.certificates) {
        cert.status = "expired";
        cert.modifiedOn = at;
      }
      enter(pack, "expired", at, null);
      return;
    default:
      pack.nextAt = null;
  }
}

/**
 * Cloudflare renewing an active pack (which the simulator never does by itself, so a monitor can see a
 * missed renewal): new certificates (new ids) valid from `at` for the pack's validity; the pack stays
 * `active` under the same id. Tests call it at the moment the real Cloudflare would renew.
 */
export function renewPack(pack: Pack, at: number): void {
  const expiresAt = at + pack.validityDays * DAY;
  pack.certificates = issueCertificates(pack, at, expiresAt);
  enter(pack, "active", at, expiresAt);
}

/** Brings a pack up to `now`. */
export function advance(pack: Pack, now: number, timings: Timings): void {
  while (pack.nextAt !== null && pack.nextAt <= now) step(pack, timings);
}

/** When an active pack turns expired: its last certificate expiry (null without certificates). */
export function expiryOf(pack: Pack): number | null {
  if (pack.certificates.length === 0) return null;
  return Math.max(...pack.certificates.map((c) => c.expiresOn));
}

/** PATCH `{}` (seed 002): only from validation_timed_out, back to pending_validation with fresh records. */
export function restartValidation(pack: Pack, now: number, timings: Timings): void {
  startValidation(pack, now, timings);
}

export function markDeleted(pack: Pack, now: number): void {
  enter(pack, "deleted", now, null);
  pack.deletedAt = now;
  pack.validationRecords = [];
  pack.dcvDelegationRecords = [];
  for (const cert of pack.certificates) {
    cert.status = "deleted";
    cert.modifiedOn = now;
  }
}

/** A deleted pack disappears (GET 404) once its retention has passed. */
export function isPurged(pack: Pack, now: number, timings: Timings): boolean {
  return pack.deletedAt !== null && now >= pack.deletedAt + timings.deletedRetentionMs;
}
