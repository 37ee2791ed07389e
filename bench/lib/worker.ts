/// <reference types="node" />
/**
 * The built bundle (dist/index.js) served by Miniflare on loopback, as toolchain.md describes.
 * workerd's stdout/stderr (certgate's JSON request logs) are drained, not printed: the logging work
 * inside the worker is part of what is measured, the terminal is not. The last lines are kept for
 * diagnostics. Optionally counts KV operations through a wrapped binding (kv-counter.ts).
 */
import type { Readable } from "node:stream";
import { Miniflare, type WorkerOptions } from "miniflare";
import { LOOPBACK } from "../../scripts/lib/ports";
import { workerdChildren } from "./cpu";
import { KV_COUNTER_SCRIPT, KV_DISCARD_PUT_SCRIPT, type KvCounter, kvCounterService } from "./kv-counter";

export const COMPATIBILITY_DATE = "2026-04-26";

/** The KV calls the benchmarks make from Node (seeding the floor, clearing entries between trials). */
export interface KvAdmin {
  list(): Promise<{ keys: Array<{ name: string }> }>;
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * A namespace of the instance, from Node. Miniflare types it with its own copy of the workers types,
 * which this project's tsconfig does not load; the cast names the four methods used here.
 */
export async function kvOf(mf: Miniflare, binding: string): Promise<KvAdmin> {
  return (await mf.getKVNamespace(binding)) as unknown as KvAdmin;
}

/**
 * certgate's Durable Objects and Workflow, as wrangler.toml declares them: the built bundle exports the
 * classes, and the configuration refuses to serve without their bindings.
 */
const CERTGATE_OBJECTS: NonNullable<WorkerOptions["durableObjects"]> = {
  MONITOR_LEASE: { className: "MonitorLease", useSQLite: true },
  MONITOR_ACKS: { className: "MonitorAcks", useSQLite: true },
  STATUS_SECRET_STORE: { className: "StatusSecretStore", useSQLite: true },
  IDEMPOTENCY: { className: "IdempotencyStore", useSQLite: true },
  AUDIT_LOG: { className: "AuditLog", useSQLite: true },
  ROTATION_LEDGER: { className: "RotationLedger", useSQLite: true },
};
const CERTGATE_WORKFLOWS: NonNullable<WorkerOptions["workflows"]> = {
  ROTATION: { name: "certgate-rotation", className: "RotationWorkflow" },
};

export interface WorkerHandle {
  url: string;
  mf: Miniflare;
  /** Set when started with `countKv`. */
  kv: KvCounter | null;
  /** The workerd process serving this instance (for CPU time, cpu.ts); null off Linux or if ambiguous. */
  pid: number | null;
  logTail(): string;
  dispose(): Promise<void>;
}

export interface StartWorkerOptions {
  scriptPath?: string;
  bindings: Record<string, string>;
  /** Count get/put/delete/list per namespace (adds a hop per KV operation: monitor runs only). */
  countKv?: boolean;
  /** With `countKv`: acknowledge puts without writing (attribution runs only, kv-counter.ts). */
  discardPuts?: boolean;
  kvNamespaces?: string[];
  /** `false`: leave UPSTREAM_BUDGET unbound (nothing governed). Default: bound, as wrangler.toml does. */
  budget?: boolean;
  /**
   * Bind every Durable Object and the Workflow certgate declares (default: only when serving certgate's
   * bundle, i.e. without `scriptPath`); for a floor script that exports classes of the same names.
   */
  objects?: boolean;
}

function drain(stream: Readable, lines: string[]): void {
  stream.on("data", (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    if (lines.length > 50) lines.splice(0, lines.length - 50);
  });
}

export async function startWorker(options: StartWorkerOptions): Promise<WorkerHandle> {
  const namespaces = options.kvNamespaces ?? ["CACHE", "STATE"];
  const lines: string[] = [];
  const counter = options.countKv ? kvCounterService() : null;
  const main: WorkerOptions = {
    name: "certgate",
    modules: true,
    scriptPath: options.scriptPath ?? "dist/index.js",
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ["nodejs_compat"],
    bindings: options.bindings,
  };
  if (options.objects ?? options.scriptPath === undefined) {
    // The Durable Objects and Workflow certgate uses at run time (wrangler.toml), served from the same
    // bundle; `budget: false` leaves UPSTREAM_BUDGET out (nothing governed: the budget figure's other side).
    main.durableObjects = {
      ...CERTGATE_OBJECTS,
      ...(options.budget === false
        ? {}
        : { UPSTREAM_BUDGET: { className: "UpstreamBudget", useSQLite: true } }),
    };
    main.workflows = CERTGATE_WORKFLOWS;
  }
  const workers: WorkerOptions[] = [main];
  if (counter) {
    // certgate sees CACHE/STATE as usual; each is a wrapper around the real namespace that reports
    // every operation to Node before forwarding it.
    main.wrappedBindings = Object.fromEntries(
      namespaces.map((ns) => [
        ns,
        { scriptName: "kv-counter", bindings: { NAME: ns, INNER: `INNER_${ns}` } },
      ]),
    );
    workers.push({
      name: "kv-counter",
      modules: true,
      script: options.discardPuts ? KV_DISCARD_PUT_SCRIPT : KV_COUNTER_SCRIPT,
      kvNamespaces: Object.fromEntries(namespaces.map((ns) => [`INNER_${ns}`, `bench-${ns.toLowerCase()}`])),
      serviceBindings: { COUNT: counter.handle },
    });
  } else {
    main.kvNamespaces = namespaces;
  }
  // Instances are started one at a time, so the workerd child that appears is this instance's.
  const before = new Set(workerdChildren());
  const mf = new Miniflare({
    workers,
    cf: false,
    host: LOOPBACK,
    port: 0,
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      drain(stdout, lines);
      drain(stderr, lines);
    },
  });
  const url = (await mf.ready).href.replace(/\/$/, "");
  const spawned = workerdChildren().filter((pid) => !before.has(pid));
  return {
    url,
    mf,
    kv: counter?.counter ?? null,
    pid: spawned.length === 1 ? (spawned[0] ?? null) : null,
    logTail: () => lines.join("\n"),
    dispose: () => mf.dispose(),
  };
}
