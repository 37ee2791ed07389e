/**
 * Optional remediation (MONITOR_REMEDIATE, off by default): ask the provider to run validation again for
 * certificates in `validation_timed_out`, the one timed-out state a restart can leave (Cloudflare:
 * https://developers.cloudflare.com/ssl/edge-certificates/advanced-certificate-manager/manage-certificates/).
 * At most MONITOR_REMEDIATE_MAX_PER_DAY attempts per certificate in any 24 hours, counted in STATE; every
 * attempt, successful or not, is in the report and in the digest.
 */
import { AppError } from "../errors";
import type { Certificate } from "../model/certificate";
import type { ConfiguredProvider } from "../providers/types";
import type { UpstreamContext } from "../upstream/context";
import type { Notification } from "./notifications";
import { certificateProblem } from "./problems";
import type { RemediationAttempt } from "./report";
import type { Source } from "./sources";
import type { OpenProblem } from "./state";

const DAY = 86_400_000;
export const REMEDIABLE_STATUS = "validation_timed_out";

export interface RemediationCandidate {
  source: Source;
  nativeId: string;
  cert: Certificate;
}

export interface RemediationInput {
  candidates: readonly RemediationCandidate[];
  /** Attempt times per certificate id (STATE). */
  history: Readonly<Record<string, number[]>>;
  maxPerDay: number;
  now: number;
  /** Takes one subrequest from the run's budget; false when none is left. */
  take: () => boolean;
  /** The upstream context of a restart on `provider` (governed as the monitor). */
  context: (provider: ConfiguredProvider) => UpstreamContext;
}

export interface RemediationOutput {
  attempts: RemediationAttempt[];
  history: Record<string, number[]>;
}

export function isRemediable(cert: Certificate): boolean {
  return cert.provider_status === REMEDIABLE_STATUS;
}

export async function remediate(input: RemediationInput): Promise<RemediationOutput> {
  const { now } = input;
  const history: Record<string, number[]> = {};
  // Keep only the last 24 hours: the window the daily limit counts.
  for (const [id, times] of Object.entries(input.history)) {
    const recent = times.filter((t) => now - t < DAY);
    if (recent.length > 0) history[id] = recent;
  }
  const attempts: RemediationAttempt[] = [];
  for (const c of input.candidates) {
    const done = history[c.cert.id] ?? [];
    if (done.length >= input.maxPerDay) continue;
    if (!input.take()) break;
    history[c.cert.id] = [...done, now];
    const { scope, provider } = c.source;
    const base = {
      certificate_id: c.cert.id,
      provider: scope.provider,
      scope: { kind: scope.kind, id: scope.id },
      at: new Date(now).toISOString(),
    };
    try {
      const answer = await provider.instance.requestValidation(input.context(provider), scope.id, c.nativeId);
      // An answer certgate cannot read is still a restart that happened: its status is then unknown.
      const after = answer.raw === null ? null : provider.instance.normalize(scope.id, answer.raw, now);
      attempts.push({
        ...base,
        outcome: "restarted",
        provider_status: after?.provider_status ?? null,
        error: null,
      });
    } catch (error) {
      const message = error instanceof AppError ? `${error.code}: ${error.message}` : "restart failed";
      attempts.push({ ...base, outcome: "failed", provider_status: c.cert.provider_status, error: message });
    }
  }
  return { attempts, history };
}

/**
 * One notification per remediation attempt, in the digest beside the transitions: what was tried on
 * which failed certificate, and how it went. Numbered after the run's `from` notifications.
 */
export function remediationNotices(
  attempts: readonly RemediationAttempt[],
  candidates: readonly RemediationCandidate[],
  open: readonly OpenProblem[],
  runId: string,
  now: number,
  from: number,
): Notification[] {
  const out: Notification[] = [];
  for (const a of attempts) {
    const cert = candidates.find((c) => c.cert.id === a.certificate_id)?.cert;
    if (!cert) continue;
    const note =
      a.outcome === "restarted"
        ? `validation restarted, now ${a.provider_status}`
        : `restart failed: ${a.error}`;
    const problem = certificateProblem(
      "failed",
      cert,
      "critical",
      `${cert.hosts[0] ?? cert.id}: ${note}`,
      {},
    );
    const first = open.find((p) => p.fingerprint === problem.fingerprint)?.first_seen ?? now;
    out.push({
      id: `${runId}:r${from + out.length + 1}`,
      event: "remediation",
      at: a.at,
      note,
      problem: { ...problem, first_seen: new Date(first).toISOString() },
    });
  }
  return out;
}
