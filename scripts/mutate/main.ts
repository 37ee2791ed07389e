/// <reference types="node" />
/**
 * `npm run mutate [-- <name filter>...] [--jobs=N] [--check] [--list] [--keep] [--timeout=S]`
 *
 * The team's mutation check. For each mutation of the table (mutations.ts): copy the repository to a
 * temporary folder (never the working tree), put the bug in, run only the test files named for it,
 * and report KILLED (a test failed: which one), SURVIVED (every test passed: a test is missing) or
 * STALE (the anchor is not in the file exactly once: the table needs updating; counts as not killed).
 * First, the named test files run once unmutated: a suite that already fails cannot kill anything.
 * Up to --jobs mutations run at once (default: 2, or 1 on a one-core machine), each in its own copy.
 * The last line is exactly `killed K of N`; the exit code is 0 only when K = N.
 *   --check    only check that every anchor is found exactly once (no tests run)
 *   --list     print the table (name, file, what it breaks)
 *   --keep     keep the temporary copies (their path is printed)
 *   --timeout  seconds per test run before it is stopped and counted as killed (default 600)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { applyMutation, selectMutations, tableProblems } from "./apply";
import { MUTATIONS } from "./mutations";
import type { Mutation } from "./types";
import { killGroup, type RunResult, runVitest } from "./vitest";
import { createWorkspace } from "./workspace";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

interface Options {
  filters: string[];
  jobs: number;
  check: boolean;
  list: boolean;
  keep: boolean;
  timeoutMs: number;
}

type Outcome =
  | { kind: "killed"; run: RunResult }
  | { kind: "survived"; run: RunResult }
  | { kind: "stale"; reason: string };

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    filters: [],
    jobs: Math.max(1, Math.min(2, availableParallelism())),
    check: false,
    list: false,
    keep: false,
    timeoutMs: 600_000,
  };
  for (const arg of argv) {
    const [flag, value] = arg.split("=", 2);
    if (flag === "--jobs" && value && Number(value) >= 1) options.jobs = Math.floor(Number(value));
    else if (flag === "--timeout" && value && Number(value) > 0) options.timeoutMs = Number(value) * 1000;
    else if (arg === "--check") options.check = true;
    else if (arg === "--list") options.list = true;
    else if (arg === "--keep") options.keep = true;
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else options.filters.push(arg);
  }
  return options;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const minutes = (ms: number) => `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;

/** The mutated text of each runnable mutation, or why it is stale, read from the working tree. */
function prepare(mutations: readonly Mutation[]): Map<Mutation, { text: string; original: string } | string> {
  const out = new Map<Mutation, { text: string; original: string } | string>();
  for (const m of mutations) {
    if (!existsSync(join(root, m.file))) {
      out.set(m, `${m.file} does not exist`);
      continue;
    }
    const missing = m.tests.filter((t) => !existsSync(join(root, t)));
    if (missing.length > 0) {
      out.set(m, `test file missing: ${missing.join(", ")}`);
      continue;
    }
    const original = readFileSync(join(root, m.file), "utf8");
    const applied = applyMutation(original, m);
    out.set(m, applied.ok ? { text: applied.text, original } : applied.reason);
  }
  return out;
}

function describeRun(outcome: Outcome): string {
  if (outcome.kind === "stale") return outcome.reason;
  const { run } = outcome;
  if (outcome.kind === "survived") return "every listed test passed";
  if (run.timedOut) return "the test run did not finish in time";
  const f = run.failure;
  return f ? `${f.file} > ${f.test}${f.message ? ` (${f.message})` : ""}` : "failed";
}

