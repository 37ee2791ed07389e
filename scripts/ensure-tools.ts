/// <reference types="node" />
/**
 * `npm test` and .ci/run, before the tests: provisions the programs the Node tests run (scripts/lib/tools.ts)
 * when they are missing and this machine can install them, so a fresh clone tests for real:
 *   promtool  `apt-get download prometheus && dpkg-deb -x`, keeping only usr/bin/promtool in .tools/bin/
 *             (gitignored): the Prometheus service is never installed, no root needed when apt's lists exist;
 *   chromium  `apt-get install --no-install-recommends chromium` (root or passwordless sudo). The recommended
 *             packages would add systemd, udev and avahi-daemon (130 packages instead of 25); headless
 *             Chromium needs none of them.
 * `apt-get update` runs once, only when something is missing. Present tools cost one `--version` each.
 * What cannot be provisioned (no apt, no network, no root) is said loudly here and recorded in
 * .tools/status.json; the tests that need the tool then fail with that reason (never pass, never skip
 * unless CERTGATE_SKIP_MISSING_TOOLS=1). Always exits 0: the test run reports, this script only prepares.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  locateTool,
  PROMTOOL_LOCAL,
  STATUS_FILE,
  TOOL_INFO,
  TOOL_NAMES,
  TOOLS_DIR,
  type ToolName,
  type ToolStatus,
  toolVersion,
} from "./lib/tools";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MINUTE = 60_000;
/** apt waits this long for another apt/dpkg to release its lock instead of failing at once. */
const APT_OPTIONS = [
  "-o",
  "DPkg::Lock::Timeout=300",
  "-o",
  "Acquire::Retries=2",
  "-o",
  "Acquire::http::Timeout=30",
];

type Apt = { ok: true; prefix: string[]; root: boolean } | { ok: false; reason: string };

interface Step {
  ok: boolean;
  output: string;
  seconds: number;
}

