/**
 * A whole certgate whose upstreams are scripted handlers instead of the simulators: for tests that must
 * answer exactly what a document shows (the contract test's fixtures) or something the simulators never
 * send. One zone and one project are configured; every request the worker sends is recorded.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { createWorker } from "../../src/worker";
import { type Handler, routedFetch, type TestClock, testClock, testDeps } from "./deps";
import { testEnv } from "./env";
import { CLOUDFLARE_BASE, GJIRAFA_BASE, PROJECT_P } from "./ids";
import { bearer, KEYS } from "./keys";

/** The zone the API reference's examples use (also the demo zone). */
export const SCRIPTED_ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
/** The project the Gjirafa documentation's examples use. */
export const SCRIPTED_PROJECT = PROJECT_P;

export interface ScriptedUpstreams {
  cloudflare?: Handler;
  gjirafa?: Handler;
}

const refuse: Handler = () => new Response("no scripted answer", { status: 599 });

export function scriptedGateway(
  upstreams: ScriptedUpstreams,
  env: Record<string, string | undefined> = {},
  clock: TestClock = testClock(),
) {
  const fetch = routedFetch({
    [new URL(CLOUDFLARE_BASE).origin]: upstreams.cloudflare ?? refuse,
    [new URL(GJIRAFA_BASE).origin]: upstreams.gjirafa ?? refuse,
  });
  const deps = testDeps({ clock, fetch });
  const worker = createWorker(deps);
  const workerEnv = testEnv({ CLOUDFLARE_ZONES: SCRIPTED_ZONE, GJIRAFA_PROJECTS: SCRIPTED_PROJECT, ...env });

  async function json<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Headers; body: T }> {
    const headers: Record<string, string> = { ...bearer(KEYS.admin), ...options.headers };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`https://certgate.test${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      }),
      workerEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return { status: res.status, headers: res.headers, body: (await res.json()) as T };
  }

  return { clock, deps, fetch, json };
}

/** A JSON answer. */
export function answer(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}
