/// <reference types="node" />
/**
 * `npm start`: certgate on the sandbox simulators, explorable with curl and /docs.
 *   simulators (Cloudflare, Gjirafa) + alert sink on loopback -> fresh demo keys -> .sandbox/dev.vars
 *   -> `wrangler dev --local` on fresh state -> wait for /healthz config_valid -> print URL, keys, curls.
 * Ctrl-C (SIGINT/SIGTERM) stops wrangler's whole process group and closes the servers. If wrangler
 * dies, its output is printed and the exit code is non-zero. Nothing listens beyond 127.0.0.1.
 *
 * The Cloudflare simulator enforces Cloudflare's rate limit (1,200 calls per 5 minutes per token, then 5
 * minutes refused) times CERTGATE_RATE_SCALE (default 1; e.g. 0.05 gives 60), and certgate's budget is set
 * to 80 % of that, as in production: `CERTGATE_RATE_SCALE=0.05 npm start` shows the budget at work
 * (docs/budget.md) within a few requests.
 */
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CLOUDFLARE_REQUESTS_PER_5MIN,
  cloudflareRateLimit,
  createDemoSimulators,
  DEMO_CLOUDFLARE_TOKEN,
  DEMO_CLOUDFLARE_ZONE_IDS,
  DEMO_GJIRAFA_API_KEY,
  DEMO_GJIRAFA_PROJECT_ID,
  DEMO_ZONES,
  type Timings,
} from "../sandbox/index";
import { serveSimulator } from "../sandbox/serve";
import { serveAlertSink } from "./lib/alert-sink";
import { bannerLines } from "./lib/banner";
import { createDemoKeys } from "./lib/demo-keys";
import { writeDevVars } from "./lib/dev-vars";
import { waitForHealthy } from "./lib/health";
import { watchLifecycles } from "./lib/lifecycle-watch";
import { freePorts, LOOPBACK } from "./lib/ports";
import { spawnGroup } from "./lib/process-group";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const sandboxDir = join(root, ".sandbox");
const devVarsPath = join(sandboxDir, "dev.vars");
const statePath = join(sandboxDir, "state");
const logPath = join(sandboxDir, "wrangler.log");

/**
 * The pack lifecycle, sped up from minutes (sandbox/cloudflare/lifecycle.ts) to seconds so an order
 * reaches `active` while you watch: 5 + 20 + 10 + 10 s.
 */
const DEMO_TIMINGS: Partial<Timings> = {
  initializingMs: 5_000,
  validationMs: 20_000,
  issuanceMs: 10_000,
  deploymentMs: 10_000,
};
/** Lists stay fresh this long (production default 60 s): short, so progress shows up in lists too. */
const DEMO_FRESH_SECONDS = 10;
const READY_TIMEOUT_MS = 120_000;

const print = (line: string) => console.log(line);

/** CERTGATE_RATE_SCALE: a positive number (default 1). */
function rateScale(value: string | undefined): number {
  const scale = value === undefined || value === "" ? 1 : Number(value);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) {
    throw new Error(`CERTGATE_RATE_SCALE must be a number in (0, 10], got ${value}`);
  }
  return scale;
}

