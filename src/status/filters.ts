/**
 * The status page's filters (`GET /status?provider=&zone=&project=&status=`), validated like any query:
 * a provider must be registered, a zone or project id must look like one, a status must be one of the
 * model's normalized statuses. An empty value (the form's "All") means no filter.
 */
import * as z from "zod";
import type { Inventory, InventoryScope } from "../inventory/inventory";
import { NormalizedStatusSchema } from "../model/certificate";
import { SCOPE_KINDS, type ScopeKind } from "../model/scope";

const blankAsAbsent = (v: unknown) => (v === "" ? undefined : v);
/** Any registered provider's scope ids fit (zone ids, uuids); the bound keeps echoes short. */
const scopeId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$/, "must be a zone or project id")
  .transform((s) => s.toLowerCase());

export function statusQuerySchema(providers: readonly string[]) {
  const provider = z.string().refine((p) => providers.includes(p), {
    message: `must be one of: ${providers.join(", ")}`,
  });
  return z.object({
    provider: z.preprocess(blankAsAbsent, provider.optional()),
    zone: z.preprocess(blankAsAbsent, scopeId.optional()),
    project: z.preprocess(blankAsAbsent, scopeId.optional()),
    status: z.preprocess(blankAsAbsent, NormalizedStatusSchema.optional()),
  });
}
export type StatusFilter = z.output<ReturnType<typeof statusQuerySchema>>;

/** The filter's zone or project, if it names one. */
export function namedScopes(filter: StatusFilter): Array<{ kind: ScopeKind; id: string }> {
  return SCOPE_KINDS.flatMap((kind) => {
    const id = filter[kind];
    return id === undefined ? [] : [{ kind, id }];
  });
}

function scopeMatches(filter: StatusFilter, s: InventoryScope["scope"]): boolean {
  if (filter.provider !== undefined && s.provider !== filter.provider) return false;
  for (const { kind, id } of namedScopes(filter)) {
    if (s.kind !== kind || s.id.toLowerCase() !== id) return false;
  }
  return true;
}

/** The inventory narrowed by the filter: scopes and problems by provider and scope, certificates also by status. */
export function applyFilter(inventory: Inventory, filter: StatusFilter): Inventory {
  const scopes = inventory.scopes
    .filter((s) => scopeMatches(filter, s.scope))
    .map((s) =>
      filter.status === undefined
        ? s
        : { ...s, certificates: s.certificates.filter((c) => c.status === filter.status) },
    );
  return {
    ...inventory,
    scopes,
    problems: inventory.problems.filter((p) =>
      scopeMatches(filter, { provider: p.provider, kind: p.scope.kind, id: p.scope.id }),
    ),
  };
}

export function isFiltered(filter: StatusFilter): boolean {
  return Object.values(filter).some((v) => v !== undefined);
}
