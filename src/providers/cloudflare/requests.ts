/**
 * What certgate SENDS to Cloudflare, exactly per the published schema
 * (https://developers.cloudflare.com/api/resources/ssl/subresources/certificate_packs/ and the OpenAPI
 * schema of https://github.com/cloudflare/api-schemas). The native pass-through routes
 * validate callers' bodies and queries with these, and the client only sends values that passed them.
 *
 * Not checked here: the zone-apex rule ("hosts must contain the zone apex") needs the zone's
 * name, which certgate does not know from a zone id; Cloudflare enforces it and its refusal comes back
 * as 400 `upstream_rejected` with Cloudflare's code and message.
 */
import * as z from "zod";
import { hostnameList } from "../../model/hostname";
import { CERTIFICATE_AUTHORITIES, VALIDATION_METHODS, VALIDITY_DAYS } from "./schemas";

/** POST .../certificate_packs/order: five required fields, `cloudflare_branding` optional. */
export const OrderBodySchema = z.strictObject({
  type: z.literal("advanced"),
  hosts: hostnameList(1, 50),
  validation_method: z.enum(VALIDATION_METHODS),
  validity_days: z.union(VALIDITY_DAYS.map((d) => z.literal(d))),
  certificate_authority: z.enum(CERTIFICATE_AUTHORITIES),
  cloudflare_branding: z.boolean().optional(),
});
export type OrderBody = z.infer<typeof OrderBodySchema>;

/**
 * PATCH .../certificate_packs/{id}: `{}` restarts validation (only from validation_timed_out);
 * `{"cloudflare_branding": true}` adds branding.
 */
export const PatchBodySchema = z.strictObject({ cloudflare_branding: z.boolean().optional() });
export type PatchBody = z.infer<typeof PatchBodySchema>;

const queryInt = (min: number, max?: number) => {
  const base = z.coerce.number().int().min(min);
  return (max === undefined ? base : base.max(max)).optional();
};

/** GET .../certificate_packs query: page >= 1, per_page 5..50, status only "all", deploy staging|production. */
export const ListQuerySchema = z.strictObject({
  page: queryInt(1),
  per_page: queryInt(5, 50),
  status: z.literal("all").optional(),
  deploy: z.enum(["staging", "production"]).optional(),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;
