/**
 * Deletions seen outside certgate: a certificate the monitor saw last time (not deleted) that is now
 * gone from the list, or that turned `deleted`/`deleting`, with no certgate deletion marker
 * (deletions.ts). Only transitions the monitor witnessed count: a pack already deleted when first
 * seen says nothing about who deleted it.
 */
import type { Certificate } from "../../model/certificate";
import type { Scope } from "../../model/scope";
import type { Problem } from "../problems";

/** What the monitor remembers of one certificate between runs (STATE, state.ts). */
export interface Observation {
  /** Unified certificate id. */
  certificate_id: string;
  hosts: string[];
  /** Normalized status. */
  status: string;
  provider_status: string;
  /** First time the monitor saw it in `provider_status` (epoch ms). */
  status_since: number;
  expires_at: string | null;
}

const GONE = new Set(["deleted", "deleting"]);

export interface DeletionCandidate {
  nativeId: string;
  observed: "disappeared" | "status_deleted";
  previous: Observation;
  current: Certificate | null;
}

/** Transitions to "gone" since the last observation, before the markers are consulted. */
export function deletionCandidates(
  previous: Record<string, Observation>,
  current: ReadonlyMap<string, Certificate>,
): DeletionCandidate[] {
  const out: DeletionCandidate[] = [];
  for (const [nativeId, prev] of Object.entries(previous)) {
    if (GONE.has(prev.status)) continue;
    const cert = current.get(nativeId);
    if (!cert) out.push({ nativeId, observed: "disappeared", previous: prev, current: null });
    else if (GONE.has(cert.status))
      out.push({ nativeId, observed: "status_deleted", previous: prev, current: cert });
  }
  return out;
}

export function deletionProblem(target: Scope, c: DeletionCandidate): Problem {
  const label = c.previous.hosts[0] ?? c.previous.certificate_id;
  return {
    // Keyed without expiry: one event per certificate id.
    fingerprint: `deleted_outside_certgate:${c.previous.certificate_id}`,
    kind: "deleted_outside_certgate",
    severity: "warning",
    level: "warning",
    provider: target.provider,
    scope: { kind: target.kind, id: target.id },
    certificate_id: c.previous.certificate_id,
    hosts: c.previous.hosts,
    message:
      c.observed === "disappeared"
        ? `${label}: disappeared from ${target.provider} without a delete through certgate`
        : `${label}: turned ${c.current?.provider_status ?? "deleted"} without a delete through certgate`,
    details: {
      observed: c.observed,
      provider_status: c.current?.provider_status ?? c.previous.provider_status,
      expires_at: c.previous.expires_at,
    },
    owner: null,
    runbook: null,
  };
}
