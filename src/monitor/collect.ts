/**
 * Checking one scope: its full list (all pages) and its quota, through the provider interface only
 * (the monitor has no HTTP code of its own). Failures never throw out of here: they come back as the
 * scope's error, so one failing scope never stops the others (and becomes a source problem).
 */
import { AppError } from "../errors";
import type { Certificate, Quota } from "../model/certificate";
import type { SkippedItem } from "../model/list-notes";
import type { ScopeList } from "../providers/types";
import type { UpstreamContext } from "../upstream/context";
import type { Source } from "./sources";

export type ScopeCheck =
  | {
      ok: true;
      /** Normalized certificates keyed by the provider's own id. */
      certificates: Map<string, Certificate>;
      /** Upstream items the list could not use (left out, reported). */
      skipped: SkippedItem[];
      quota: Quota | null;
      calls: number;
    }
  | { ok: false; error: AppError; calls: number };

export async function checkScope(
  source: Source,
  ctx: UpstreamContext,
  onList: (list: ScopeList<unknown>, fetchedAt: number) => void,
  previous: () => Promise<readonly unknown[] | null> = async () => null,
): Promise<ScopeCheck> {
  // What the scope sent: counted by its budgeted fetch (monitor/budget.ts); 0 when uncapped.
  const calls = () => ctx.budget?.spent() ?? 0;
  try {
    const fetchedAt = ctx.deps.now();
    // The last list known (cache) lets a provider skip what has not changed (Gjirafa details).
    const known = await previous();
    const { instance } = source.provider;
    const scopeId = source.scope.id;
    const list = await instance.listAll(ctx, scopeId, known ? { previous: known } : undefined);
    onList(list, fetchedAt);
    const now = ctx.deps.now();
    const certificates = new Map<string, Certificate>();
    for (const raw of list.items)
      certificates.set(instance.rawId(raw), instance.normalize(scopeId, raw, now));
    const quota = await instance.quota(ctx, scopeId);
    return {
      ok: true,
      certificates,
      skipped: list.notes.skipped,
      quota: quota.supported ? quota : null,
      calls: calls(),
    };
  } catch (error) {
    return { ok: false, error: asAppError(error), calls: calls() };
  }
}

function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // A bug or a runtime failure (e.g. the platform's subrequest limit): reported on the scope, never thrown.
  const message = error instanceof Error ? error.message : String(error);
  return new AppError("upstream_unavailable", `Check failed: ${message.slice(0, 200)}`);
}
