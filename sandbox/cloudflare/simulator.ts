/**
 * A stateful stand-in for the Cloudflare certificate-pack API (seeds 000-003, domain.md), used as the
 * upstream in tests, `npm start` and benchmarks. A plain fetch handler: no sockets, no node imports, no
 * module-level state, so it runs in workerd and in Node alike.
 *
 *   const cf = createCloudflareSimulator({ zones: [{ id, name: "example.com" }], now: clock.now });
 *   await cf.fetch(`https://api.cloudflare.com/client/v4/zones/${id}/ssl/certificate_packs`, { headers });
 */
import { type CallFilter, type CallLog, createCallLog, type RecordedCall } from "../call-log";
import { type Now, realSleep, type Sleep, systemNow } from "../clock";
import { createFaultInjector, type FaultInjector } from "../faults";
import { behaviourOf } from "../hostnames";
import { cloudflareId } from "../ids";
import type { PathPattern } from "../path-pattern";
import { createPipeline, type SimulatorFetch } from "../pipeline";
import type { CloudflareCredential } from "./auth";
import { cloudflareDialect } from "./errors";
import { DEFAULT_TIMINGS, renewPack } from "./lifecycle";
import type { Pack, Timings, Zone, ZoneConfig } from "./model";
import type { Order } from "./order";
import { createRateLimiter, type RateLimitOptions } from "./rate-limit";
import { DEFAULT_WIRE_SHAPE, renderPack, type WirePack, type WireShape } from "./render";
import { type CloudflareState, handleCloudflare } from "./routes";
import { type PackSeed, packFromSeed } from "./seed";
import { createZone, findPack, quotaOf, refreshZone } from "./zones";

export const DEFAULT_CLOUDFLARE_TOKEN = "cf-sandbox-token";

export interface CloudflareSimulatorOptions {
  /** Accepted credentials. Default: one edit token, DEFAULT_CLOUDFLARE_TOKEN. */
  credentials?: CloudflareCredential[];
  zones?: ZoneConfig[];
  now?: Now;
  /** Used by latency, slow-body faults and `latencyMs`. Default: real timers. */
  sleep?: Sleep;
  /** Latency added to every answer (benchmarks). */
  latencyMs?: number;
  /** Step durations of the pack lifecycle and the deleted-pack retention (defaults in lifecycle.ts). */
  timings?: Partial<Timings>;
  /** Omit `result_info.total_pages`, as older responses did (domain.md). */
  legacyResultInfo?: boolean;
  /** Enforce the API rate limit (domain.md: 1200 per 5 minutes per token); off by default. */
  rateLimit?: RateLimitOptions;
  /**
   * Answer shapes besides the default (render.ts WireShape): `certificates` left out of packs without
   * any (in write answers or everywhere), null instead of absent optional fields.
   */
  shape?: Partial<WireShape>;
  /** Successes carry non-empty `errors` and `messages` (code 1000), as the SDK reference's example does. */
  successNotes?: boolean;
  /**
   * Every answer carries a `CF-Ray` header (Cloudflare's edge request id, `<16 hex>-<colo>`), as every
   * answer of api.cloudflare.com does. Default on; off answers without one.
   */
  rayIds?: boolean;
}

export interface CloudflareSimulator {
  /** Drop-in `fetch`: takes what `fetch(input, init)` takes. */
  fetch: SimulatorFetch;
  addZone(zone: ZoneConfig): void;
  /** Raises or lowers the advanced allocation; toggles Advanced Certificate Manager. */
  setZone(zoneId: string, change: { allocated?: number; acm?: boolean }): void;
  /** Inserts a pack in any state; returns its wire form. */
  seedPack(zoneId: string, seed: PackSeed): WirePack;
  /** A pack's wire form as of now (undefined once purged). */
  pack(zoneId: string, packId: string): WirePack | undefined;
  /**
   * Renews an active pack now, as Cloudflare does on its own schedule (the simulator never renews by
   * itself): new certificates for the pack's validity, same pack id. Returns the wire form.
   */
  renewPack(zoneId: string, packId: string): WirePack;
  /** Every pack of a zone (all statuses), wire form, list order. */
  packs(zoneId: string): WirePack[];
  quota(zoneId: string): { allocated: number; used: number };
  zoneIds(): string[];
  readonly faults: FaultInjector;
  readonly log: CallLog;
  calls(filter?: CallFilter): RecordedCall[];
  count(method?: string, pathSuffix?: PathPattern): number;
  setLatency(ms: number): void;
  readonly timings: Readonly<Timings>;
}

