/**
 * A whole certgate in a test: the Worker made from injected deps, the demo simulators of both
 * upstreams behind a routed fetch, a clock the test moves, and a `call()` that sends one request
 * and waits for its background work (cache writes, refreshes) like the platform would.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import {
  createDemoSimulators,
  DEMO_CLOUDFLARE_TOKEN,
  DEMO_CLOUDFLARE_ZONE_IDS,
  DEMO_GJIRAFA_API_KEY,
  DEMO_GJIRAFA_PROJECT_ID,
  instantSleep,
} from "../../sandbox";
import { createWorker } from "../../src/worker";
import { routedFetch, testClock, testDeps } from "./deps";
import { testEnv } from "./env";
import { CLOUDFLARE_BASE, GJIRAFA_BASE } from "./ids";
import { bearer, type TestKey } from "./keys";

export interface CallOptions {
  key?: TestKey;
  body?: unknown;
  headers?: Record<string, string>;
}

export function createGateway(envOverrides: Record<string, string | undefined> = {}) {
  const clock = testClock();
  const sims = createDemoSimulators({ now: clock.now, sleep: instantSleep });
  const fetch = routedFetch({
    [new URL(CLOUDFLARE_BASE).origin]: (r) => sims.cloudflare.fetch(r),
    [new URL(GJIRAFA_BASE).origin]: (r) => sims.gjirafa.fetch(r),
  });
  const deps = testDeps({ clock, fetch });
  const worker = createWorker(deps);
  const env = testEnv({
    CLOUDFLARE_ZONES: DEMO_CLOUDFLARE_ZONE_IDS.join(","),
    GJIRAFA_PROJECTS: DEMO_GJIRAFA_PROJECT_ID,
    UPSTREAM_CLOUDFLARE_TOKEN: DEMO_CLOUDFLARE_TOKEN,
    UPSTREAM_GJIRAFA_KEY: DEMO_GJIRAFA_API_KEY,
    ...envOverrides,
  });

  async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
    const headers: Record<string, string> = {
      ...(options.key ? bearer(options.key) : {}),
      ...options.headers,
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      headers["Content-Type"] ??= "application/json";
    }
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`https://certgate.test${path}`, { method, headers, body }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  }

  async function json<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<{ status: number; headers: Headers; body: T }> {
    const res = await call(method, path, options);
    return { status: res.status, headers: res.headers, body: (await res.json()) as T };
  }

  return { clock, sims, fetch, deps, worker, env, call, json };
}
