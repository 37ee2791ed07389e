/// <reference types="node" />
/**
 * The dotenv file `npm start` hands to `wrangler dev --env-file`. Values are single-quoted so JSON
 * (API_KEYS) keeps its double quotes; a value holding a single quote or a newline is refused rather
 * than written ambiguously.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function formatDevVars(vars: Readonly<Record<string, string>>): string {
  const lines = [
    "# Written by `npm start` (scripts/start.ts) for the sandbox demo. Regenerated on every start.",
  ];
  for (const [name, value] of Object.entries(vars)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`bad variable name: ${name}`);
    if (/['\n\r]/.test(value)) throw new Error(`${name}: value cannot be written to a dotenv file`);
    lines.push(`${name}='${value}'`);
  }
  return `${lines.join("\n")}\n`;
}

/** Writes the file readable by the owner only: it holds the demo's key digests and upstream secrets. */
export function writeDevVars(path: string, vars: Readonly<Record<string, string>>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, formatDevVars(vars), { mode: 0o600 });
}
