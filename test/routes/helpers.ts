/**
 * What the route tests share: the one test gateway (test/helpers/gateway.ts) whose API keys include keys limited
 * to ONE demo zone (test/helpers/keys.ts limits zoneA to a fixture zone the demo does not have),
 * native paths, envelope types and a counter of upstream calls (validation must cost none).
 */

import { createHash } from "node:crypto";
import { DEMO_GJIRAFA_PROJECT_ID, DEMO_ZONES, type WirePack } from "../../sandbox";
import { createGateway, type Gateway, type GatewayOptions } from "../helpers/gateway";
import { KEYS, type TestKey } from "../helpers/keys";
import { resetStorage } from "../helpers/kv";

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

export type { Gateway } from "../helpers/gateway";

/** The one test gateway with the route tests' keys, and env overrides. */
export function gateway(env: Record<string, string | undefined> = {}, options: GatewayOptions = {}): Gateway {
  return createGateway({ keys: Object.values(ROUTE_KEYS), env, ...options });
}

/** Each route test file runs this `beforeEach` (test/helpers/kv.ts says why). */
export const clearKv = resetStorage;

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
