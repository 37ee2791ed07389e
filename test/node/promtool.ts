/// <reference types="node" />
/**
 * promtool (Debian's Prometheus 2.42, scripts/ensure-tools.ts) from the Node tests:
 * - `checkMetrics(text)`: `promtool check metrics` on an exposition, i.e. what GET /metrics serves, parsed by
 *   Prometheus' own parser and linted against its naming rules (HELP present, counters end in _total, snake_case,
 *   base units). The metrics tests use it on the worker's real response;
 * - `runPromtool(args)`: any other subcommand (`check rules`, `test rules`, `check config`).
 */
import { spawn } from "node:child_process";
import { tool } from "./tools";

export interface PromtoolRun {
  /** Exit code; null when promtool was killed (timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** The promtool to run; default: the one scripts/ensure-tools.ts provisioned (throws when missing). */
  bin?: string;
}

export function runPromtool(args: readonly string[], options: RunOptions = {}): Promise<PromtoolRun> {
  const bin = options.bin ?? tool("promtool").need();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

export interface MetricsCheck {
  /** Parsed and no lint problem. */
  ok: boolean;
  /** One line per problem: a parse error, or `<metric> <lint message>` per promtool. */
  problems: string[];
  /** promtool's whole output, for a failure message. */
  output: string;
}

/**
 * `promtool check metrics` on `exposition` (exit 0: clean, 3: lint problems, 1: not parseable). An empty
 * exposition is refused here: promtool accepts it, but /metrics serving nothing is never right.
 */
export async function checkMetrics(
  exposition: string,
  options: Omit<RunOptions, "input"> = {},
): Promise<MetricsCheck> {
  if (exposition.trim() === "")
    return { ok: false, problems: ["empty exposition: no metric at all"], output: "" };
  const run = await runPromtool(["check", "metrics"], { ...options, input: exposition });
  const output = `${run.stdout}${run.stderr}`.trim();
  const problems = output === "" ? [] : output.split("\n").map((line) => line.trim());
  const ok = run.code === 0 && problems.length === 0;
  return { ok, problems: ok ? [] : problems.length > 0 ? problems : [`promtool exited ${run.code}`], output };
}
