/// <reference types="node" />
/**
 * The programs outside npm that the Node tests (test/node/) run, and where they are looked for:
 *   promtool  Prometheus' rule and exposition checker, from Debian's `prometheus` package, unpacked into
 *             .tools/bin/ (never installed as a service): $PROMTOOL, else .tools/bin/promtool, else PATH;
 *   chromium  Debian's `chromium` package: $CHROMIUM_PATH, else /usr/bin/chromium.
 * scripts/ensure-tools.ts provisions what is missing and records why it could not in .tools/status.json,
 * which the tests quote when they fail for want of a tool.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

export const TOOL_NAMES = ["promtool", "chromium"] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export const TOOLS_DIR = ".tools";
export const PROMTOOL_LOCAL = join(TOOLS_DIR, "bin", "promtool");
export const CHROMIUM_SYSTEM = "/usr/bin/chromium";
export const STATUS_FILE = join(TOOLS_DIR, "status.json");

/** What each tool is, for messages: the Debian package it comes from and the variable that overrides it. */
export const TOOL_INFO: Readonly<Record<ToolName, { debPackage: string; envVar: string }>> = {
  promtool: { debPackage: "prometheus", envVar: "PROMTOOL" },
  chromium: { debPackage: "chromium", envVar: "CHROMIUM_PATH" },
};

export type Located = { found: true; path: string } | { found: false; reason: string };

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/** Where `tool` is, or why it is not there. Looks only: never installs (ensure-tools.ts does). */
export function locateTool(tool: ToolName, root: string, env: NodeJS.ProcessEnv = process.env): Located {
  const { envVar } = TOOL_INFO[tool];
  const override = env[envVar];
  if (override) {
    // An explicit choice that does not work is an error, not a reason to use something else.
    return isExecutable(override)
      ? { found: true, path: override }
      : { found: false, reason: `${envVar}=${override} is not an executable file` };
  }
  if (tool === "promtool") {
    const local = join(root, PROMTOOL_LOCAL);
    if (isExecutable(local)) return { found: true, path: local };
    const system = onPath("promtool", env);
    if (system) return { found: true, path: system };
    return { found: false, reason: `promtool is neither in ${PROMTOOL_LOCAL} nor on PATH` };
  }
  if (isExecutable(CHROMIUM_SYSTEM)) return { found: true, path: CHROMIUM_SYSTEM };
  return { found: false, reason: `${CHROMIUM_SYSTEM} does not exist` };
}

/** `<tool> --version`'s first line, or null when the program does not run. */
export function toolVersion(path: string): string | null {
  const run = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 30_000 });
  if (run.status !== 0) return null;
  // Debian's chromium wrapper prints a shell warning on some machines; the version is the line naming it.
  const lines = `${run.stdout}`.split("\n").map((l) => l.trim());
  return lines.find((l) => /\d+\.\d+/.test(l)) ?? null;
}

/** One provisioning attempt per tool, as ensure-tools.ts recorded it. */
export interface ToolStatus {
  ok: boolean;
  detail: string;
  at: string;
}
export type StatusFile = Partial<Record<ToolName, ToolStatus>>;

export function readStatus(root: string): StatusFile {
  const file = join(root, STATUS_FILE);
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as StatusFile) : {};
  } catch {
    return {};
  }
}