async function main(): Promise<number> {
  const started = Date.now();
  const options = parseArgs(process.argv.slice(2));
  const problems = tableProblems(MUTATIONS);
  if (problems.length > 0) {
    for (const p of problems) console.error(`table: ${p}`);
    return 2;
  }
  const selected = selectMutations(MUTATIONS, options.filters);
  if (selected.length === 0) {
    console.error(`no mutation matches ${options.filters.join(", ")}`);
    return 2;
  }
  if (options.list) {
    for (const m of selected) console.log(`${m.name}  [${m.file}]\n    ${m.breaks}`);
    console.log(`${selected.length} mutations`);
    return 0;
  }
  const prepared = prepare(selected);
  const outcomes = new Map<Mutation, Outcome>();
  for (const [m, p] of prepared) if (typeof p === "string") outcomes.set(m, { kind: "stale", reason: p });
  if (options.check) {
    for (const m of selected) {
      const o = outcomes.get(m);
      console.log(`${o ? "STALE " : "ok    "} ${m.name}${o?.kind === "stale" ? `: ${o.reason}` : ""}`);
    }
    console.log(`anchors found for ${selected.length - outcomes.size} of ${selected.length}`);
    return outcomes.size === 0 ? 0 : 1;
  }

  const runnable = selected.filter((m) => !outcomes.has(m));
  const jobs = Math.max(1, Math.min(options.jobs, runnable.length));
  const temp = mkdtempSync(join(tmpdir(), "certgate-mutate-"));
  // Test runs in progress (process group ids): stopped with the tool on Ctrl-C.
  const running = new Set<number>();
  const cleanup = () => {
    if (!options.keep) rmSync(temp, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      for (const pid of running) killGroup(pid);
      cleanup();
      process.exit(130);
    });
  }
  try {
    console.log(
      `mutate: ${selected.length} mutations (${runnable.length} runnable), ${jobs} at a time, copies in ${temp}`,
    );
    const workspaces = Array.from({ length: jobs }, (_, i) =>
      createWorkspace(root, join(temp, `job-${i + 1}`)),
    );

    // Baseline: every named test file must pass unmutated (split across the copies).
    const files = [...new Set(runnable.flatMap((m) => m.tests))].sort();
    const shares = workspaces.map((_, i) => files.filter((_f, j) => j % jobs === i));
    const baseline = await Promise.all(
      workspaces.map((ws, i) =>
        (shares[i] ?? []).length === 0
          ? null
          : runVitest(ws, shares[i] ?? [], {
              timeoutMs: options.timeoutMs * 2,
              reportName: ".mutate-report.json",
              running,
            }),
      ),
    );
    const broken = baseline.find((r) => r !== null && !r.passed);
    if (broken) {
      console.error(
        `baseline: the unmutated tests fail, nothing to measure:\n${describeRun({ kind: "killed", run: broken })}`,
      );
      console.error(broken.tail);
      return 2;
    }
    console.log(`baseline: ${files.length} test files pass unmutated (${minutes(Date.now() - started)})`);

    let next = 0;
    let done = 0;
    const total = selected.length;
    const width = String(total).length;
    for (const m of selected) {
      const o = outcomes.get(m);
      if (o) {
        done += 1;
        console.log(`[${String(done).padStart(width)}/${total}] STALE     ${m.name}  ${describeRun(o)}`);
      }
    }
    const worker = async (workspace: string) => {
      for (;;) {
        const m = runnable[next];
        next += 1;
        if (!m) return;
        const p = prepared.get(m);
        if (!p || typeof p === "string") continue;
        const path = join(workspace, m.file);
        writeFileSync(path, p.text);
        let run: RunResult;
        try {
          run = await runVitest(workspace, m.tests, {
            timeoutMs: options.timeoutMs,
            reportName: ".mutate-report.json",
            running,
          });
        } finally {
          writeFileSync(path, p.original);
        }
        const outcome: Outcome = run.passed ? { kind: "survived", run } : { kind: "killed", run };
        outcomes.set(m, outcome);
        done += 1;
        const label = outcome.kind === "killed" ? "KILLED  " : "SURVIVED";
        console.log(
          `[${String(done).padStart(width)}/${total}] ${label}  ${m.name}  ${seconds(run.durationMs)}  ${describeRun(outcome)}`,
        );
      }
    };
    await Promise.all(workspaces.map((ws) => worker(ws)));

    const notKilled = selected.filter((m) => outcomes.get(m)?.kind !== "killed");
    if (notKilled.length > 0) {
      console.log("\nnot killed (a survivor is a test to write; a stale entry needs its anchor updated):");
      for (const m of notKilled) {
        console.log(
          `  ${outcomes.get(m)?.kind.toUpperCase()}  ${m.name} [${m.file}]\n      breaks: ${m.breaks}`,
        );
      }
    }
    const killed = selected.length - notKilled.length;
    console.log(`\ntotal ${minutes(Date.now() - started)}`);
    console.log(`killed ${killed} of ${selected.length}`);
    return killed === selected.length ? 0 : 1;
  } finally {
    cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
