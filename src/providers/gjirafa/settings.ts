/**
 * Gjirafa's slice of the configuration: the API base and version, the projects certgate manages, and
 * certgate's own API key with the way Gjirafa expects it (`X-API-Key` or a bearer token). Configured
 * when at least one project is listed; a project without a base URL or a key is a configuration error.
 */
import * as z from "zod";
import { budgetPer5Min, csv, optionalSecret, redactable, url } from "../../config/fields";
import type { UpstreamBudgetSettings } from "../types";
import { UUID } from "./ids";

export const gjirafaSettings = z
  .object({
    GJIRAFA_API_BASE: url.optional(),
    GJIRAFA_API_VERSION: z
      .string()
      .regex(/^v\d+$/, 'must look like "v1"')
      .default("v1"),
    GJIRAFA_PROJECTS: csv(UUID, "project uuid"),
    GJIRAFA_AUTH_SCHEME: z.enum(["api-key", "bearer"]).default("api-key"),
    UPSTREAM_GJIRAFA_KEY: optionalSecret,
    // Gjirafa publishes no rate limit: no cap unless one is set (per-key allowances still apply).
    GJIRAFA_BUDGET_PER_5MIN: budgetPer5Min(null),
  })
  .superRefine((c, ctx) => {
    if (c.GJIRAFA_PROJECTS.length === 0) return;
    if (!c.GJIRAFA_API_BASE) {
      ctx.addIssue({
        code: "custom",
        path: ["GJIRAFA_API_BASE"],
        message: "required when GJIRAFA_PROJECTS is set",
      });
    }
    if (!c.UPSTREAM_GJIRAFA_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["UPSTREAM_GJIRAFA_KEY"],
        message: "required when GJIRAFA_PROJECTS is set",
      });
    }
  })
  .transform((p) => ({
    apiBase: p.GJIRAFA_API_BASE ?? null,
    apiVersion: p.GJIRAFA_API_VERSION,
    projects: p.GJIRAFA_PROJECTS,
    auth: p.UPSTREAM_GJIRAFA_KEY ? { scheme: p.GJIRAFA_AUTH_SCHEME, key: p.UPSTREAM_GJIRAFA_KEY } : null,
    budgetPer5Min: p.GJIRAFA_BUDGET_PER_5MIN,
  }));
export type GjirafaSettings = z.output<typeof gjirafaSettings>;

/** What the client needs: a configured base URL and key. */
export interface GjirafaConnection {
  apiBase: string;
  apiVersion: string;
  auth: { scheme: "api-key" | "bearer"; key: string };
}

export function gjirafaSecrets(settings: GjirafaSettings): string[] {
  return redactable([settings.auth?.key]);
}

/** One budget per API key. */
export function gjirafaBudget(settings: GjirafaSettings): UpstreamBudgetSettings {
  return { limitPer5Min: settings.budgetPer5Min, credential: settings.auth?.key ?? null };
}
