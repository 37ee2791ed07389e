/**
 * Request schemas of the unified API (/v1), built from the registered providers: their names, their
 * scope and certificate id rules, and their body fragments (providers/types.ts `UnifiedFragments`).
 * They validate every input before any upstream call and are the source of /openapi.json.
 */
import * as z from "zod";
import { NormalizedStatusSchema } from "../../model/certificate";
import { HostnameSchema } from "../../model/hostname";
import type { Scope, ScopeKind } from "../../model/scope";
import type { ProviderDescriptor, Registry } from "../../providers/types";

function nonEmpty<T>(items: readonly T[], what: string): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error(`no registered provider has ${what}`);
  return [first, ...rest];
}

/** One schema for the ids of several providers' scopes of one kind (each provider's own rule). */
function anyOf(schemas: ReadonlyArray<z.ZodType<string, string>>, what: string): z.ZodType<string, string> {
  const [first, ...rest] = nonEmpty(schemas, what);
  const second = rest[0];
  return second === undefined ? first : z.union([first, second, ...rest.slice(1)]);
}

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

export function v1Schemas(registry: Registry) {
  const descriptors = registry.descriptors;
  const names = nonEmpty(
    descriptors.map((d) => d.name),
    "a name",
  );
  const ProviderParam = z.enum(names).meta({ description: "A registered provider" });
  const scopeIdOf = (kind: ScopeKind, of: readonly ProviderDescriptor[] = descriptors) =>
    anyOf(
      of.filter((d) => d.scopeKind === kind).map((d) => d.scopeId),
      `${kind} scopes`,
    );
  /**
   * The `zone` and `project` query keys: the id of a scope of that kind, by its provider's rule; a kind
   * none of `of` has takes no value (z.never: refused, and left out of /openapi.json).
   */
  const scopeParam = (kind: ScopeKind, of: readonly ProviderDescriptor[]) =>
    of.some((d) => d.scopeKind === kind) ? scopeIdOf(kind, of).optional() : z.never().optional();
  const scopeQuery = (of: readonly ProviderDescriptor[]) => ({
    zone: scopeParam("zone", of),
    project: scopeParam("project", of),
  });

  /**
   * `{provider}:{scope id}:{certificate id}`, each part by its provider's rules (the ones the native
   * doors use too), so every id a list shows can be fetched, patched and deleted.
   */
  const forms = descriptors.map((d) => `${d.name}:{${d.scopeKind}_id}:{${d.itemNoun}_id}`).join(" or ");
  const CertificateIdSchema = z
    .string()
    .max(120)
    .transform((s, ctx): { scope: Scope; id: string } => {
      const [provider, scopeText, idText, extra] = s.split(":");
      const descriptor = provider === undefined ? undefined : registry.get(provider);
      if (descriptor && scopeText !== undefined && idText !== undefined && extra === undefined) {
        const scopeId = descriptor.scopeId.safeParse(scopeText);
        const id = descriptor.certificateId.safeParse(idText);
        if (scopeId.success && id.success) {
          return {
            scope: { provider: descriptor.name, kind: descriptor.scopeKind, id: scopeId.data },
            id: id.data,
          };
        }
      }
      ctx.addIssue({ code: "custom", message: `must be ${forms}` });
      return z.NEVER;
    })
    .meta({ description: "{provider}:{zone or project id}:{the provider's certificate id}" });

  const CertificatePathSchema = z.object({ id: CertificateIdSchema });

  const ListQuerySchema = z
    .strictObject({
      provider: ProviderParam.optional(),
      ...scopeQuery(descriptors),
      status: StatusListSchema.optional().meta({ description: "Comma-separated normalized statuses" }),
      host: HostnameSchema.optional().meta({
        description: "Exact hostname, or one a wildcard certificate covers",
      }),
      expiring_within: z.coerce.number().int().min(0).max(3650).optional().meta({ description: "Days" }),
      include: z.enum(["raw"]).optional(),
      deploy: z.enum(["staging", "production"]).optional().meta({
        description:
          "A deployment view (as the native list's deploy=): read from the upstream, uncached; only providers with deployment views",
      }),
      page: z.coerce.number().int().min(1).max(100_000).default(1),
      per_page: z.coerce.number().int().min(1).max(200).default(50),
    })
    .meta({ id: "ListCertificatesQuery" });

  const GetQuerySchema = z.strictObject({ include: z.enum(["raw"]).optional() });

  const CreateBodySchema = z
    .discriminatedUnion(
      "provider",
      nonEmpty(
        descriptors.map((d) => d.unified.create),
        "a create body",
      ),
    )
    .meta({ id: "CreateCertificate" });

  /** Providers without an import fragment take any body naming them: they answer 422, not 400. */
  const ImportBodySchema = z
    .discriminatedUnion(
      "provider",
      nonEmpty(
        descriptors.map(
          (d) =>
            d.unified.import ??
            z
              .object({ provider: z.literal(d.name) })
              .catchall(z.unknown())
              .meta({
                description: `${d.label} cannot import certificates (422 not_supported_by_provider)`,
              }),
        ),
        "an import body",
      ),
    )
    .meta({ id: "ImportCertificate" });

  /** Every provider's PATCH fields together; the service refuses (422) a field the certificate's provider does not own. */
  const updateShape: z.ZodRawShape = {};
  for (const d of descriptors) Object.assign(updateShape, d.unified.update?.shape ?? {});
  const UpdateBodySchema = z
    .strictObject(updateShape)
    .refine((b) => Object.values(b).some((v) => v !== undefined), "nothing to update")
    .meta({ id: "UpdateCertificate" });

  const QuotaQuerySchema = z.strictObject({
    provider: ProviderParam.optional(),
    ...scopeQuery(descriptors.filter((d) => d.hasQuotaApi)),
  });

  return {
    CertificatePathSchema,
    ListQuerySchema,
    GetQuerySchema,
    CreateBodySchema,
    ImportBodySchema,
    UpdateBodySchema,
    QuotaQuerySchema,
  };
}

export type V1Schemas = ReturnType<typeof v1Schemas>;
