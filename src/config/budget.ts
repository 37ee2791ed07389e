/**
 * The shared upstream budget (docs/budget.md): the Durable Object that counts every upstream call per
 * credential (`UPSTREAM_BUDGET`, wrangler.toml), what one key may cause per minute, and the share of
 * each provider's budget only the monitor may spend. Each provider's own budget per 5 minutes is in its
 * settings slice (`CLOUDFLARE_BUDGET_PER_5MIN`, `GJIRAFA_BUDGET_PER_5MIN`).
 */
import * as z from "zod";
import type { UpstreamBudget } from "../durable/upstream-budget";
import { int } from "./fields";

/**
 * The binding, when present. wrangler.toml always declares it; without it (an embedding that left it
 * out) nothing is governed, and GET /v1/usage says so.
 */
const budgetNamespace = z.custom<DurableObjectNamespace<UpstreamBudget>>(
  (v) => typeof v === "object" && v !== null && "idFromName" in v && "get" in v,
  "Durable Object namespace binding expected",
);

export const budgetSettings = z
  .object({
    UPSTREAM_BUDGET: budgetNamespace.optional(),
    KEY_UPSTREAM_PER_MINUTE: int(60, 0, 100_000),
    MONITOR_RESERVE_PERCENT: int(20, 0, 100),
  })
  .transform((p) => ({
    budget: {
      namespace: p.UPSTREAM_BUDGET ?? null,
      keyPerMinute: p.KEY_UPSTREAM_PER_MINUTE,
      monitorReservePercent: p.MONITOR_RESERVE_PERCENT,
    },
  }));
export type BudgetConfig = z.output<typeof budgetSettings>;
