/**
 * Lower layers never import higher ones. Each source file has a layer (by its path); an import, type
 * imports included, may point to the same layer or a lower one only:
 *   0 base     errors, envelope(-family), deps, logger, redact, concurrency, validation, read-body, model/,
 *              config/fields,
 *              monitor/lifetime/ (the expiry model and the MONITOR_POLICIES format: pure rules over model/,
 *              which the config slice validates the setting with)
 *   1 upstream upstream/, cache/, state/, durable/ (Durable Object classes: state with guarantees),
 *              rotation/ (the rotation engine over its port, its ledger object)
 *   2 provider providers/ (their parts)
 *   3 config   config/
 *   4 auth     context, auth/
 *   5 service  service/
 *   6 monitor  monitor/, and the read-only views over its report: inventory/, metrics/, status/
 *   7 http     http/, routes/, middleware/, and what assembles a provider: providers/module.ts,
 *              providers/registry.ts, providers/<name>/index.ts and native-routes.ts (its HTTP door)
 *   8 app      app.ts, worker.ts, index.ts, rotation/workflow.ts (an entry point the runtime makes)
 */
import { describe, expect, it } from "vitest";
import { resolveImport, scanSource } from "./source-scan";

const SOURCES: Record<string, string> = Object.fromEntries(
  Object.entries(
    import.meta.glob<string>(["../../src/**/*.{ts,tsx}", "!../../src/**/*.d.ts"], {
      query: "?raw",
      import: "default",
      eager: true,
    }),
  ).map(([path, text]) => [path.replace(/^\.\.\/\.\.\//, ""), text]),
);

/** Most specific first. */
const LAYERS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^src\/(app|worker|index)\.ts$/, 8],
  [/^src\/rotation\/workflow\.ts$/, 8],
  [/^src\/providers\/(module|registry)\.ts$/, 7],
  [/^src\/providers\/[^/]+\/(index|native-routes)\.ts$/, 7],
  [/^src\/(http|routes|middleware)\//, 7],
  [/^src\/monitor\/lifetime\//, 0],
  [/^src\/(monitor|inventory|metrics|status)\//, 6],
  [/^src\/service\//, 5],
  [/^src\/(context\.ts|auth\/)/, 4],
  [/^src\/config\/fields\.ts$/, 0],
  [/^src\/config\//, 3],
  [/^src\/providers\//, 2],
  [/^src\/(upstream|cache|state|durable|rotation)\//, 1],
  [/^src\/(model\/|errors|envelope|envelope-family|deps|logger|redact|concurrency|validation|read-body)/, 0],
];

function layerOf(path: string): number {
  const found = LAYERS.find(([re]) => re.test(path));
  if (!found) throw new Error(`no layer for ${path}`);
  return found[1];
}

/** An import's source file (`x` is `x.ts`, `x.tsx` or `x/index.ts`). */
function fileOf(resolved: string): string | null {
  for (const candidate of [`${resolved}.ts`, `${resolved}.tsx`, `${resolved}/index.ts`])
    if (candidate in SOURCES) return candidate;
  return null;
}

describe("layers import downwards only", () => {
  it("every source has a layer", () => {
    for (const path of Object.keys(SOURCES)) expect(() => layerOf(path), path).not.toThrow();
  });

  it("no import points to a higher layer", () => {
    const upward: string[] = [];
    for (const [path, text] of Object.entries(SOURCES)) {
      for (const specifier of scanSource(text).imports) {
        if (!specifier.startsWith(".")) continue;
        const target = fileOf(resolveImport(path, specifier));
        if (target === null) continue;
        if (layerOf(target) > layerOf(path)) {
          upward.push(`${path} (${layerOf(path)}) -> ${target} (${layerOf(target)})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });

  it("the check fails on an upward import", () => {
    expect(layerOf("src/upstream/request.ts")).toBeLessThan(layerOf("src/providers/types.ts"));
    const imports = scanSource('import type { X } from "../providers/types";').imports;
    expect(imports.map((s) => fileOf(resolveImport("src/upstream/request.ts", s)))).toEqual([
      "src/providers/types.ts",
    ]);
  });
});
