/**
 * What the read-only views (GET /metrics, GET /status) show a caller: every configured zone and project
 * the caller may see, with its certificates, the monitor's word on it (outcome, error, quota, owner), the
 * caller's share of the monitor's problems, and the last run. Never an upstream call: the certificates
 * come from the list cache's KV entry (whatever its age), else this isolate's last list of the scope, else
 * the monitor's last observations; the rest from the monitor's stored report.
 *
 * Cost, for a scrape every 15 s: reads younger than `maxAgeMs` are reused without asking KV; a KV text
 * that did not change is not parsed again (the list cache and the report reader compare texts); each
 * list's certificates are derived once per list (a WeakMap on its items), and every derived object is
 * dropped with the list it came from.
 */
import { allowsScope } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { cacheKey, type ListCache, type PeekedList } from "../cache";
import type { Config } from "../config/load";
import type { Deps } from "../deps";
import { AppError } from "../errors";
import type { Logger } from "../logger";
import type { Scope } from "../model/scope";
import { isStale } from "../monitor/report-view";
import type { ConfiguredProvider } from "../providers/types";
import { fromCertificate, fromObservation, type Observation, type ViewCertificate } from "./certificate";
import { createStateReader } from "./monitor-state";
import { createReportReader, type ViewProblem, type ViewReport, type ViewScopeReport } from "./report";

export type CertificateSource = "cache" | "memory" | "monitor" | "none";

export interface InventoryScope {
  scope: Scope;
  /** The provider's display name ("Cloudflare", ...). */
  label: string;
  certificates: readonly ViewCertificate[];
  source: CertificateSource;
  /** When the certificates were read from the upstream (epoch ms); null when there are none. */
  asOf: number | null;
  /** The monitor's entry for the scope in its last report; null before it checked the scope. */
  report: ViewScopeReport | null;
}

export interface Inventory {
  run: ViewReport["run"] | null;
  /** The last run finished more than two monitor intervals ago, or there was none. */
  stale: boolean;
  /** When the report turns stale without a new run (epoch ms); null before the first run. */
  staleAfter: number | null;
  scopes: InventoryScope[];
  /** The monitor's open problems in the caller's zones and projects, most severe first. */
  problems: ViewProblem[];
}

export interface InventoryContext {
  config: Config;
  deps: Pick<Deps, "now" | "log">;
  principal: Principal;
  logger?: Logger;
}

export interface InventoryOptions {
  /** Reuse what this isolate read from KV less than this long ago (0: read every time). */
  maxAgeMs: number;
}

interface Target {
  provider: ConfiguredProvider;
  scope: Scope;
}

export function createInventory(listCache: ListCache) {
  const reports = createReportReader();
  const states = createStateReader();
  /** Certificates derived from one list's items (or one scope's observations), per items object. */
  const derived = new WeakMap<object, readonly ViewCertificate[]>();
  /** When each list was last read from KV, per CACHE namespace (keys are configured scopes only). */
  const listReads = new WeakMap<KVNamespace, Map<string, number>>();

  function visibleTargets(config: Config, principal: Principal): Target[] {
    const out: Target[] = [];
    for (const provider of config.providers) {
      for (const id of provider.instance.scopes) {
        const scope: Scope = { provider: provider.descriptor.name, kind: provider.descriptor.scopeKind, id };
        if (allowsScope(principal, scope)) out.push({ provider, scope });
      }
    }
    return out;
  }

  async function peekList(
    ctx: InventoryContext,
    target: Target,
    maxAgeMs: number,
  ): Promise<PeekedList<unknown> | null> {
    const { config, deps } = ctx;
    const now = deps.now();
    let reads = listReads.get(config.cache);
    if (!reads) {
      reads = new Map();
      listReads.set(config.cache, reads);
    }
    const k = cacheKey({ scope: target.scope });
    const last = reads.get(k);
    const recent = last !== undefined && now >= last && now - last < maxAgeMs;
    const cacheCtx = { kv: config.cache, deps, ...(ctx.logger ? { logger: ctx.logger } : {}) };
    const parse = (value: unknown) => target.provider.instance.parseRaw(value);
    if (recent) {
      const remembered = await listCache.peek(cacheCtx, { scope: target.scope }, parse, { memoryOnly: true });
      if (remembered) return remembered;
    }
    reads.set(k, now);
    return listCache.peek(cacheCtx, { scope: target.scope }, parse);
  }

  function certificatesOf(
    target: Target,
    items: readonly unknown[],
    now: number,
  ): readonly ViewCertificate[] {
    const known = derived.get(items);
    if (known) return known;
    const { instance } = target.provider;
    const certificates = items.map((raw) => fromCertificate(instance.normalize(target.scope.id, raw, now)));
    derived.set(items, certificates);
    return certificates;
  }

  function observedCertificates(
    target: Target,
    observed: Record<string, Observation>,
  ): readonly ViewCertificate[] {
    const known = derived.get(observed);
    if (known) return known;
    const certificates = Object.values(observed).map((o) => fromObservation(target.scope, o));
    derived.set(observed, certificates);
    return certificates;
  }

  async function read(ctx: InventoryContext, options: InventoryOptions): Promise<Inventory> {
    const { config, deps, principal } = ctx;
    const now = deps.now();
    let report: ViewReport | null;
    try {
      report = await reports.latest(config.state, now, options.maxAgeMs);
    } catch {
      throw new AppError("upstream_unavailable", "The report store (KV) is unavailable; try again");
    }
    const targets = visibleTargets(config, principal);
    const lists = await Promise.all(targets.map((t) => peekList(ctx, t, options.maxAgeMs)));
    const state = lists.some((l) => l === null)
      ? await states.latest(config.state, now, options.maxAgeMs)
      : null;
    const reported = new Map(
      (report?.scopes ?? []).map((s) => [`${s.provider}:${s.scope.id.toLowerCase()}`, s]),
    );

    const scopes = targets.map((target, i): InventoryScope => {
      const key = `${target.scope.provider}:${target.scope.id.toLowerCase()}`;
      const base = {
        scope: target.scope,
        label: target.provider.descriptor.label,
        report: reported.get(key) ?? null,
      };
      const list = lists[i];
      if (list) {
        return {
          ...base,
          certificates: certificatesOf(target, list.items, now),
          source: list.source === "kv" ? "cache" : "memory",
          asOf: list.fetchedAt,
        };
      }
      const observed = state?.scopes[key];
      if (observed && observed.last_success_at !== null) {
        return {
          ...base,
          certificates: observedCertificates(target, observed.certs),
          source: "monitor",
          asOf: observed.last_success_at,
        };
      }
      return { ...base, certificates: [], source: "none", asOf: null };
    });

    const run = report?.run ?? null;
    const intervalMinutes = config.monitor.intervalMinutes;
    return {
      run,
      stale: run === null || isStale(run.finished_at, now, intervalMinutes),
      staleAfter: run === null ? null : Date.parse(run.finished_at) + 2 * intervalMinutes * 60_000,
      scopes,
      problems: (report?.problems ?? []).filter((p) => allowsScope(principal, p.scope)),
    };
  }

  return { read };
}

export type InventoryReader = ReturnType<typeof createInventory>;
