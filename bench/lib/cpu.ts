/// <reference types="node" />
/**
 * workerd's CPU time, read from Linux's /proc. Each Miniflare instance spawns its own workerd process
 * as a direct child of this Node process (worker.ts finds it by scanning /proc for a `workerd` child that
 * was not there before `new Miniflare`). /proc/<pid>/stat's utime + stime sum every thread of the process
 * (including threads that have exited); cutime + cstime add waited-for children, should workerd ever
 * have any. Units are clock ticks (`getconf CLK_TCK`, normally 100/s, so 10 ms): over a run of N
 * requests the per-request resolution is 10 ms / N, which is why runs are hundreds of requests long.
 * Everything in that process counts: certgate's isolate, Miniflare's entry worker and its loopback
 * HTTP, simulated KV (SQLite) and Durable Objects. An idle window subtracts the background, a floor
 * worker in the same runtime subtracts the per-request runtime cost (see scenarios/cpu.ts).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

function clockTicksPerSecond(): number {
  try {
    const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/** Ticks per second, read once per call site that needs it (cheap: one getconf). */
export const CLOCK_TICKS = clockTicksPerSecond();

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
}

/** Parses /proc/<pid>/stat; comm is in parentheses and may itself hold spaces or parentheses. */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  // Fields after comm, numbered from 3 (state) as in proc(5): ppid is 4, utime 14 .. cstime 17.
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  const ticks = field(14) + field(15) + field(16) + field(17);
  if (!Number.isFinite(pid) || !Number.isFinite(ticks)) return null;
  return { pid, comm, ppid: field(4), ticks };
}

function readStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/** The pids of `workerd` processes whose parent is `parent` (this process by default); [] off Linux. */
export function workerdChildren(parent = process.pid): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat && stat.ppid === parent && stat.comm.startsWith("workerd")) pids.push(stat.pid);
  }
  return pids;
}

/** CPU time the process has used so far, in ms (tick resolution); null when it cannot be read. */
export function processCpuMs(pid: number): number | null {
  const stat = readStat(pid);
  return stat === null ? null : (stat.ticks * 1000) / CLOCK_TICKS;
}

export interface CpuRun<T> {
  result: T;
  /** CPU ms the process used during the run. */
  cpuMs: number;
  wallMs: number;
}

/** Runs `action` and reports the CPU the process `pid` used meanwhile. */
export async function withCpu<T>(pid: number, action: () => Promise<T>): Promise<CpuRun<T>> {
  const before = processCpuMs(pid);
  const t0 = performance.now();
  const result = await action();
  const wallMs = performance.now() - t0;
  const after = processCpuMs(pid);
  if (before === null || after === null) throw new Error(`cannot read /proc/${pid}/stat`);
  return { result, cpuMs: after - before, wallMs };
}

/** CPU ms the process uses while nothing is asked of it, over `wallMs` (the idle baseline). */
export async function idleCpu(pid: number, wallMs: number): Promise<number> {
  const run = await withCpu(pid, () => new Promise((r) => setTimeout(r, wallMs)));
  return run.cpuMs;
}
