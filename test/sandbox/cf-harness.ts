/**
 * A Cloudflare simulator on a manual clock, with instant sleeps, and a `call` helper that checks EVERY
 * JSON response against the published OpenAPI schema; the check runs when the test finishes, so no
 * Cloudflare test can forget it.
 */
import { expect, onTestFinished } from "vitest";
import {
  type CloudflareSimulatorOptions,
  createCloudflareSimulator,
  createManualClock,
  DEFAULT_CLOUDFLARE_TOKEN,
  instantSleep,
  type WireCertificate,
  type WirePack,
} from "../../sandbox/index";
import { checkCloudflareResponse } from "./openapi";

export const ZONE = { id: "023e105f4ecef8ad9ca31a8372d0c353", name: "example.com" };
export const LAB_ZONE = { id: "11111111111111111111111111111111", name: "certgate.test" };
export const BASE = "https://api.cloudflare.com/client/v4";

/** The simulator's own wire types: the harness checks every body against the published schema as well. */
export type CfPack = WirePack;
export type CfCertificate = WireCertificate;

export interface CfEnvelope<T> {
  success: boolean;
  errors: Array<{ code: number; message: string; error_chain?: Array<{ code: number; message: string }> }>;
  messages: unknown[];
  result: T;
  result_info?: { page: number; per_page: number; count: number; total_count: number; total_pages?: number };
}

export interface CallOptions {
  body?: unknown;
  /** Raw body text (for malformed JSON). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Bearer token to send; null sends no credentials. Default: the simulator's default token. */
  token?: string | null;
  base?: string;
}

export function cloudflareHarness(options: CloudflareSimulatorOptions = {}) {
  const clock = createManualClock();
  const sim = createCloudflareSimulator({
    zones: [ZONE, LAB_ZONE],
    now: clock.now,
    sleep: instantSleep,
    ...options,
  });
  const violations: string[] = [];
  let checked = 0;
  onTestFinished(() => {
    expect(
      violations,
      "every Cloudflare simulator response validates against the published OpenAPI schema",
    ).toEqual([]);
  });

  async function call<T = unknown>(method: string, path: string, opts: CallOptions = {}) {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? DEFAULT_CLOUDFLARE_TOKEN : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers };
    if (opts.rawBody !== undefined) init.body = opts.rawBody;
    else if (opts.body !== undefined) {
      init.body = JSON.stringify(opts.body);
      headers["content-type"] = "application/json";
    }
    const url = `${opts.base ?? BASE}${path}`;
    const response = await sim.fetch(url, init);
    const text = await response.text();
    const parsed: unknown = JSON.parse(text);
    checked += 1;
    const pathname = new URL(url).pathname;
    violations.push(
      ...checkCloudflareResponse(method, pathname, response.status, parsed).map(
        (v) => `${method} ${path}: ${v}`,
      ),
    );
    // The body has just been checked against the published schema; the interface names the fields tests read.
    return { status: response.status, headers: response.headers, body: parsed as CfEnvelope<T> };
  }

  const packsPath = (zoneId = ZONE.id) => `/zones/${zoneId}/ssl/certificate_packs`;

  function order(hosts: string[], extra: Record<string, unknown> = {}, zoneId = ZONE.id) {
    return call<CfPack>("POST", `${packsPath(zoneId)}/order`, {
      body: {
        type: "advanced",
        hosts,
        validation_method: "txt",
        validity_days: 90,
        certificate_authority: "lets_encrypt",
        ...extra,
      },
    });
  }

  return { sim, clock, call, order, packsPath, violations, checkedCount: () => checked };
}
