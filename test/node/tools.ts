/// <reference types="node" />
/**
 * A program a Node test needs (promtool, chromium), found where scripts/ensure-tools.ts put it.
 * Missing, it never passes quietly: each test calling `need()` fails with the reason provisioning
 * recorded. CERTGATE_SKIP_MISSING_TOOLS=1 (for a machine that truly cannot have the tool) skips those
 * tests instead, with a banner in the output and the skips counted in the summary; CI never sets it.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { locateTool, readStatus, TOOL_INFO, type ToolName } from "../../scripts/lib/tools";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface Tool {
  name: ToolName;
  /** The executable, or null when missing. */
  path: string | null;
  /** Missing and CERTGATE_SKIP_MISSING_TOOLS=1: register the tests as skipped (`describe.skipIf`). */
  skip: boolean;
  /** The path, or throws the reason it is missing (the test fails with it). */
  need(): string;
}

export function missingMessage(name: ToolName, reason: string, provisioning: string | null): string {
  const { debPackage, envVar } = TOOL_INFO[name];
  return [
    `${name} is not available, so this test cannot run: ${reason}.`,
    provisioning ? `Provisioning (scripts/ensure-tools.ts) said: ${provisioning}` : null,
    `Run \`npm run tools\` as root on Debian (npm test does), install Debian's`,
    `\`${debPackage}\`, or set ${envVar}. CERTGATE_SKIP_MISSING_TOOLS=1 skips these tests instead of failing.`,
  ]
    .filter((line) => line !== null)
    .join("\n");
}

export function tool(name: ToolName, env: NodeJS.ProcessEnv = process.env): Tool {
  const located = locateTool(name, ROOT, env);
  if (located.found) return { name, path: located.path, skip: false, need: () => located.path };
  const recorded = readStatus(ROOT)[name];
  const provisioning = recorded && !recorded.ok ? `(${recorded.at}) ${recorded.detail}` : null;
  const message = missingMessage(name, located.reason, provisioning);
  const skip = env.CERTGATE_SKIP_MISSING_TOOLS === "1";
  if (skip) {
    const bar = "!".repeat(100);
    console.warn(
      `${bar}\nSKIPPING the tests that need ${name} (CERTGATE_SKIP_MISSING_TOOLS=1):\n${message}\n${bar}`,
    );
  }
  return {
    name,
    path: null,
    skip,
    need: () => {
      throw new Error(message);
    },
  };
}
