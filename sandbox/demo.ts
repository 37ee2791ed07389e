/**
 * Demo data shared by `npm start`, tests and benchmarks: the same zone ids, project id and credentials
 * everywhere. Dates are relative to the simulators' clock at seeding time, so the demo looks the same
 * whenever it is started (a pack 5 days from expiry stays 5 days from expiry).
 */
import { DAY, HOUR, type Now, type Sleep, systemNow } from "./clock";
import type { Timings } from "./cloudflare/model";
import type { RateLimitOptions } from "./cloudflare/rate-limit";
import { type CloudflareSimulator, createCloudflareSimulator } from "./cloudflare/simulator";
import { SAMPLE_CERTIFICATE } from "./gjirafa/sample-certificates";
import { createGjirafaSimulator, type GjirafaSimulator } from "./gjirafa/simulator";
import { FAIL_DOMAIN, STALL_DOMAIN } from "./hostnames";

export const DEMO_CLOUDFLARE_TOKEN = "cf-demo-token-7f3a9c2e5b8d41f6";
/** "SSL and Certificates Read" only (seed 001 tokenPermissions #ssl:read): writes get 403 10000. */
export const DEMO_CLOUDFLARE_READ_TOKEN = "cf-demo-read-token-2c6e8a0b4d1f";
export const DEMO_CLOUDFLARE_EMAIL = "ops@example.com";
export const DEMO_CLOUDFLARE_KEY = "0123456789abcdef0123456789abcdef01234";

export const DEMO_GJIRAFA_API_KEY = "gj-demo-key-5d2b7e9a1c4f8036";
export const DEMO_GJIRAFA_VERSION = "v1";

export const DEMO_ZONES = {
  /** Healthy zone: active, near-expiry, pending, timed-out and a Cloudflare-managed universal pack. */
  example: { id: "023e105f4ecef8ad9ca31a8372d0c353", name: "example.com" },
  /** Quota 9 of 10 used. */
  shop: { id: "5c1d8e2f7a3b49c6d0e4f1a2b3c4d5e6", name: "shop.example" },
  /** Reserved test domains (hostnames.ts): a failing validation and an expired pack. */
  lab: { id: "9b8a7c6d5e4f30211203f4e5d6c7b8a9", name: "certgate.test" },
  /** No Advanced Certificate Manager: orders answer 1450. */
  basic: { id: "e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9", name: "basic.example" },
} as const;

/** Seed 004's own example project id. */
export const DEMO_GJIRAFA_PROJECT_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

export const DEMO_CLOUDFLARE_ZONE_IDS = Object.values(DEMO_ZONES).map((z) => z.id);

export interface DemoOptions {
  now?: Now;
  sleep?: Sleep;
  latencyMs?: number;
  /** Cloudflare pack lifecycle step durations (e.g. seconds instead of minutes for `npm start`). */
  timings?: Partial<Timings>;
  /** Enforce Cloudflare's API rate limit (`cloudflareRateLimit(scale)`); off by default. */
  cloudflareRateLimit?: RateLimitOptions;
}

function seedCloudflare(cf: CloudflareSimulator, now: number): void {
  const ex = DEMO_ZONES.example.id;
  cf.seedPack(ex, {
    hosts: ["example.com", "*.example.com"],
    status: "active",
    validityDays: 90,
    expiresOn: now + 61 * DAY,
  });
  cf.seedPack(ex, {
    hosts: ["example.com", "api.example.com"],
    status: "active",
    validityDays: 90,
    certificateAuthority: "google",
    expiresOn: now + 5 * DAY,
  });
  cf.seedPack(ex, {
    hosts: ["example.com", "new.example.com"],
    status: "pending_validation",
    validationMethod: "txt",
    since: now - 3 * HOUR,
  });
  cf.seedPack(ex, {
    hosts: ["example.com", "legacy.example.com"],
    status: "validation_timed_out",
    validationMethod: "http",
    since: now - 2 * DAY,
  });
  cf.seedPack(ex, {
    hosts: ["example.com", "*.example.com"],
    status: "active",
    type: "universal",
    expiresOn: now + 40 * DAY,
  });

  const shop = DEMO_ZONES.shop.id;
  for (let i = 1; i <= 9; i++) {
    cf.seedPack(shop, {
      hosts: ["shop.example", `store${i}.shop.example`],
      status: "active",
      validityDays: 365,
      certificateAuthority: "ssl_com",
      expiresOn: now + (30 + i * 20) * DAY,
    });
  }

  const lab = DEMO_ZONES.lab.id;
  cf.seedPack(lab, {
    hosts: ["certgate.test", `api.${FAIL_DOMAIN}`],
    status: "pending_validation",
    since: now - 6 * HOUR,
  });
  cf.seedPack(lab, {
    hosts: ["certgate.test", `www.${STALL_DOMAIN}`],
    status: "pending_validation",
    since: now - DAY,
  });
  cf.seedPack(lab, {
    hosts: ["certgate.test", "old.certgate.test"],
    status: "expired",
    expiresOn: now - 3 * DAY,
  });

  cf.seedPack(DEMO_ZONES.basic.id, {
    hosts: ["basic.example", "*.basic.example"],
    status: "active",
    type: "universal",
    expiresOn: now + 70 * DAY,
  });
}

