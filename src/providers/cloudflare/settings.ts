/**
 * Cloudflare's slice of the configuration: the API base, the zones certgate manages, and certgate's own
 * credentials for them (an API token, or the legacy global key with its email). Configured when at least
 * one zone is listed; a zone without credentials is a configuration error.
 */
import * as z from "zod";
import { budgetPer5Min, csv, optionalSecret, redactable, url } from "../../config/fields";
import type { UpstreamBudgetSettings } from "../types";
import { ZONE_ID } from "./ids";

/**
 * Cloudflare allows 1,200 API calls per 5 minutes per token and refuses every call for 5 minutes past
 * that (https://developers.cloudflare.com/fundamentals/api/reference/limits/): certgate keeps to 80 % of
 * it by default, leaving room for other users of the same token (docs/budget.md).
 */
export const CLOUDFLARE_DEFAULT_BUDGET_PER_5MIN = 960;

export const cloudflareSettings = z
  .object({
    CLOUDFLARE_API_BASE: url.default("https://api.cloudflare.com/client/v4"),
    CLOUDFLARE_ZONES: csv(ZONE_ID, "32-hex zone id"),
    UPSTREAM_CLOUDFLARE_TOKEN: optionalSecret,
    UPSTREAM_CLOUDFLARE_EMAIL: optionalSecret,
    UPSTREAM_CLOUDFLARE_KEY: optionalSecret,
    CLOUDFLARE_BUDGET_PER_5MIN: budgetPer5Min(CLOUDFLARE_DEFAULT_BUDGET_PER_5MIN),
  })
  .superRefine((c, ctx) => {
    if (c.CLOUDFLARE_ZONES.length > 0 && !c.UPSTREAM_CLOUDFLARE_TOKEN) {
      if (!c.UPSTREAM_CLOUDFLARE_EMAIL || !c.UPSTREAM_CLOUDFLARE_KEY) {
        ctx.addIssue({
          code: "custom",
          path: ["UPSTREAM_CLOUDFLARE_TOKEN"],
          message:
            "required when CLOUDFLARE_ZONES is set (or set both UPSTREAM_CLOUDFLARE_EMAIL and UPSTREAM_CLOUDFLARE_KEY)",
        });
      }
    }
  })
  .transform((p) => ({
    apiBase: p.CLOUDFLARE_API_BASE,
    zones: p.CLOUDFLARE_ZONES,
    auth: p.UPSTREAM_CLOUDFLARE_TOKEN
      ? { kind: "token" as const, token: p.UPSTREAM_CLOUDFLARE_TOKEN }
      : p.UPSTREAM_CLOUDFLARE_EMAIL && p.UPSTREAM_CLOUDFLARE_KEY
        ? { kind: "global-key" as const, email: p.UPSTREAM_CLOUDFLARE_EMAIL, key: p.UPSTREAM_CLOUDFLARE_KEY }
        : null,
    budgetPer5Min: p.CLOUDFLARE_BUDGET_PER_5MIN,
  }));
export type CloudflareSettings = z.output<typeof cloudflareSettings>;

export function cloudflareSecrets(settings: CloudflareSettings): string[] {
  const auth = settings.auth;
  return redactable(auth === null ? [] : auth.kind === "token" ? [auth.token] : [auth.key]);
}

/** The budget is per credential: Cloudflare counts per token (or per user, for the global key). */
export function cloudflareBudget(settings: CloudflareSettings): UpstreamBudgetSettings {
  const auth = settings.auth;
  const credential = auth === null ? null : auth.kind === "token" ? auth.token : `${auth.email}:${auth.key}`;
  return { limitPer5Min: settings.budgetPer5Min, credential };
}
