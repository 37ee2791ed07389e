/**
 * The whole configuration, validated with zod once per isolate (per env object): the core slices
 * (core.ts, cache.ts, budget.ts, monitor.ts, grants.ts, writes.ts, status.ts) and each registered provider's own slice
 * (its settings).
 * `Config` is derived from the slices' schemas, never written beside them. A bad or missing setting is
 * reported by name, never with its value (values may be secrets). Reference: docs/configuration.md.
 */
import type * as z from "zod";
import type { ScopeKind } from "../model/scope";
import type { ConfiguredProvider, Registry, SettingIssue } from "../providers/types";
import { type BudgetConfig, budgetSettings } from "./budget";
import { type CacheConfig, cacheSettings } from "./cache";
import { type CoreConfig, coreSettings } from "./core";
import { type GrantRules, type GrantsConfig, grantsSettings } from "./grants";
import { type MonitorConfig, monitorSecrets, monitorSettings } from "./monitor";
import { type StatusConfig, statusSecrets, statusSettings } from "./status";
import { type WritesConfig, writesSettings } from "./writes";

export type Config = CoreConfig &
  CacheConfig &
  BudgetConfig &
  MonitorConfig &
  GrantsConfig &
  WritesConfig &
  StatusConfig & {
    /** The configured providers, in registry order (a provider without settings is not here). */
    providers: readonly ConfiguredProvider[];
    /** Every secret value, for redaction of logs and outputs. */
    secrets: string[];
  };

export type ConfigResult = { ok: true; config: Config } | { ok: false; settings: SettingIssue[] };

/** The ids a grant may name, by kind: any registered provider's scope id of that kind. */
export function grantRules(registry: Pick<Registry, "descriptors">): GrantRules {
  const ofKind = (kind: ScopeKind) => registry.descriptors.filter((d) => d.scopeKind === kind);
  return {
    accepts: (kind, id) => ofKind(kind).some((d) => d.scopeId.safeParse(id).success),
    describe: (kind) =>
      ofKind(kind)
        .map((d) => d.scopeIdRule)
        .join(" or ") || `${kind} id`,
  };
}

/** Env as the slices read it: empty strings from wrangler.toml/.dev.vars mean "not set". */
export function settingsInput(env: object): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) if (v !== "") input[k] = v;
  return input;
}

/** A slice's issues, by setting name (the first path segment), never with values. */
export function issuesOf(error: z.ZodError): SettingIssue[] {
  return error.issues.map((issue) => ({ name: String(issue.path[0] ?? "(config)"), message: issue.message }));
}

/** Parses env. Issue messages name the setting and the rule, never the value. */
export function parseConfig(env: object, registry: Registry): ConfigResult {
  const input = settingsInput(env);
  const settings: SettingIssue[] = [];
  const slice = <T>(schema: z.ZodType<T>): T | null => {
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    settings.push(...issuesOf(parsed.error));
    return null;
  };
  const core = slice(coreSettings);
  const cache = slice(cacheSettings);
  const budget = slice(budgetSettings);
  const monitor = slice(monitorSettings);
  const grants = slice(grantsSettings(grantRules(registry)));
  const writes = slice(writesSettings);
  const status = slice(statusSettings);
  const providers: ConfiguredProvider[] = [];
  const secrets: string[] = [];
  for (const loaded of registry.load(env)) {
    if (!loaded.ok) {
      settings.push(...loaded.settings);
      continue;
    }
    secrets.push(...loaded.secrets);
    if (loaded.configured) providers.push(loaded.configured);
  }
  if (settings.length > 0 || !core || !cache || !budget || !monitor || !grants || !writes || !status) {
    return { ok: false, settings };
  }
  return {
    ok: true,
    config: {
      ...core,
      ...cache,
      ...budget,
      ...monitor,
      ...grants,
      ...writes,
      ...status,
      providers,
      secrets: [...secrets, ...monitorSecrets(monitor), ...statusSecrets(status)],
    },
  };
}

/** One parse per env object: the platform hands an isolate the same env on every request. */
export function createConfigLoader(registry: Registry): (env: object) => ConfigResult {
  const seen = new WeakMap<object, ConfigResult>();
  return (env) => {
    let result = seen.get(env);
    if (!result) {
      result = parseConfig(env, registry);
      seen.set(env, result);
    }
    return result;
  };
}