function seedGjirafa(gj: GjirafaSimulator, now: number): void {
  const p = DEMO_GJIRAFA_PROJECT_ID;
  gj.seedCertificate(p, {
    domainName: "cdn.demo.certgate.test",
    additionalNames: ["static.demo.certgate.test"],
    status: "Active",
    notBefore: now - 30 * DAY,
    distributionId: "dist-7731",
  });
  gj.seedCertificate(p, {
    domainName: "media.demo.certgate.test",
    status: "Active",
    notBefore: now - 80 * DAY,
  });
  gj.seedCertificate(p, { domainName: "new.demo.certgate.test", status: "Pending Validation" });
  gj.seedCertificate(p, {
    domainName: "imported.demo.certgate.test",
    additionalNames: ["www.imported.demo.certgate.test"],
    certificateType: "Imported",
    status: "Active",
    issuer: "CN=certgate sandbox test CA, O=certgate sandbox, C=XK",
    serialNumber: "0123456789ABCDEF",
    notBefore: now - 10 * DAY,
    notAfter: now + 355 * DAY,
    scopeId: 2,
  });
}

/** Puts the demo zones, project and data into existing simulators (zones/project are added if missing). */
export function seedDemoData(
  sims: { cloudflare: CloudflareSimulator; gjirafa: GjirafaSimulator },
  now: number,
): void {
  for (const zone of Object.values(DEMO_ZONES)) {
    if (!sims.cloudflare.zoneIds().includes(zone.id)) {
      sims.cloudflare.addZone({
        ...zone,
        acm: zone.id !== DEMO_ZONES.basic.id,
        allocated: zone.id === DEMO_ZONES.shop.id ? 10 : 100,
      });
    }
  }
  if (!sims.gjirafa.projectIds().includes(DEMO_GJIRAFA_PROJECT_ID)) {
    sims.gjirafa.addProject({ id: DEMO_GJIRAFA_PROJECT_ID, name: "certgate demo CDN" });
  }
  seedCloudflare(sims.cloudflare, now);
  seedGjirafa(sims.gjirafa, now);
}

/** Both simulators with the demo credentials and data. */
export function createDemoSimulators(options: DemoOptions = {}) {
  const now = options.now ?? systemNow;
  const shared = {
    now,
    ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
  };
  const cloudflare = createCloudflareSimulator({
    ...shared,
    ...(options.timings !== undefined ? { timings: options.timings } : {}),
    ...(options.cloudflareRateLimit !== undefined ? { rateLimit: options.cloudflareRateLimit } : {}),
    credentials: [
      { token: DEMO_CLOUDFLARE_TOKEN, permission: "edit" },
      { token: DEMO_CLOUDFLARE_READ_TOKEN, permission: "read" },
      { email: DEMO_CLOUDFLARE_EMAIL, key: DEMO_CLOUDFLARE_KEY },
    ],
  });
  const gjirafa = createGjirafaSimulator({ ...shared, apiKeys: [{ key: DEMO_GJIRAFA_API_KEY }] });
  seedDemoData({ cloudflare, gjirafa }, now());
  return { cloudflare, gjirafa };
}

/** For the import demo: the sample certificate whose names match the imported demo entry. */
export { SAMPLE_CERTIFICATE as DEMO_IMPORT_CERTIFICATE };