async function main(): Promise<number> {
  const [workerPort, cfPort, gjPort, sinkPort, inspectorPort] = await freePorts([
    8787, 8788, 8789, 8790, 9229,
  ]);
  const scale = rateScale(process.env.CERTGATE_RATE_SCALE);
  const rateLimit = cloudflareRateLimit(scale);
  const sims = createDemoSimulators({ timings: DEMO_TIMINGS, cloudflareRateLimit: rateLimit });
  const cloudflare = await serveSimulator(sims.cloudflare.fetch, cfPort, LOOPBACK);
  const gjirafa = await serveSimulator(sims.gjirafa.fetch, gjPort, LOOPBACK);
  const sink = await serveAlertSink(sinkPort ?? 0, print);
  const keys = await createDemoKeys();
  const url = `http://${LOOPBACK}:${workerPort}`;

  writeDevVars(devVarsPath, {
    CLOUDFLARE_API_BASE: `${cloudflare.url}/client/v4`,
    CLOUDFLARE_ZONES: DEMO_CLOUDFLARE_ZONE_IDS.join(","),
    GJIRAFA_API_BASE: gjirafa.url,
    GJIRAFA_PROJECTS: DEMO_GJIRAFA_PROJECT_ID,
    UPSTREAM_CLOUDFLARE_TOKEN: DEMO_CLOUDFLARE_TOKEN,
    UPSTREAM_GJIRAFA_KEY: DEMO_GJIRAFA_API_KEY,
    API_KEYS: JSON.stringify([keys.admin.entry, keys.reader.entry]),
    ALERT_WEBHOOK_URL: sink.url,
    CACHE_FRESH_SECONDS: String(DEMO_FRESH_SECONDS),
    // 80 % of the simulated limit, as the production default is of Cloudflare's.
    CLOUDFLARE_BUDGET_PER_5MIN: String(Math.floor(rateLimit.requests * 0.8)),
  });
  if (scale !== 1) {
    print(
      `certgate: Cloudflare's rate limit scaled by ${scale}: ${rateLimit.requests} calls per 5 minutes (of ${CLOUDFLARE_REQUESTS_PER_5MIN}), certgate's budget ${Math.floor(rateLimit.requests * 0.8)}`,
    );
  }
  // Fresh state on every start: no cached lists, monitor state or report from a previous session.
  rmSync(statePath, { recursive: true, force: true });

  const wranglerBin = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
  const args = [
    wranglerBin,
    "dev",
    "--local",
    "--ip",
    LOOPBACK,
    "--port",
    String(workerPort),
    "--inspector-ip",
    LOOPBACK,
    "--inspector-port",
    String(inspectorPort),
    "--env-file",
    relative(root, devVarsPath),
    "--persist-to",
    relative(root, statePath),
    "--show-interactive-dev-session=false",
  ];
  print(`certgate: starting wrangler dev on ${url} (simulators on ${cloudflare.url} and ${gjirafa.url}) ...`);
  const wrangler = spawnGroup({
    command: process.execPath,
    args,
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
      FORCE_COLOR: "0",
    },
    logPath,
    ...(process.env.CERTGATE_VERBOSE === "1" ? { echo: process.stderr } : {}),
  });

  let stopping = false;
  const watch = { stop: () => {} };
  const shutdown = async () => {
    watch.stop();
    await wrangler.stop();
    await Promise.all([cloudflare.close(), gjirafa.close(), sink.close()]);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    print(`\ncertgate: ${signal}: stopping wrangler and the simulators ...`);
    shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const health = await waitForHealthy(`${url}/healthz`, {
    timeoutMs: READY_TIMEOUT_MS,
    stopped: () => wrangler.hasExited() || stopping,
  });
  if (stopping) return new Promise<number>(() => {});
  if (!health.ok) {
    const why =
      health.reason === "config_invalid"
        ? `certgate reports an invalid configuration: ${health.configErrors.join(", ")}`
        : health.reason === "stopped"
          ? "wrangler exited before certgate answered"
          : `certgate did not answer ${url}/healthz within ${READY_TIMEOUT_MS / 1000} s`;
    console.error(`certgate: ${why}\n--- wrangler output (${logPath}) ---\n${wrangler.tail()}`);
    await shutdown();
    return 1;
  }

  for (const line of bannerLines({
    url,
    adminKey: keys.admin.key,
    readKey: keys.reader.key,
    cloudflareUpstream: `${cloudflare.url}/client/v4`,
    gjirafaUpstream: gjirafa.url,
    alertSink: sink.url,
    zones: Object.values(DEMO_ZONES),
    project: DEMO_GJIRAFA_PROJECT_ID,
    exampleZone: DEMO_ZONES.example,
    lifecycleSeconds:
      ((DEMO_TIMINGS.initializingMs ?? 0) +
        (DEMO_TIMINGS.validationMs ?? 0) +
        (DEMO_TIMINGS.issuanceMs ?? 0) +
        (DEMO_TIMINGS.deploymentMs ?? 0)) /
      1000,
    freshSeconds: DEMO_FRESH_SECONDS,
    logPath: relative(root, logPath),
  })) {
    print(line);
  }
  watch.stop = watchLifecycles(sims, print).stop;

  const code = await wrangler.exited;
  if (stopping) return new Promise<number>(() => {});
  console.error(
    `certgate: wrangler exited (${code})\n--- wrangler output (${logPath}) ---\n${wrangler.tail()}`,
  );
  await shutdown();
  return typeof code === "number" && code !== 0 ? code : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`certgate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
