/**
 * What the route tests share: a gateway over the demo simulators whose API keys include keys limited
 * to ONE demo zone (test/helpers/keys.ts limits zoneA to a fixture zone the demo does not have),
 * native paths, envelope types and a counter of upstream calls (validation must cost none).
 */

import { env } from "cloudflare:test";
import { createHash } from "node:crypto";
import { DEMO_GJIRAFA_PROJECT_ID, DEMO_ZONES, type WirePack } from "../../sandbox";
import { createGateway } from "../helpers/gateway";
import { KEYS, type TestKey } from "../helpers/keys";

export const EXAMPLE = DEMO_ZONES.example.id;
export const SHOP = DEMO_ZONES.shop.id;
export const LAB = DEMO_ZONES.lab.id;
export const BASIC = DEMO_ZONES.basic.id;
export const PROJECT = DEMO_GJIRAFA_PROJECT_ID;
/** A well-formed zone id that no simulator zone and no certgate config has. */
export const UNKNOWN_ZONE = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
/** A well-formed pack id that no zone has. */
export const UNKNOWN_PACK = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

function key(name: string, scopes: string[], zones: string[], projects: string[]): TestKey {
  const plain = `cg_test_${name.replace(/[^a-z0-9]/gi, "_")}_${"y".repeat(43 - name.length)}`;
  return {
    key: plain,
    entry: { name, sha256: createHash("sha256").update(plain).digest("hex"), scopes, zones, projects },
  };
}

export const ROUTE_KEYS = {
  ...KEYS,
  /** Read and write, limited to the demo zone example.com and no project. */
  exampleOnly: key("example-only", ["certificates:read", "certificates:write"], [EXAMPLE], []),
  /** Read and write, limited to the demo project and no zone. */
  projectOnly: key("project-only", ["certificates:read", "certificates:write"], [], [PROJECT]),
} as const;

export type Gateway = ReturnType<typeof createGateway>;

export function gateway(overrides: Record<string, string | undefined> = {}): Gateway {
  const entries = Object.values(ROUTE_KEYS).map((k) => k.entry);
  return createGateway({ API_KEYS: JSON.stringify(entries), ...overrides });
}

/**
 * KV storage is shared by the tests of one file, and every gateway's simulators mint new random ids:
 * a list cached by one test would be served to the next. Each file runs this `beforeEach`.
 */
export async function clearKv(): Promise<void> {
  for (const ns of [env.CACHE, env.STATE]) {
    let cursor: string | undefined;
    for (;;) {
      const page: KVNamespaceListResult<unknown> = await ns.list({ cursor });
      await Promise.all(page.keys.map((k) => ns.delete(k.name)));
      if (page.list_complete) break;
      cursor = page.cursor;
    }
  }
}

/** Every request either simulator has received so far. */
export function upstreamCalls(gw: Gateway): number {
  return gw.sims.cloudflare.count() + gw.sims.gjirafa.count();
}

export const cfPacks = (zone: string = EXAMPLE) =>
  `/cloudflare/client/v4/zones/${zone}/ssl/certificate_packs`;
export const gjCerts = (project: string = PROJECT, version = "v1") =>
  `/gjirafa/api/${version}/projects/${project}/certificates`;
export const unifiedId = (provider: "cloudflare" | "gjirafa", scope: string, id: string | number) =>
  `${provider}:${scope}:${id}`;

/** The v4 family (certgate and the Cloudflare pass-through). */
export interface V4Envelope<T = unknown> {
  success: boolean;
  errors: Array<Record<string, unknown> & { code: string | number; message: string }>;
  messages: unknown[];
  result: T;
  result_info?: { page: number; per_page: number; count: number; total_count: number; total_pages: number };
}

/** Gjirafa's family: string errors, `resultInfo`. */
export interface GjEnvelope<T = unknown> {
  success: boolean;
  errors: string[];
  messages: string[];
  result: T;
  resultInfo: {
    totalCount: number;
    pageIndex: number;
    pageSize: number;
    totalPages: number;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
  } | null;
}

export type Wire = Record<string, unknown> & { id: string | number; status?: string };

/** The id of the first demo pack in `zone` that matches. */
export function packId(gw: Gateway, zone: string, match: (pack: WirePack) => boolean): string {
  const pack = gw.sims.cloudflare.packs(zone).find(match);
  if (!pack) throw new Error(`no demo pack in ${zone} matches`);
  return String(pack.id);
}

export const ORDER = {
  type: "advanced",
  hosts: ["example.com", "orders.example.com"],
  validation_method: "txt",
  validity_days: 90,
  certificate_authority: "lets_encrypt",
} as const;
