/**
 * Status checks for one certificate:
 * - `failed` (the normalized form of every `*_timed_out`) needs action: critical, with its records;
 * - `expired` as reported by the provider: critical (the expiry problem's last level, same fingerprint);
 * - a pending state held longer than `stuckHours`, counted from when the monitor FIRST saw the
 *   certificate in that provider status (the provider gives no "since"): warning;
 * - validation errors reported by the CA: warning, WITH the records the user must publish.
 */
import type { Certificate } from "../../model/certificate";
import { certificateProblem, expiryProblemKey, type Problem, validationDetails } from "../problems";

const HOUR = 3_600_000;
const PENDING = new Set(["pending", "pending_validation"]);

export interface StatusCheckInput {
  now: number;
  stuckHours: number;
  /** When the monitor first saw this certificate in its current provider status (epoch ms). */
  statusSince: number;
}

export function isPending(cert: Certificate): boolean {
  return PENDING.has(cert.status);
}

export function statusProblems(cert: Certificate, input: StatusCheckInput): Problem[] {
  const problems: Problem[] = [];
  const label = cert.hosts[0] ?? cert.id;
  if (cert.status === "failed") {
    problems.push(
      certificateProblem(
        "failed",
        cert,
        "critical",
        `${label}: ${cert.provider_status}, needs action`,
        validationDetails(cert),
      ),
    );
    // The failure carries the records and errors; a second validation_errors alert would repeat it.
    return problems;
  }
  if (cert.status === "expired") {
    // The same problem as the expiry check's `expired` level (one lifecycle per certificate and expiry).
    const expired = certificateProblem(
      "expired",
      cert,
      "critical",
      `${label}: certificate expired`,
      {},
      "expired",
    );
    problems.push({ ...expired, fingerprint: expiryProblemKey(cert) });
    return problems;
  }
  if (isPending(cert) && input.now - input.statusSince >= input.stuckHours * HOUR) {
    const hours = Math.floor((input.now - input.statusSince) / HOUR);
    problems.push(
      certificateProblem(
        "stuck",
        cert,
        "warning",
        `${label}: ${cert.provider_status} for ${hours}h (first seen ${new Date(input.statusSince).toISOString()})`,
        { ...validationDetails(cert), pending_since: new Date(input.statusSince).toISOString() },
      ),
    );
  }
  if (cert.validation.errors.length > 0 && cert.status !== "deleted" && cert.status !== "deleting") {
    problems.push(
      certificateProblem(
        "validation_errors",
        cert,
        "warning",
        `${label}: validation errors: ${cert.validation.errors.join("; ")}`,
        validationDetails(cert),
      ),
    );
  }
  return problems;
}
