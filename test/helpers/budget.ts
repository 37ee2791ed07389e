/**
 * The UpstreamBudget binding for gateway tests: the test runtime's namespace behind a prefix of the
 * test's own, so each test counts from zero (Durable Object storage is shared by the tests of a file)
 * while every gateway given the same namespace shares one object per credential, as isolates do.
 */
import { env as runtimeEnv } from "cloudflare:test";
import type { UpstreamBudget } from "../../src/durable/upstream-budget";

export type BudgetNamespace = DurableObjectNamespace<UpstreamBudget>;

/** A namespace whose object names are the test's own. */
export function isolatedBudget(): BudgetNamespace {
  const inner = runtimeEnv.UPSTREAM_BUDGET;
  const prefix = `test-${crypto.randomUUID()}/`;
  const wrapped: Pick<BudgetNamespace, "idFromName" | "get"> = {
    idFromName: (name) => inner.idFromName(`${prefix}${name}`),
    get: (id, options) => inner.get(id, options),
  };
  // Only idFromName and get are what certgate uses (config/budget.ts checks for exactly those).
  return wrapped as BudgetNamespace;
}
