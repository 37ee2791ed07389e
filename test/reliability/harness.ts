/**
 * The reliability suite's gateway: test/helpers/gateway.ts's certgate over the demo simulators, plus
 * what attacking it needs and createGateway does not offer: extra outbound origins (an alert webhook
 * sink, an Access team's JWKS), a choice of the simulators' `sleep` (real timers make `slow_body`
 * faults actually slow), extra API keys scoped to zones/projects the demo does not manage, raw requests
 * (arbitrary headers and body bytes, for fuzzing), the scheduled handler, and KV housekeeping.
 */
import {
  createExecutionContext,
  createScheduledController,
  env as runtimeEnv,
  waitOnExecutionContext,
} from "cloudflare:test";
import { createHash } from "node:crypto";
import {
  createDemoSimulators,
  DEMO_CLOUDFLARE_TOKEN,
  DEMO_CLOUDFLARE_ZONE_IDS,
  DEMO_GJIRAFA_API_KEY,
  DEMO_GJIRAFA_PROJECT_ID,
  instantSleep,
  type Sleep,
} from "../../sandbox";
import { createWorker } from "../../src/worker";
import { type Handler, routedFetch, testClock, testDeps } from "../helpers/deps";
import { testEnv } from "../helpers/env";
import { CLOUDFLARE_BASE, GJIRAFA_BASE, PROJECT_Q, ZONE_B } from "../helpers/ids";
import { bearer, KEYS, type TestKey } from "../helpers/keys";

export const ORIGIN = "https://certgate.test";

function key(name: string, scopes: string[], zones: string[], projects: string[]): TestKey {
  const plain = `cg_rel_${name.replace(/[^a-z0-9]/gi, "_")}_${"r".repeat(40 - name.length)}`;
  return {
    key: plain,
    entry: { name, sha256: createHash("sha256").update(plain).digest("hex"), scopes, zones, projects },
  };
}

/** Keys of this suite, on top of KEYS: full scopes, but only for a zone and project the demo does not manage. */
export const REL_KEYS = {
  /** Every certificate scope, on ZONE_B / PROJECT_Q only: the demo zones and project are someone else's. */
  elsewhere: key(
    "elsewhere",
    ["certificates:read", "certificates:write", "reports:read"],
    [ZONE_B],
    [PROJECT_Q],
  ),
} as const;

export const ALL_KEYS: readonly TestKey[] = [...Object.values(KEYS), ...Object.values(REL_KEYS)];
export const API_KEYS_JSON = JSON.stringify(ALL_KEYS.map((k) => k.entry));

export interface GatewayOptions {
  /** Env vars over the demo configuration. */
  env?: Record<string, string | undefined>;
  /** The simulators' sleep (latency and slow_body faults). Default: instant. */
  simSleep?: Sleep;
  /** Extra outbound origins (webhook sinks, Access teams). */
  routes?: Record<string, Handler>;
  /** Sits between certgate and a simulator: rewrite, replace or count what the upstream answers. */
  upstream?: (
    provider: "cloudflare" | "gjirafa",
    request: Request,
    next: (request?: Request) => Promise<Response>,
  ) => Promise<Response>;
  /** KV bindings instead of the test runtime's (failing or slow stand-ins). */
  kv?: { CACHE?: KVNamespace; STATE?: KVNamespace };
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

export function createReliabilityGateway(options: GatewayOptions = {}) {
  const clock = testClock();
  const sims = createDemoSimulators({ now: clock.now, sleep: options.simSleep ?? instantSleep });
  const wrap = options.upstream;
  const fetch = routedFetch({
    [new URL(CLOUDFLARE_BASE).origin]: (r) =>
      wrap ? wrap("cloudflare", r, (req = r) => sims.cloudflare.fetch(req)) : sims.cloudflare.fetch(r),
    [new URL(GJIRAFA_BASE).origin]: (r) =>
      wrap ? wrap("gjirafa", r, (req = r) => sims.gjirafa.fetch(req)) : sims.gjirafa.fetch(r),
    ...options.routes,
  });
  const deps = testDeps({ clock, fetch });
  const worker = createWorker(deps);
  const env: Env = {
    ...testEnv({
      CLOUDFLARE_ZONES: DEMO_CLOUDFLARE_ZONE_IDS.join(","),
      GJIRAFA_PROJECTS: DEMO_GJIRAFA_PROJECT_ID,
      UPSTREAM_CLOUDFLARE_TOKEN: DEMO_CLOUDFLARE_TOKEN,
      UPSTREAM_GJIRAFA_KEY: DEMO_GJIRAFA_API_KEY,
      API_KEYS: API_KEYS_JSON,
      ...options.env,
    }),
    ...options.kv,
  };

  /** Sends a request as the platform would and waits for its background work. */
  async function send(request: Request): Promise<Response> {
    const ctx = createExecutionContext();
    const res = await worker.fetch(request, env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  async function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...(opts.key ? bearer(opts.key) : {}), ...opts.headers };
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

export type ReliabilityGateway = ReturnType<typeof createReliabilityGateway>;

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

/** Deletes every key of a namespace (storage is shared by the tests of one file). */
export async function clearKv(kv: KVNamespace): Promise<void> {
  for (;;) {
    const page = await kv.list();
    await Promise.all(page.keys.map((k) => kv.delete(k.name)));
    if (page.list_complete) return;
  }
}

export async function resetStorage(): Promise<void> {
  await clearKv(runtimeEnv.CACHE);
  await clearKv(runtimeEnv.STATE);
}

/** Every key and value of a namespace, for leak sweeps. */
export async function dumpKv(kv: KVNamespace): Promise<Array<{ key: string; value: string }>> {
  const out: Array<{ key: string; value: string }> = [];
  let cursor: string | undefined;
  for (;;) {
    const page: KVNamespaceListResult<unknown, string> = await kv.list(cursor ? { cursor } : {});
    for (const k of page.keys) out.push({ key: k.name, value: (await kv.get(k.name, "text")) ?? "" });
    if (page.list_complete) return out;
    cursor = page.cursor;
  }
}

export { runtimeEnv };
