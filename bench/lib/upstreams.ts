/// <reference types="node" />
/**
 * The benchmarks' upstreams: the sandbox simulators served on loopback (sandbox/serve.ts), with the
 * demo credentials and as many demo-like zones as a scenario needs. Calls are counted at the
 * simulators (their call log), which is where "subrequests" are real.
 */
import {
  type CloudflareSimulator,
  createCloudflareSimulator,
  createGjirafaSimulator,
  DAY,
  DEMO_CLOUDFLARE_TOKEN,
  DEMO_GJIRAFA_API_KEY,
  DEMO_GJIRAFA_PROJECT_ID,
  type GjirafaSimulator,
  HOUR,
  type RateLimitOptions,
} from "../../sandbox/index";
import { type ServedSimulator, serveSimulator } from "../../sandbox/serve";
import { LOOPBACK } from "../../scripts/lib/ports";

export interface Upstreams {
  cloudflare: CloudflareSimulator;
  /** Cloudflare's answers by status, as served (a 429 here is Cloudflare refusing certgate). */
  cloudflareStatuses: Map<number, number>;
  gjirafa: GjirafaSimulator;
  cloudflareUrl: string;
  gjirafaUrl: string;
  zones: string[];
  close(): Promise<void>;
}

/** Zone i's id: 32 hex, distinct per i, stable across runs. */
export function benchZoneId(i: number): string {
  return `b0${i.toString(16).padStart(8, "0")}`.padEnd(32, "0");
}

/** Five packs like the demo's example.com: three active (one near expiry), one pending, one universal. */
export function seedDemoLikeZone(cf: CloudflareSimulator, zoneId: string, name: string, now: number): void {
  cf.seedPack(zoneId, {
    hosts: [name, `*.${name}`],
    status: "active",
    validityDays: 90,
    expiresOn: now + 61 * DAY,
  });
  cf.seedPack(zoneId, {
    hosts: [name, `api.${name}`],
    status: "active",
    validityDays: 90,
    certificateAuthority: "google",
    expiresOn: now + 5 * DAY,
  });
  cf.seedPack(zoneId, {
    hosts: [name, `www.${name}`],
    status: "active",
    validityDays: 365,
    certificateAuthority: "ssl_com",
    expiresOn: now + 200 * DAY,
  });
  cf.seedPack(zoneId, { hosts: [name, `new.${name}`], status: "pending_validation", since: now - 3 * HOUR });
  cf.seedPack(zoneId, {
    hosts: [name, `*.${name}`],
    status: "active",
    type: "universal",
    expiresOn: now + 40 * DAY,
  });
}

export async function startUpstreams(options: {
  zones: number;
  latencyMs: number;
  /** Enforce Cloudflare's rate limit (sandbox `cloudflareRateLimit(scale)`); off by default. */
  cloudflareRateLimit?: RateLimitOptions;
}): Promise<Upstreams> {
  const cloudflare = createCloudflareSimulator({
    credentials: [{ token: DEMO_CLOUDFLARE_TOKEN, permission: "edit" }],
    latencyMs: options.latencyMs,
    ...(options.cloudflareRateLimit ? { rateLimit: options.cloudflareRateLimit } : {}),
  });
  const cloudflareStatuses = new Map<number, number>();
  const gjirafa = createGjirafaSimulator({
    apiKeys: [{ key: DEMO_GJIRAFA_API_KEY }],
    latencyMs: options.latencyMs,
  });
  gjirafa.addProject({ id: DEMO_GJIRAFA_PROJECT_ID, name: "bench" });
  const now = Date.now();
  const zones: string[] = [];
  for (let i = 0; i < options.zones; i++) {
    const id = benchZoneId(i);
    const name = `zone${i}.example`;
    cloudflare.addZone({ id, name });
    seedDemoLikeZone(cloudflare, id, name, now);
    zones.push(id);
  }
  const counted: typeof cloudflare.fetch = async (input, init) => {
    const res = await cloudflare.fetch(input, init);
    cloudflareStatuses.set(res.status, (cloudflareStatuses.get(res.status) ?? 0) + 1);
    return res;
  };
  const served: ServedSimulator[] = [
    await serveSimulator(counted, 0, LOOPBACK),
    await serveSimulator(gjirafa.fetch, 0, LOOPBACK),
  ];
  const [cf, gj] = served;
  return {
    cloudflare,
    cloudflareStatuses,
    gjirafa,
    cloudflareUrl: `${cf?.url ?? ""}/client/v4`,
    gjirafaUrl: gj?.url ?? "",
    zones,
    close: async () => {
      await Promise.all(served.map((s) => s.close()));
    },
  };
}

/** Worker vars and secrets for certgate on these upstreams (Cloudflare zones only). */
export function workerBindings(
  up: Upstreams,
  zones: readonly string[],
  apiKeysJson: string,
  extra: Record<string, string> = {},
) {
  return {
    CLOUDFLARE_API_BASE: up.cloudflareUrl,
    CLOUDFLARE_ZONES: zones.join(","),
    GJIRAFA_API_VERSION: "v1",
    UPSTREAM_CLOUDFLARE_TOKEN: DEMO_CLOUDFLARE_TOKEN,
    API_KEYS: apiKeysJson,
    ...extra,
  };
}

/**
 * Settings under which the upstream budget never refuses (docs/budget.md): no global cap, a per-key
 * allowance far above what a run sends. The budget Durable Object is still asked for every permit, as
 * in production; only refusals are ruled out, since a refused request would measure a 429.
 */
export const NO_REFUSALS = {
  CLOUDFLARE_BUDGET_PER_5MIN: "none",
  KEY_UPSTREAM_PER_MINUTE: "100000",
} as const;
