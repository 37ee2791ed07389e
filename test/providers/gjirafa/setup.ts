/** The Gjirafa simulator wired as certgate's upstream, with the shared fixture config. */
import { instantSleep } from "../../../sandbox/clock";
import type { GjirafaApiKey } from "../../../sandbox/gjirafa/auth";
import { createGjirafaSimulator, type GjirafaSimulatorOptions } from "../../../sandbox/gjirafa/simulator";
import { settingsInput } from "../../../src/config/load";
import { createGjirafaInstance, type GjirafaInstance } from "../../../src/providers/gjirafa/instance";
import { gjirafaSettings } from "../../../src/providers/gjirafa/settings";
import { type Handler, routedFetch, testClock, testDeps } from "../../helpers/deps";
import { testEnv } from "../../helpers/env";
import { GJIRAFA_BASE, PROJECT_P, PROJECT_Q, UPSTREAM_GJIRAFA_KEY } from "../../helpers/ids";
import { testUpstreamContext } from "../../upstream/context";

export const GJ_ORIGIN = new URL(GJIRAFA_BASE).origin;

export function gjirafaSetup(
  options: {
    env?: Record<string, string | undefined>;
    sim?: Partial<GjirafaSimulatorOptions>;
    apiKeys?: GjirafaApiKey[];
    wrap?: (sim: Handler) => Handler;
  } = {},
) {
  const clock = testClock();
  const sim = createGjirafaSimulator({
    apiKeys: options.apiKeys ?? [{ key: UPSTREAM_GJIRAFA_KEY }],
    projects: [{ id: PROJECT_P }, { id: PROJECT_Q }],
    now: clock.now,
    sleep: instantSleep,
    ...options.sim,
  });
  const handler: Handler = (request) => sim.fetch(request);
  const fetch = routedFetch({ [GJ_ORIGIN]: options.wrap ? options.wrap(handler) : handler });
  const deps = testDeps({ fetch, clock });
  const ctx = testUpstreamContext({ deps, env: options.env });
  return { sim, ctx, clock, fetch, gj: gjirafaInstance(options.env) };
}

/** The Gjirafa provider configured from the fixture env (projects P and Q, the fixture key). */
export function gjirafaInstance(env: Record<string, string | undefined> = {}): GjirafaInstance {
  const instance = createGjirafaInstance(gjirafaSettings.parse(settingsInput(testEnv(env))));
  if (!instance) throw new Error("the fixture env configures no Gjirafa project");
  return instance;
}
