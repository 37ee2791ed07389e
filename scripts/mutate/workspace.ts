/// <reference types="node" />
/**
 * Temporary copies of the repository, one per parallel job: the working tree is never touched.
 * Sources are copied; installed packages are linked one by one (so each copy keeps its own vite and
 * vitest caches under node_modules/.vite*); files the tests import from beside the repository are
 * linked beside the copy at the same relative place.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";

/** Never copied: installed packages (linked instead), VCS data, build and tool output. */
const SKIPPED = new Set(["node_modules", ".git", "dist", ".wrangler", ".sandbox", "coverage", ".mutate"]);
/** Folders whose imports may reach outside the repository (fixtures kept next to it). */
const SCANNED = ["test", "sandbox", "bench", "scripts"];
const IMPORT = /\bfrom\s+["'](\.\.\/[^"']+)["']|\bimport\(\s*["'](\.\.\/[^"']+)["']\s*\)/g;

/** Makes `<parent>/<repo name>`, a copy of `root` that vitest can run in. Returns its path. */
export function createWorkspace(root: string, parent: string): string {
  const copy = join(parent, basename(root));
  mkdirSync(copy, { recursive: true });
  for (const entry of readdirSync(root)) {
    if (SKIPPED.has(entry)) continue;
    cpSync(join(root, entry), join(copy, entry), { recursive: true, verbatimSymlinks: false });
  }
  linkPackages(root, copy);
  for (const name of outsideNeighbours(root)) {
    const target = join(dirname(root), name);
    const link = join(parent, name);
    if (existsSync(target) && !existsSync(link)) symlinkSync(realpathSync(target), link);
  }
  return copy;
}

function linkPackages(root: string, copy: string): void {
  const source = join(root, "node_modules");
  if (!existsSync(source)) throw new Error("node_modules is missing: run npm ci first");
  const target = join(copy, "node_modules");
  mkdirSync(target);
  for (const entry of readdirSync(source)) {
    // Tool caches stay per copy (two jobs writing one cache file would race).
    if (entry === ".vite" || entry === ".vite-temp" || entry === ".cache") continue;
    symlinkSync(realpathSync(join(source, entry)), join(target, entry));
  }
}

/** First path segments, beside the repository, of relative imports that leave it. */
function outsideNeighbours(root: string): Set<string> {
  const names = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) visit(path);
        continue;
      }
      if (!/\.(ts|mts|js|mjs)$/.test(entry.name)) continue;
      for (const match of readFileSync(path, "utf8").matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2];
        if (!specifier) continue;
        const outside = relative(root, resolve(dirname(path), specifier));
        if (!outside.startsWith(`..${sep}`)) continue;
        const first = relative(dirname(root), resolve(dirname(path), specifier)).split(sep)[0];
        if (first && first !== ".." && first !== basename(root)) names.add(first);
      }
    }
  };
  for (const folder of SCANNED) if (existsSync(join(root, folder))) visit(join(root, folder));
  return names;
}
