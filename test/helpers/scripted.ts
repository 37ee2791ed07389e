/**
 * Scripted upstreams: scripted handlers instead of the simulators, for answers exactly as a
 * document shows them (the fixtures) or as the simulators never send them, through the one test gateway
 * (test/helpers/gateway.ts). One zone and one project are configured; calls go as admin.
 */

import type { Handler, TestClock } from "./deps";
import { createGateway } from "./gateway";
import { PROJECT_P } from "./ids";
import { KEYS } from "./keys";

/** The zone the API reference's examples use (also the demo zone). */
export const SCRIPTED_ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
/** The project the Gjirafa documentation's examples use. */
export const SCRIPTED_PROJECT = PROJECT_P;

export function scriptedGateway(
  upstreams: { cloudflare?: Handler; gjirafa?: Handler },
  env: Record<string, string | undefined> = {},
  clock?: TestClock,
) {
  return createGateway({
    upstreams,
    clock,
    defaultKey: KEYS.admin,
    env: { CLOUDFLARE_ZONES: SCRIPTED_ZONE, GJIRAFA_PROJECTS: SCRIPTED_PROJECT, ...env },
  });
}

/** A JSON answer. */
export function answer(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}
