/**
 * Which scopes a caller may reach, checked once per use case: the caller's grants first (403, never
 * revealing whether the scope exists), then whether certgate manages it (404).
 */
import { allowsScope, assertAllowed } from "../auth/authorize";
import { AppError } from "../errors";
import { noteScope } from "../model/audit-notes";
import { SCOPE_KINDS, type Scope, type ScopeKind } from "../model/scope";
import type {
  DeployView,
  ProviderBudget,
  ProviderDescriptor,
  ProviderInstance,
  Registry,
  RotationAccess,
} from "../providers/types";
import type { ServiceContext } from "./context";

/** A scope the caller may reach, with the provider that manages it. */
export interface ResolvedScope {
  scope: Scope;
  descriptor: ProviderDescriptor;
  instance: ProviderInstance;
  /** The provider's rotation capability, when it has one. */
  rotation?: RotationAccess;
  budget: ProviderBudget;
}

/** What narrows a list: a provider, and a zone or project by its id. */
export interface ScopeFilter extends Partial<Record<ScopeKind, string>> {
  provider?: string;
  deploy?: DeployView;
}

function notManaged(kind: ScopeKind, id: string, provider: string | undefined): AppError {
  const what = kind === "zone" ? "Zone" : "Project";
  return new AppError(
    "not_found",
    `${what} ${id} is not managed by this certgate`,
    provider ? { provider } : {},
  );
}

export function createScopes(registry: Registry) {
  /** A registered provider (404 `not_found` for an unknown name: it is a path or body value). */
  function descriptorOf(provider: string): ProviderDescriptor {
    const descriptor = registry.get(provider);
    if (!descriptor) {
      throw new AppError(
        "not_found",
        `Unknown provider "${provider.slice(0, 40)}"; known: ${registry.descriptors.map((d) => d.name).join(", ")}`,
      );
    }
    return descriptor;
  }

  /** The scope `id` of a registered provider. */
  function scopeOf(provider: string, id: string): Scope {
    return { provider, kind: descriptorOf(provider).scopeKind, id };
  }

  /** 403 unless the caller may see the scope; 404 unless certgate manages it (checked in that order). */
  function authorize(ctx: ServiceContext, scope: Scope): ResolvedScope {
    // Noted before the check: a refused write is audited with the scope it asked for.
    noteScope(ctx.notes, scope);
    assertAllowed(ctx.principal, scope);
    const configured = ctx.config.providers.find((p) => p.descriptor.name === scope.provider);
    if (!configured?.instance.scopes.includes(scope.id)) {
      throw notManaged(scope.kind, scope.id, scope.provider);
    }
    return {
      scope,
      descriptor: configured.descriptor,
      instance: configured.instance,
      rotation: configured.rotation,
      budget: configured.budget,
    };
  }

  /**
   * A zone or project named in a list's query: 403 unless granted, 404 unless some provider of its kind
   * manages it (whichever provider the query also names).
   */
  function authorizeNamed(ctx: ServiceContext, kind: ScopeKind, id: string): void {
    assertAllowed(ctx.principal, { kind, id });
    const managed = ctx.config.providers.some(
      (p) => p.descriptor.scopeKind === kind && p.instance.scopes.includes(id),
    );
    if (!managed) {
      const owner = registry.descriptors.find((d) => d.scopeKind === kind && d.scopeId.safeParse(id).success);
      throw notManaged(kind, id, owner?.name);
    }
  }

  /**
   * Every scope the caller may see, narrowed by the filter. With `deploy`, only providers that have
   * deployment views; naming another one (by provider or by its scope) is a 422.
   */
  function visible(ctx: ServiceContext, filter: ScopeFilter): ResolvedScope[] {
    const out: ResolvedScope[] = [];
    for (const { descriptor, instance, budget } of ctx.config.providers) {
      if (filter.provider && filter.provider !== descriptor.name) continue;
      const wanted = filter[descriptor.scopeKind];
      const otherKind = SCOPE_KINDS.some((k) => k !== descriptor.scopeKind && filter[k] !== undefined);
      if (otherKind && !wanted) continue; // filtering by another kind of scope
      if (filter.deploy && !descriptor.deployViews) {
        if (filter.provider === descriptor.name || wanted) {
          throw new AppError(
            "not_supported_by_provider",
            `deploy applies to providers with deployment views; ${descriptor.label} has none`,
            { provider: descriptor.name },
          );
        }
        continue;
      }
      for (const id of instance.scopes) {
        if (wanted && id !== wanted) continue;
        const scope: Scope = { provider: descriptor.name, kind: descriptor.scopeKind, id };
        if (allowsScope(ctx.principal, scope)) {
          out.push({ scope, descriptor, instance, budget });
        }
      }
    }
    return out;
  }

  return { descriptorOf, scopeOf, authorize, authorizeNamed, visible };
}

export type Scopes = ReturnType<typeof createScopes>;
