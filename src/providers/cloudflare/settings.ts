/**
 * Cloudflare's slice of the configuration: the API base, the zones certgate manages, and certgate's own
 * credentials for them (an API token, or the legacy global key with its email). Configured when at least
 * one zone is listed; a zone without credentials is a configuration error.
 */
import * as z from "zod";
import { csv, optionalSecret, redactable, url } from "../../config/fields";
import { ZONE_ID } from "./ids";

export const cloudflareSettings = z
  .object({
    CLOUDFLARE_API_BASE: url.default("https://api.cloudflare.com/client/v4"),
    CLOUDFLARE_ZONES: csv(ZONE_ID, "32-hex zone id"),
    UPSTREAM_CLOUDFLARE_TOKEN: optionalSecret,
    UPSTREAM_CLOUDFLARE_EMAIL: optionalSecret,
    UPSTREAM_CLOUDFLARE_KEY: optionalSecret,
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
  }));
export type CloudflareSettings = z.output<typeof cloudflareSettings>;

export function cloudflareSecrets(settings: CloudflareSettings): string[] {
  const auth = settings.auth;
  return redactable(auth === null ? [] : auth.kind === "token" ? [auth.token] : [auth.key]);
}