function run(command: string, args: string[], options: { cwd?: string; timeoutMs: number }): Step {
  const started = Date.now();
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    encoding: "utf8",
    timeout: options.timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? `\n${result.error.message}` : ""}`;
  return { ok: result.status === 0, output, seconds: (Date.now() - started) / 1000 };
}

function tail(output: string, lines = 12): string {
  return output.trim().split("\n").slice(-lines).join("\n");
}

function aptAccess(): Apt {
  if (process.platform !== "linux") return { ok: false, reason: `no apt on ${process.platform}` };
  if (!run("sh", ["-c", "command -v apt-get"], { timeoutMs: MINUTE }).ok)
    return { ok: false, reason: "apt-get not found (not a Debian-based machine)" };
  if (process.getuid?.() === 0) return { ok: true, prefix: [], root: true };
  if (run("sudo", ["-n", "true"], { timeoutMs: MINUTE }).ok)
    // sudo drops the environment: pass the non-interactive frontend through explicitly.
    return { ok: true, prefix: ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"], root: true };
  // Not root: `apt-get download` still works from the lists already on the machine; installs do not.
  return { ok: true, prefix: [], root: false };
}

function apt(
  access: { prefix: string[] },
  args: string[],
  options: { cwd?: string; timeoutMs: number },
): Step {
  const [command, ...rest] = [...access.prefix, "apt-get", ...APT_OPTIONS, ...args];
  return run(command ?? "apt-get", rest, options);
}

function provisionPromtool(): { ok: boolean; detail: string } {
  const toolsDir = join(root, TOOLS_DIR);
  mkdirSync(join(toolsDir, "bin"), { recursive: true });
  // Private to this user (0700): as root, apt notes that its _apt sandbox user cannot write here and
  // downloads as root instead, which is harmless for a package that is only unpacked.
  const work = mkdtempSync(join(toolsDir, "download-"));
  try {
    // As the calling user: a download needs no root.
    const download = apt({ prefix: [] }, ["download", "prometheus"], { cwd: work, timeoutMs: 10 * MINUTE });
    const deb = readdirSync(work).find((f) => f.startsWith("prometheus_") && f.endsWith(".deb"));
    if (!download.ok || deb === undefined) {
      // Without root the lists may be missing; with it, the update before this failed or the mirror did.
      return { ok: false, detail: `apt-get download prometheus failed:\n${tail(download.output)}` };
    }
    const unpacked = join(work, "x");
    const extract = run("dpkg-deb", ["-x", join(work, deb), unpacked], { timeoutMs: 5 * MINUTE });
    if (!extract.ok) return { ok: false, detail: `dpkg-deb -x ${deb} failed:\n${tail(extract.output)}` };
    const target = join(root, PROMTOOL_LOCAL);
    const partial = `${target}.partial`;
    copyFileSync(join(unpacked, "usr", "bin", "promtool"), partial);
    chmodSync(partial, 0o755);
    renameSync(partial, target);
    const version = toolVersion(target);
    if (version === null) return { ok: false, detail: `${PROMTOOL_LOCAL} from ${deb} does not run` };
    return { ok: true, detail: `${version} from ${deb} in ${PROMTOOL_LOCAL}` };
  } catch (error) {
    return { ok: false, detail: `unpacking promtool failed: ${(error as Error).message}` };
  } finally {
    // The .deb (19 MB) and the rest of the package (the server, 50 MB) are not needed.
    rmSync(work, { recursive: true, force: true });
  }
}

function provisionChromium(access: { prefix: string[]; root: boolean }): { ok: boolean; detail: string } {
  if (!access.root)
    return { ok: false, detail: "installing a Debian package needs root or passwordless sudo" };
  const install = apt(access, ["install", "-y", "--no-install-recommends", "chromium"], {
    timeoutMs: 30 * MINUTE,
  });
  if (!install.ok) return { ok: false, detail: `apt-get install chromium failed:\n${tail(install.output)}` };
  const located = locateTool("chromium", root);
  const version = located.found ? toolVersion(located.path) : null;
  if (!located.found || version === null) return { ok: false, detail: "chromium installed but does not run" };
  return { ok: true, detail: `${version} at ${located.path}` };
}

function main(): void {
  const started = Date.now();
  const status: Partial<Record<ToolName, ToolStatus>> = {};
  const at = new Date().toISOString();
  const missing: ToolName[] = [];
  const ready: string[] = [];
  for (const tool of TOOL_NAMES) {
    const located = locateTool(tool, root);
    if (located.found) {
      ready.push(`${tool} (${located.path})`);
      status[tool] = { ok: true, detail: located.path, at };
    } else if (process.env[TOOL_INFO[tool].envVar]) {
      // An explicit path that does not work is the caller's to fix: installing another would hide it.
      status[tool] = { ok: false, detail: located.reason, at };
    } else {
      missing.push(tool);
    }
  }
  const timings: string[] = [];
  if (missing.length > 0) {
    console.error(`certgate: provisioning ${missing.join(" and ")} for the Node tests (test/node/) ...`);
    const access = aptAccess();
    let updateFailure: string | null = null;
    if (access.ok && access.root) {
      const update = apt(access, ["update"], { timeoutMs: 10 * MINUTE });
      timings.push(`apt-get update ${update.seconds.toFixed(1)} s`);
      if (!update.ok) updateFailure = `apt-get update failed (no network?):\n${tail(update.output)}`;
    }
    for (const tool of missing) {
      const t0 = Date.now();
      const outcome = !access.ok
        ? { ok: false, detail: access.reason }
        : updateFailure !== null
          ? { ok: false, detail: updateFailure }
          : tool === "promtool"
            ? provisionPromtool()
            : provisionChromium(access);
      timings.push(`${tool} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      status[tool] = { ok: outcome.ok, detail: outcome.detail, at };
      const located = locateTool(tool, root);
      if (outcome.ok && located.found) ready.push(`${tool} (${located.path})`);
    }
  }
  mkdirSync(join(root, TOOLS_DIR), { recursive: true });
  writeFileSync(join(root, STATUS_FILE), `${JSON.stringify(status, null, 2)}\n`);

  const failed = TOOL_NAMES.filter((t) => status[t]?.ok === false);
  const total = ((Date.now() - started) / 1000).toFixed(1);
  if (ready.length > 0) {
    const took = timings.length > 0 ? ` (${timings.join(", ")}; ${total} s in all)` : "";
    console.error(`certgate: tools ready: ${ready.join(", ")}${took}`);
  }
  for (const tool of failed) {
    const { debPackage, envVar } = TOOL_INFO[tool];
    const bar = "=".repeat(100);
    console.error(
      [
        bar,
        `certgate: ${tool} IS MISSING and could not be provisioned:`,
        `  ${(status[tool]?.detail ?? "").split("\n").join("\n  ")}`,
        `The Node tests that need ${tool} will FAIL (test/node/). Fix: run \`npm run tools\``,
        `as root on a Debian machine with network, install Debian's \`${debPackage}\`, or set ${envVar}.`,
        bar,
      ].join("\n"),
    );
  }
}

main();
