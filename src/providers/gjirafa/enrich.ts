/**
 * A project's full list, each item enriched with its detail. Gjirafa's list item (GET .../certificates)
 * carries id, distributionId, sslCertificateId, domainName, additionalNames, certificateType,
 * certificateStatus, scope and lastModified: no notBefore/notAfter, issuer, dnsRecords or
 * certificateChallenge. Those exist only on the detail (GET .../certificates/{id}). The list cache, the
 * unified list (`expires_at`, `days_remaining`, `expiring_within`) and the monitor (expiry ladder, late
 * renewal, stuck validation) all read the listed objects, so without the detail Gjirafa certificates
 * could never be seen expiring.
 *
 * Merge: list item fields, then detail fields (the detail wins on overlap; unknown fields of both are
 * kept, the schema is loose). The item's `lastModified`, `distributionId` and `scope` survive because
 * the detail has none.
 *
 * Failures, never a silent gap:
 * - a detail answering 404 means the certificate was deleted between the list and the get: the item
 *   is dropped (the list would not have shown it a moment later either);
 * - a detail whose certificate certgate cannot read (a field of the wrong type) leaves the item as the
 *   list had it, with a note; it is asked for again on the next load;
 * - any other failure (5xx after retries, 401/403, timeout, the deadline, a wrong shape, a detail for
 *   another id) fails the whole load with that AppError; no further details are requested once one has
 *   failed. The list cache then serves its last copy as stale-if-error (src/cache/).
 */
import { MAX_UPSTREAM_IN_FLIGHT, mapSettled } from "../../concurrency";
import { AppError, isAppError } from "../../errors";
import { MAX_NOTES } from "../../model/list-notes";
import type { UpstreamContext } from "../../upstream/context";
import { issuesText } from "../answers";
import type { ScopeList } from "../types";
import type { GjirafaClient } from "./client";
import { type GjirafaCertificate, GjirafaCertificateSchema } from "./schemas";

/** The list item with its detail laid over it. */
export function mergeDetail(item: GjirafaCertificate, detail: GjirafaCertificate): GjirafaCertificate {
  return { ...item, ...detail };
}

type Enriched = { kept: true; cert: GjirafaCertificate; note?: string } | { kept: false };

/**
 * Cost: the list pages (as many as the server's page size needs) + 1 GET per certificate that changed since
 * `previous` (its `lastModified` or status differs, or it is new), i.e. 1 + N requests the first time
 * and about 1 request a refresh after that, for a project of up to 100 certificates, every one (retries too)
 * sent through `ctx.fetch`, so a capped fetch (the monitor's budget) counts them all.
 * At most MAX_UPSTREAM_IN_FLIGHT (6) details are in flight, all within `ctx.deadline`.
 * What keeps this affordable: the list cache refreshes a project at most once per fresh window
 * (coalesced per isolate), and the monitor's planner budgets each scope by its measured cost of the
 * last check (src/monitor/plan.ts `last_cost`), not by a fixed guess.
 */
export async function listAllEnriched(
  client: GjirafaClient,
  ctx: UpstreamContext,
  project: string,
  previous: readonly GjirafaCertificate[] = [],
): Promise<ScopeList<GjirafaCertificate>> {
  const listed = await client.listAllCertificates(ctx, project);
  const items = listed.items;
  const reusable = reusableDetails(previous);
  const needed = items.filter((item) => !reuse(reusable, item)).length;
  // Under a hard subrequest cap (the monitor's budget), say at once what the details would cost
  // rather than spend what is left on a load that cannot finish.
  if (ctx.budget && ctx.budget.remaining() < needed) {
    throw new AppError(
      "subrequest_budget_exhausted",
      "This run's subrequest budget cannot cover the project",
      {
        provider: "gjirafa",
        required_subrequests: ctx.budget.spent() + needed,
      },
    );
  }
  // Per call, not module state: the first failure stops the requests that have not started yet.
  const stop: { failed: boolean; error: unknown } = { failed: false, error: undefined };
  const settled = await mapSettled(items, MAX_UPSTREAM_IN_FLIGHT, async (item): Promise<Enriched> => {
    if (stop.failed) throw stop.error;
    const known = reuse(reusable, item);
    if (known) return { kept: true, cert: known };
    try {
      const answer = await client.getCertificateAnswer(ctx, project, String(item.id));
      const parsed = GjirafaCertificateSchema.safeParse(answer.result);
      if (!parsed.success && !sameId(answer.result, item.id)) throw otherIdFault();
      if (!parsed.success) {
        const note = `Gjirafa: certificate ${item.id} is listed without its detail, which certgate could not read (${issuesText(parsed.error)})`;
        return { kept: true, cert: item, note };
      }
      const detail = parsed.data;
      if (detail.id !== item.id) throw otherIdFault();
      return { kept: true, cert: mergeDetail(item, detail) };
    } catch (error) {
      if (isAppError(error) && error.code === "not_found") return { kept: false };
      if (!stop.failed) {
        stop.failed = true;
        stop.error = error;
      }
      throw error;
    }
  });
  if (stop.failed) throw stop.error;
  const enriched: GjirafaCertificate[] = [];
  const messages = [...listed.notes.messages];
  for (const outcome of settled) {
    // Unreachable (a rejection sets `failed`), kept so a rejection can never be skipped silently.
    if (outcome.status === "rejected") throw outcome.reason;
    if (!outcome.value.kept) continue;
    enriched.push(outcome.value.cert);
    if (outcome.value.note && messages.length < MAX_NOTES) messages.push(outcome.value.note);
  }
  return { items: enriched, notes: { skipped: listed.notes.skipped, messages } };
}

/** Whether an unreadable detail still names the id that was asked for. */
function sameId(result: unknown, id: number): boolean {
  return typeof result === "object" && result !== null && "id" in result && result.id === id;
}

function otherIdFault(): AppError {
  return new AppError("upstream_invalid_response", "Gjirafa answered a certificate detail for another id", {
    provider: "gjirafa",
  });
}

/**
 * Details seen before, by id: only merged objects (a detail field is present), so an old plain list
 * item is never mistaken for a detail.
 */
function reusableDetails(previous: readonly GjirafaCertificate[]): Map<number, GjirafaCertificate> {
  const byId = new Map<number, GjirafaCertificate>();
  for (const cert of previous) {
    if (typeof cert.id === "number" && "projectId" in cert) byId.set(cert.id, cert);
  }
  return byId;
}

/**
 * A known detail stays valid while the list says the certificate has not changed: same `lastModified`
 * and same status. The fresh list item is laid over it, so list fields are always current.
 */
function reuse(known: Map<number, GjirafaCertificate>, item: GjirafaCertificate): GjirafaCertificate | null {
  const before = typeof item.id === "number" ? known.get(item.id) : undefined;
  if (!before || typeof item.lastModified !== "string" || item.lastModified === "") return null;
  if (before.lastModified !== item.lastModified || before.certificateStatus !== item.certificateStatus)
    return null;
  return { ...before, ...item };
}