export function createCloudflareSimulator(options: CloudflareSimulatorOptions = {}): CloudflareSimulator {
  const now = options.now ?? systemNow;
  const timings: Timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const zones = new Map<string, Zone>();
  for (const zone of options.zones ?? []) zones.set(zone.id, createZone(zone));
  const log = createCallLog(now);
  const faults = createFaultInjector();
  let latencyMs = options.latencyMs ?? 0;

  const createPack = (zone: Zone, order: Order): Pack => {
    const at = now();
    const pack: Pack = {
      id: cloudflareId(),
      zoneId: zone.id,
      type: "advanced",
      hosts: order.hosts,
      status: "initializing",
      validationMethod: order.validationMethod,
      validityDays: order.validityDays,
      certificateAuthority: order.certificateAuthority,
      cloudflareBranding: order.cloudflareBranding,
      behaviour: behaviourOf(order.hosts),
      createdAt: at,
      since: at,
      nextAt: at + timings.initializingMs,
      certificates: [],
      validationRecords: [],
      dcvDelegationRecords: [],
      validationErrors: [],
      deletedAt: null,
    };
    zone.packs.set(pack.id, pack);
    return pack;
  };

  const state: CloudflareState = {
    zones,
    credentials: options.credentials ?? [{ token: DEFAULT_CLOUDFLARE_TOKEN, permission: "edit" }],
    timings,
    now,
    legacyResultInfo: options.legacyResultInfo === true,
    shape: { ...DEFAULT_WIRE_SHAPE, ...options.shape },
    successNotes: options.successNotes === true,
    rateLimit: options.rateLimit ?? null,
    rateLimiter: options.rateLimit === undefined ? null : createRateLimiter(options.rateLimit, now),
    createPack,
  };

  const zoneOf = (zoneId: string): Zone => {
    const zone = zones.get(zoneId);
    if (zone === undefined) throw new Error(`unknown zone ${zoneId}: add it first`);
    return zone;
  };

  const pipeline = createPipeline({
    log,
    faults,
    sleep: options.sleep ?? realSleep,
    latencyMs: () => latencyMs,
    dialect: cloudflareDialect,
    handle: (request, url, bodyText) => handleCloudflare(state, request, url, bodyText),
  });
  const withRay: SimulatorFetch = async (input, init) => {
    const response = await pipeline(input, init);
    const headers = new Headers(response.headers);
    headers.set("cf-ray", `${cloudflareId().slice(0, 16)}-SIM`);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };

  return {
    fetch: options.rayIds === false ? pipeline : withRay,
    addZone(zone) {
      zones.set(zone.id, createZone(zone));
    },
    setZone(zoneId, change) {
      const zone = zoneOf(zoneId);
      if (change.allocated !== undefined) zone.allocated = change.allocated;
      if (change.acm !== undefined) zone.acm = change.acm;
    },
    seedPack(zoneId, seed) {
      const zone = zoneOf(zoneId);
      const pack = packFromSeed(zoneId, seed, now, timings);
      if (zone.packs.has(pack.id)) throw new Error(`pack ${pack.id} already exists in zone ${zoneId}`);
      zone.packs.set(pack.id, pack);
      return renderPack(pack);
    },
    pack(zoneId, packId) {
      const pack = findPack(zoneOf(zoneId), packId, now(), timings);
      return pack === undefined ? undefined : renderPack(pack);
    },
    renewPack(zoneId, packId) {
      const pack = findPack(zoneOf(zoneId), packId, now(), timings);
      if (pack === undefined || pack.status !== "active") throw new Error(`pack ${packId} is not active`);
      renewPack(pack, now());
      return renderPack(pack);
    },
    packs: (zoneId) => refreshZone(zoneOf(zoneId), now(), timings).map(renderPack),
    quota: (zoneId) => quotaOf(zoneOf(zoneId), now(), timings),
    zoneIds: () => [...zones.keys()],
    faults,
    log,
    calls: (filter) => log.calls(filter),
    count: (method, pathSuffix) => log.count(method, pathSuffix),
    setLatency(ms) {
      latencyMs = ms;
    },
    timings,
  };
}
