/**
 * Cloudflare's part of the unified API (/v1): the create body (an order), the PATCH field it takes, and
 * the mapping of a unified create to the order body of the published schema.
 */
import * as z from "zod";
import { HostnameSchema } from "../../model/hostname";
import { validate } from "../../validation";
import { ZoneIdSchema } from "./ids";
import { type OrderBody, OrderBodySchema } from "./requests";
import { CERTIFICATE_AUTHORITIES, VALIDATION_METHODS, VALIDITY_DAYS } from "./schemas";

/** POST /v1/certificates with `provider: "cloudflare"`: order an advanced certificate pack. */
export const CloudflareCreateSchema = z.strictObject({
  provider: z.literal("cloudflare"),
  zone: ZoneIdSchema,
  hosts: z
    .array(HostnameSchema)
    .min(1)
    .max(50)
    .refine((h) => new Set(h).size === h.length, "hosts must not repeat")
    .meta({ description: "1-50 hostnames; must contain the zone apex (checked by Cloudflare)" }),
  validation_method: z.enum(VALIDATION_METHODS),
  validity_days: z.union(VALIDITY_DAYS.map((d) => z.literal(d))),
  certificate_authority: z.enum(CERTIFICATE_AUTHORITIES),
  cloudflare_branding: z.boolean().optional(),
});
export type CloudflareCreate = z.output<typeof CloudflareCreateSchema>;

/** PATCH /v1/certificates/{id}: what a pack can change. */
export const CloudflareUpdateSchema = z.object({
  cloudflare_branding: z.boolean().optional().meta({ description: "Cloudflare packs only" }),
});
export type CloudflareUpdate = z.output<typeof CloudflareUpdateSchema>;

/** Unified create input -> the order body of the published schema (validated before anything is sent). */
export function toOrderBody(input: CloudflareCreate): OrderBody {
  const body: Record<string, unknown> = {
    type: "advanced",
    hosts: input.hosts,
    validation_method: input.validation_method,
    validity_days: input.validity_days,
    certificate_authority: input.certificate_authority,
  };
  if (input.cloudflare_branding !== undefined) body.cloudflare_branding = input.cloudflare_branding;
  return validate(OrderBodySchema, body, "body");
}
