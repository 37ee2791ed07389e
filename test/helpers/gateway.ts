/**
 * THE test gateway: a whole certgate in a test, made by createWorker from injected deps (the Worker
 * production runs), with the demo simulators of both upstreams behind a routed fetch, a clock the test
 * moves, and `call()`/`json()` that send one request and wait for its background work (cache writes,
 * refreshes) like the platform would. Options cover every suite's needs: env overrides, the API keys,
 * more providers (the registry injection), the simulators' sleep, scripted upstreams instead of the
 * simulators, a hook between certgate and a simulator, more outbound origins, and KV stand-ins.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import {
  createDemoSimulators,
  DEMO_CLOUDFLARE_TOKEN,
  DEMO_CLOUDFLARE_ZONE_IDS,
  DEMO_GJIRAFA_API_KEY,
  DEMO_GJIRAFA_PROJECT_ID,
  type DemoOptions,
  instantSleep,
  type Sleep,
} from "../../sandbox";
import type { RegisteredProvider } from "../../src/providers/module";
import { PROVIDERS } from "../../src/providers/registry";
import { createWorker } from "../../src/worker";
import type { BudgetNamespace } from "./budget";
import { type Handler, routedFetch, type TestClock, testClock, testDeps } from "./deps";
import { testEnv } from "./env";
import { CLOUDFLARE_BASE, GJIRAFA_BASE } from "./ids";
import { bearer, KEYS, type TestKey } from "./keys";

export const ORIGIN = "https://certgate.test";

type Simulators = ReturnType<typeof createDemoSimulators>;

export interface GatewayOptions {
  /** Env vars over the demo configuration (undefined unsets one). */
  env?: Record<string, string | undefined>;
  /** The API keys certgate knows (API_KEYS); default: test/helpers/keys.ts KEYS. */
  keys?: readonly TestKey[];
  /** Providers registered after certgate's own, through the registry injection (createWorker's `providers`). */
  providers?: readonly RegisteredProvider[];
  /** The simulators' sleep (latency and slow_body faults). Default: instant. */
  simSleep?: Sleep;
  /**
   * Simulators of the test's own making instead of the demo ones (other zones, credentials, data): the
   * configuration is then the fixture env's (test/helpers/env.ts) instead of the demo's.
   */
  simulators?: Simulators;
  /** Scripted handlers instead of the simulators (answers a document shows, or the simulators never send). */
  upstreams?: { cloudflare?: Handler; gjirafa?: Handler };
  /** Sits between certgate and a simulator: rewrite, replace or count what the upstream answers. */
  upstream?: (
    provider: "cloudflare" | "gjirafa",
    request: Request,
    next: (request?: Request) => Promise<Response>,
  ) => Promise<Response>;
  /** More outbound origins (webhook sinks, Access teams, a third provider's upstream). */
  routes?: Record<string, Handler>;
  /** KV bindings instead of the test runtime's (failing or slow stand-ins). */
  kv?: { CACHE?: KVNamespace; STATE?: KVNamespace };
  /**
   * The UPSTREAM_BUDGET binding (test/helpers/budget.ts `isolatedBudget()`): upstream calls are then
   * governed. Without it, as before the budget existed, nothing is.
   */
  budget?: BudgetNamespace;
  /** More options of the demo simulators (e.g. `cloudflareRateLimit`). */
  demo?: Omit<DemoOptions, "now" | "sleep">;
  clock?: TestClock;
  /** The key `call()` and `json()` send when the call names none. */
  defaultKey?: TestKey;
}

export interface CallOptions {
  key?: TestKey;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface JsonAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

/** No scripted answer for this upstream. */
const refuse: Handler = () => new Response("no scripted answer", { status: 599 });

export function createGateway(options: GatewayOptions = {}) {
  const clock = options.clock ?? testClock();
  const sims =
    options.simulators ??
    createDemoSimulators({ ...options.demo, now: clock.now, sleep: options.simSleep ?? instantSleep });
  const wrap = options.upstream;
  const scripted = options.upstreams;
  const fetch = routedFetch({
    [new URL(CLOUDFLARE_BASE).origin]: scripted
      ? (scripted.cloudflare ?? refuse)
      : (r) =>
          wrap ? wrap("cloudflare", r, (req = r) => sims.cloudflare.fetch(req)) : sims.cloudflare.fetch(r),
    [new URL(GJIRAFA_BASE).origin]: scripted
      ? (scripted.gjirafa ?? refuse)
      : (r) => (wrap ? wrap("gjirafa", r, (req = r) => sims.gjirafa.fetch(req)) : sims.gjirafa.fetch(r)),
    ...options.routes,
  });
  const deps = testDeps({ clock, fetch });
  const worker = createWorker(deps, { providers: [...PROVIDERS, ...(options.providers ?? [])] });
  const keys = options.keys ?? Object.values(KEYS);
  const env: Env = {
    ...testEnv({
      ...(scripted || options.simulators
        ? {}
        : {
            CLOUDFLARE_ZONES: DEMO_CLOUDFLARE_ZONE_IDS.join(","),
            GJIRAFA_PROJECTS: DEMO_GJIRAFA_PROJECT_ID,
            UPSTREAM_CLOUDFLARE_TOKEN: DEMO_CLOUDFLARE_TOKEN,
            UPSTREAM_GJIRAFA_KEY: DEMO_GJIRAFA_API_KEY,
          }),
      API_KEYS: JSON.stringify(keys.map((k) => k.entry)),
      ...options.env,
    }),
    ...options.kv,
    ...(options.budget ? { UPSTREAM_BUDGET: options.budget } : {}),
  };

  /** Sends a request as the platform would and waits for its background work. */
  async function send(request: Request): Promise<Response> {
    const ctx = createExecutionContext();
    const res = await worker.fetch(request, env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  async function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
    const key = opts.key ?? options.defaultKey;
    const headers: Record<string, string> = { ...(key ? bearer(key) : {}), ...opts.headers };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
        headers["Content-Type"] = "application/json";
      }
    }
    return send(new Request(`${ORIGIN}${path}`, { method, headers, body }));
  }

  async function json<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: CallOptions = {},
  ): Promise<JsonAnswer<T>> {
    return answerOf<T>(await call(method, path, opts));
  }

  /** The cron trigger, as the platform fires it. */
  async function scheduled(): Promise<void> {
    const ctx = createExecutionContext();
    const controller = createScheduledController({ scheduledTime: clock.now(), cron: "*/15 * * * *" });
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
  }

  /** Requests either simulator has received so far (faulted and refused ones included). */
  const upstreamCalls = () => sims.cloudflare.count() + sims.gjirafa.count();
  /** Faults that fired so far, over both simulators. */
  const firedFaults = () =>
    [...sims.cloudflare.faults.rules(), ...sims.gjirafa.faults.rules()].reduce((n, r) => n + r.fired, 0);

  return { clock, sims, fetch, deps, worker, env, send, call, json, scheduled, upstreamCalls, firedFaults };
}

export type Gateway = ReturnType<typeof createGateway>;

export async function answerOf<T = Record<string, unknown>>(res: Response): Promise<JsonAnswer<T>> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, text, body: body as T };
}
