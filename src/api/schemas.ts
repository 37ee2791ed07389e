/**
 * Request schemas of the unified API (/v1). They validate every input before any upstream call and
 * are the source of /openapi.json.
 */
import * as z from "zod";
import { NormalizedStatusSchema, ProviderSchema } from "../model/certificate";
import { HostnameSchema, hostnameList } from "../model/hostname";
import { isPackId } from "../providers/cloudflare/ids";
import { parseCertificateIdText } from "../providers/gjirafa/ids";
import { MAX_ADDITIONAL_NAMES } from "../providers/gjirafa/requests";

export const ZoneIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, "must be a 32-hex Cloudflare zone id")
  .meta({ example: "023e105f4ecef8ad9ca31a8372d0c353" });
export const ProjectIdSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a project uuid")
  .transform((s) => s.toLowerCase())
  .meta({ example: "3fa85f64-5717-4562-b3fc-2c963f66afa6" });
const Int32 = z.number().int().min(0).max(2_147_483_647);

/**
 * `cloudflare:{zone_id}:{pack_id}` or `gjirafa:{project_id}:{id}`. The pack and certificate ids follow
 * THE id rule of their provider (providers/<name>/ids.ts), the one the native doors use too, so every id
 * a list shows can be fetched, patched and deleted.
 */
export const CertificateIdSchema = z
  .string()
  .max(120)
  .transform((s, ctx) => {
    const cf = /^cloudflare:([0-9a-f]{32}):([^:]+)$/.exec(s);
    if (cf?.[1] && cf[2] && isPackId(cf[2]))
      return { provider: "cloudflare" as const, scope: cf[1], id: cf[2] };
    const gj = /^gjirafa:([0-9a-f-]{36}):([^:]+)$/i.exec(s);
    const gjId = gj?.[2] === undefined ? null : parseCertificateIdText(gj[2]);
    if (gj?.[1] && gjId !== null && ProjectIdSchema.safeParse(gj[1]).success) {
      return { provider: "gjirafa" as const, scope: gj[1].toLowerCase(), id: String(gjId) };
    }
    ctx.addIssue({
      code: "custom",
      message: "must be cloudflare:{zone_id}:{pack_id} or gjirafa:{project_id}:{certificate_id}",
    });
    return z.NEVER;
  })
  .meta({ example: "cloudflare:023e105f4ecef8ad9ca31a8372d0c353:3822ff90ea344c6fb7f7e8e0e0b1c2d3" });
export type CertificateRef = z.output<typeof CertificateIdSchema>;

export const CertificatePathSchema = z.object({ id: CertificateIdSchema });

const StatusListSchema = z
  .string()
  .max(500)
  .transform((s) =>
    s
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  )
  .pipe(z.array(NormalizedStatusSchema).min(1).max(20));

export const ListQuerySchema = z
  .strictObject({
    provider: ProviderSchema.optional(),
    zone: ZoneIdSchema.optional(),
    project: ProjectIdSchema.optional(),
    status: StatusListSchema.optional().meta({ description: "Comma-separated normalized statuses" }),
    host: HostnameSchema.optional().meta({
      description: "Exact hostname, or one a wildcard certificate covers",
    }),
    expiring_within: z.coerce.number().int().min(0).max(3650).optional().meta({ description: "Days" }),
    include: z.enum(["raw"]).optional(),
    deploy: z.enum(["staging", "production"]).optional().meta({
      description:
        "Cloudflare's deployment view (as the native list's deploy=): read from Cloudflare, uncached; Cloudflare zones only",
    }),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    per_page: z.coerce.number().int().min(1).max(200).default(50),
  })
  .meta({ id: "ListCertificatesQuery" });
export type ListQuery = z.output<typeof ListQuerySchema>;

export const GetQuerySchema = z.strictObject({ include: z.enum(["raw"]).optional() });

export const CreateCloudflareSchema = z.strictObject({
  provider: z.literal("cloudflare"),
  zone: ZoneIdSchema,
  hosts: z
    .array(HostnameSchema)
    .min(1)
    .max(50)
    .refine((h) => new Set(h).size === h.length, "hosts must not repeat")
    .meta({ description: "1-50 hostnames; must contain the zone apex (checked by Cloudflare)" }),
  validation_method: z.enum(["txt", "http", "email"]),
  validity_days: z.union([z.literal(14), z.literal(30), z.literal(90), z.literal(365)]),
  certificate_authority: z.enum(["google", "lets_encrypt", "ssl_com"]),
  cloudflare_branding: z.boolean().optional(),
});

export const CreateGjirafaSchema = z
  .strictObject({
    provider: z.literal("gjirafa"),
    project: ProjectIdSchema,
    domain_name: HostnameSchema,
    // The native rule (providers/gjirafa/requests.ts): up to 99 names besides domain_name, no repeats.
    additional_names: hostnameList(0, MAX_ADDITIONAL_NAMES)
      .default([])
      .meta({ description: `Up to ${MAX_ADDITIONAL_NAMES} more hostnames, none repeating domain_name` }),
    scope_id: Int32,
  })
  .superRefine((body, ctx) => {
    body.additional_names.forEach((name, index) => {
      if (name === body.domain_name) {
        ctx.addIssue({ code: "custom", path: ["additional_names", index], message: "repeats domain_name" });
      }
    });
  });

export const CreateBodySchema = z
  .discriminatedUnion("provider", [CreateCloudflareSchema, CreateGjirafaSchema])
  .meta({ id: "CreateCertificate" });

export const ImportBodySchema = z
  .strictObject({
    provider: z.literal("gjirafa").default("gjirafa").or(z.literal("cloudflare")),
    project: ProjectIdSchema.optional(),
    zone: ZoneIdSchema.optional(),
    certificate: z.string().min(1).max(65_536).meta({ description: "PEM certificate" }),
    private_key: z
      .string()
      .min(1)
      .max(65_536)
      .meta({ description: "PEM private key; never logged or echoed" }),
    chain: z.string().max(131_072).default("").meta({ description: "PEM chain" }),
    scope_id: Int32,
  })
  .meta({ id: "ImportCertificate" });

export const UpdateBodySchema = z
  .strictObject({
    cloudflare_branding: z.boolean().optional().meta({ description: "Cloudflare packs only" }),
    scope_id: Int32.optional().meta({ description: "Gjirafa certificates only" }),
  })
  .refine((b) => b.cloudflare_branding !== undefined || b.scope_id !== undefined, "nothing to update")
  .meta({ id: "UpdateCertificate" });

export const QuotaQuerySchema = z.strictObject({
  provider: ProviderSchema.optional(),
  zone: ZoneIdSchema.optional(),
});
