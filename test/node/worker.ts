/// <reference types="node" />
/**
 * certgate as deployed, for tests that drive it from outside (a browser, Prometheus' promtool): the bundle
 * built the way deploys build it and served by Miniflare on loopback, in front of the sandbox simulators.
 * Everything here is the benchmarks' own machinery (bench/lib/), reused so tests and benchmarks run the
 * same build on the same upstreams:
 *   buildBundle      `wrangler deploy --dry-run --outdir dist` (bench/lib/build.ts)
 *   startUpstreams   Cloudflare and Gjirafa simulators on loopback, N demo-like zones (bench/lib/upstreams.ts)
 *   benchKey         API keys made by certgate's own keygen (bench/lib/keys.ts)
 *   startWorker      dist/index.js under Miniflare on 127.0.0.1 (bench/lib/worker.ts)
 */
import { type BenchKey, benchKey } from "../../bench/lib/keys";
import { startUpstreams, type Upstreams, workerBindings } from "../../bench/lib/upstreams";
import { startWorker, type WorkerHandle } from "../../bench/lib/worker";
import { DEMO_GJIRAFA_API_KEY, DEMO_GJIRAFA_PROJECT_ID } from "../../sandbox/index";
import { waitForHealthy } from "../../scripts/lib/health";

export { buildBundle } from "../../bench/lib/build";
export { type BenchKey, benchKey };

export interface ServedCertgate {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  upstreams: Upstreams;
  worker: WorkerHandle;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Demo-like Cloudflare zones on the simulator (bench/lib/upstreams.ts seedDemoLikeZone); default 1. */
  zones?: number;
  /** The API keys certgate accepts (API_KEYS). */
  keys: readonly BenchKey[];
  /** More vars and secrets (e.g. MONITOR_INTERVAL_MINUTES), over the defaults. */
  bindings?: Record<string, string>;
  /** Simulated upstream latency; default 0. */
  latencyMs?: number;
  /** Also manage the Gjirafa simulator's project (GJIRAFA_PROJECT); seed it through `upstreams.gjirafa`. */
  gjirafa?: boolean;
}

/** The Gjirafa project startUpstreams creates (the demo's id). */
export const GJIRAFA_PROJECT = DEMO_GJIRAFA_PROJECT_ID;

/**
 * Serves dist/index.js (build it first: `buildBundle(ROOT)`) configured for the simulators and `keys`, and
 * resolves once /healthz reports a valid configuration. Close it in afterAll.
 */
export async function serveCertgate(options: ServeOptions): Promise<ServedCertgate> {
  const upstreams = await startUpstreams({ zones: options.zones ?? 1, latencyMs: options.latencyMs ?? 0 });
  let worker: WorkerHandle | null = null;
  try {
    const apiKeys = JSON.stringify(options.keys.map((k) => k.entry));
    const gjirafa: Record<string, string> = options.gjirafa
      ? {
          GJIRAFA_API_BASE: upstreams.gjirafaUrl,
          GJIRAFA_PROJECTS: GJIRAFA_PROJECT,
          UPSTREAM_GJIRAFA_KEY: DEMO_GJIRAFA_API_KEY,
        }
      : {};
    worker = await startWorker({
      bindings: workerBindings(upstreams, upstreams.zones, apiKeys, { ...gjirafa, ...options.bindings }),
    });
    const health = await waitForHealthy(`${worker.url}/healthz`, { timeoutMs: 30_000, stopped: () => false });
    if (!health.ok) {
      throw new Error(
        `certgate did not become healthy (${health.reason}): ${health.configErrors.join("; ")}\n${worker.logTail()}`,
      );
    }
    const served = worker;
    return {
      url: served.url,
      upstreams,
      worker: served,
      close: async () => {
        await served.dispose();
        await upstreams.close();
      },
    };
  } catch (error) {
    await worker?.dispose();
    await upstreams.close();
    throw error;
  }
}
