/** GET /v1/usage (admin): the shared upstream budget, per provider and per caller (docs/budget.md). Thin. */
import * as z from "zod";
import { successBody } from "../../envelope";
import { type Route, route } from "../../http/route";
import { readUsage } from "../../service/usage";

const CallerUsageSchema = z.object({
  name: z.string(),
  via: z.enum(["api_key", "access"]),
  upstream_calls_this_minute: z.number().int(),
  refusals_this_minute: z.number().int(),
  limit_per_minute: z.number().int(),
});

export const UsageSchema = z
  .object({
    governed: z
      .boolean()
      .meta({ description: "False without the UPSTREAM_BUDGET binding: nothing is capped" }),
    key_window_seconds: z.number().int(),
    key_upstream_per_minute: z.number().int(),
    monitor_reserve_percent: z.number().int(),
    providers: z.array(
      z.object({
        provider: z.string(),
        window_seconds: z.number().int(),
        limit: z.number().int().nullable(),
        used: z.number().int(),
        reserve: z.number().int(),
        blocked_until: z.string().nullable(),
        blocked_by: z.string().nullable(),
        callers: z.array(CallerUsageSchema),
      }),
    ),
  })
  .meta({ id: "Usage" });

export function usageRoutes(): Route[] {
  return [
    route({
      method: "GET",
      path: "/v1/usage",
      access: "admin",
      summary:
        "The shared upstream budget: per provider its window, reserve and block; per caller this minute",
      result: UsageSchema,
      async handler(_input, c) {
        const usage = await readUsage(c.get("deps"), c.get("config"));
        return c.json(successBody(usage), 200, { "Cache-Control": "no-store" });
      },
    }),
  ];
}
