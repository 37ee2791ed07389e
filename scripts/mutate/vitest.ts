/// <reference types="node" />
/**
 * Runs some test files with vitest in a workspace and says whether they passed and, if not, which test
 * failed first. Uses the JSON reporter (written to a file), stops at the first failure (`--bail=1`),
 * and kills the whole process group when a run exceeds its time limit.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface Failure {
  file: string;
  test: string;
  message: string;
}

export interface RunResult {
  passed: boolean;
  timedOut: boolean;
  failure: Failure | null;
  durationMs: number;
  /** The last lines vitest printed (for a run that failed without a readable report). */
  tail: string;
}

interface JsonReport {
  testResults?: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults?: Array<{ fullName: string; status: string; failureMessages?: string[] }>;
  }>;
  success?: boolean;
}

export async function runVitest(
  workspace: string,
  files: readonly string[],
  options: { timeoutMs: number; reportName: string; running?: Set<number> },
): Promise<RunResult> {
  const started = Date.now();
  const report = join(workspace, options.reportName);
  rmSync(report, { force: true });
  const bin = join(workspace, "node_modules", "vitest", "vitest.mjs");
  const args = [bin, "run", "--reporter=json", `--outputFile=${report}`, "--bail=1", ...files];
  const child = spawn(process.execPath, args, {
    cwd: workspace,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  if (child.pid !== undefined) options.running?.add(child.pid);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, options.timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  clearTimeout(timer);
  if (child.pid !== undefined) options.running?.delete(child.pid);
  const durationMs = Date.now() - started;
  const tail = output.split("\n").slice(-15).join("\n");
  if (timedOut) return { passed: false, timedOut, failure: null, durationMs, tail };
  const parsed = readReport(report);
  const failure = parsed ? firstFailure(parsed, workspace) : null;
  const passed = code === 0 && parsed?.success === true;
  return {
    passed,
    timedOut,
    failure: passed ? null : (failure ?? { file: "", test: "(no report)", message: firstLine(tail) }),
    durationMs,
    tail,
  };
}

export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function readReport(path: string): JsonReport | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as JsonReport;
  } catch {
    return null;
  }
}

function firstFailure(report: JsonReport, workspace: string): Failure | null {
  for (const file of report.testResults ?? []) {
    const name = file.name.startsWith(workspace) ? file.name.slice(workspace.length + 1) : file.name;
    const failed = file.assertionResults?.find((a) => a.status === "failed");
    if (failed) {
      return { file: name, test: failed.fullName, message: firstLine(failed.failureMessages?.[0] ?? "") };
    }
    if (file.status === "failed") {
      return { file: name, test: "(the file failed to run)", message: firstLine(file.message ?? "") };
    }
  }
  return null;
}

function firstLine(text: string): string {
  const first = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return first.trim().slice(0, 200);
}
