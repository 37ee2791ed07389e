/** The Cloudflare simulator wired as certgate's upstream, with the shared fixture config. */

import { instantSleep } from "../../../sandbox/clock";
import type { CloudflareCredential } from "../../../sandbox/cloudflare/auth";
import {
  type CloudflareSimulatorOptions,
  createCloudflareSimulator,
} from "../../../sandbox/cloudflare/simulator";
import { settingsInput } from "../../../src/config/load";
import {
  type CloudflareInstance,
  createCloudflareInstance,
} from "../../../src/providers/cloudflare/instance";
import { cloudflareSettings } from "../../../src/providers/cloudflare/settings";
import type { CloudflareCreate } from "../../../src/providers/cloudflare/unified";
import { type Handler, routedFetch, testClock, testDeps } from "../../helpers/deps";
import { testEnv } from "../../helpers/env";
import { CLOUDFLARE_BASE, UPSTREAM_CLOUDFLARE_TOKEN, ZONE_A, ZONE_B } from "../../helpers/ids";
import { testUpstreamContext } from "../../upstream/context";

export const CF_ORIGIN = new URL(CLOUDFLARE_BASE).origin;

export function cloudflareSetup(
  options: {
    env?: Record<string, string | undefined>;
    sim?: Partial<CloudflareSimulatorOptions>;
    credentials?: CloudflareCredential[];
    /** Wraps the simulator (to answer some requests differently). */
    wrap?: (sim: Handler) => Handler;
    deadlineMs?: number;
  } = {},
) {
  const clock = testClock();
  const sim = createCloudflareSimulator({
    zones: [
      { id: ZONE_A, name: "example.com" },
      { id: ZONE_B, name: "example.org" },
    ],
    credentials: options.credentials ?? [{ token: UPSTREAM_CLOUDFLARE_TOKEN }],
    now: clock.now,
    sleep: instantSleep,
    ...options.sim,
  });
  const handler: Handler = (request) => sim.fetch(request);
  const fetch = routedFetch({ [CF_ORIGIN]: options.wrap ? options.wrap(handler) : handler });
  const deps = testDeps({ fetch, clock });
  const ctx = testUpstreamContext({ deps, env: options.env, deadlineMs: options.deadlineMs });
  return { sim, ctx, clock, fetch, cf: cloudflareInstance(options.env) };
}

/** The Cloudflare provider configured from the fixture env (zones A and B, the fixture token). */
export function cloudflareInstance(env: Record<string, string | undefined> = {}): CloudflareInstance {
  const instance = createCloudflareInstance(cloudflareSettings.parse(settingsInput(testEnv(env))));
  if (!instance) throw new Error("the fixture env configures no Cloudflare zone");
  return instance;
}

export const ORDER: CloudflareCreate = {
  provider: "cloudflare",
  zone: ZONE_A,
  hosts: ["example.com", "*.example.com"],
  validation_method: "txt",
  validity_days: 90,
  certificate_authority: "lets_encrypt",
};

/** n packs in zone A, every third pending validation. */
export function seedMany(sim: ReturnType<typeof cloudflareSetup>["sim"], n: number) {
  for (let i = 0; i < n; i += 1) {
    sim.seedPack(ZONE_A, {
      hosts: ["example.com", `h${i}.example.com`],
      status: i % 3 === 0 ? "pending_validation" : "active",
    });
  }
}
