/// <reference types="node" />
/**
 * A child started in its own process group (detached), so stopping it stops everything it spawned
 * (wrangler starts a second node process and workerd). Its output goes to a log file and a ring
 * buffer, so it can be shown when the child dies or fails to become ready.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export interface GroupChild {
  readonly pid: number;
  /** Resolves with the exit code (or the signal's name) when the child exits. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
  /** The last lines of output (stdout and stderr interleaved). */
  tail(): string;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface GroupChildOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logPath: string;
  /** Also copy output to this stream (e.g. process.stderr when verbose). */
  echo?: NodeJS.WritableStream;
  tailLines?: number;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

export function spawnGroup(options: GroupChildOptions): GroupChild {
  mkdirSync(dirname(options.logPath), { recursive: true });
  const log = createWriteStream(options.logPath);
  const lines: string[] = [];
  const keep = options.tailLines ?? 200;
  let partial = "";
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    options.echo?.write(chunk);
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    if (lines.length > keep) lines.splice(0, lines.length - keep);
  };

  const child = spawn(options.command, options.args, {
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once("error", (err) => {
      done = true;
      lines.push(`failed to start ${options.command}: ${err.message}`);
      resolve(1);
    });
    child.once("exit", (code, signal) => {
      done = true;
      log.end();
      resolve(code ?? signal ?? 1);
    });
  });
  // A leftover group must never outlive this process, even on an uncaught error.
  process.once("exit", () => {
    if (!done) signalGroup(child, "SIGKILL");
  });

  return {
    pid: child.pid ?? -1,
    exited,
    hasExited: () => done,
    tail: () => [...lines, partial].filter((l) => l.length > 0).join("\n"),
    async stop(graceMs = 5_000) {
      if (done) {
        // The leader is gone; its children (workerd) may not be.
        signalGroup(child, "SIGKILL");
        return;
      }
      signalGroup(child, "SIGTERM");
      const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      signalGroup(child, "SIGKILL");
    },
  };
}
