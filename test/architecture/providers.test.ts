/**
 * A provider is one folder: outside `src/providers/<name>/`, at most 2 source files import that folder
 * or name the provider as a string (today: only providers/registry.ts, the one list). Read from the
 * sources as text (test/architecture/source-scan.ts).
 */
import { describe, expect, it } from "vitest";
import { namesProvider } from "./source-scan";

/** Every TypeScript source of src/, by repository path. */
const SOURCES: Record<string, string> = Object.fromEntries(
  Object.entries(
    import.meta.glob<string>(["../../src/**/*.{ts,tsx}", "!../../src/**/*.d.ts"], {
      query: "?raw",
      import: "default",
      eager: true,
    }),
  ).map(([path, text]) => [path.replace(/^\.\.\/\.\.\//, ""), text]),
);

const PROVIDER_FOLDERS = [
  ...new Set(
    Object.keys(SOURCES)
      .map((path) => /^src\/providers\/([a-z0-9-]+)\//.exec(path)?.[1])
      .filter((name): name is string => name !== undefined),
  ),
].sort();

describe("one provider, one folder", () => {
  it("finds the sources and both provider folders", () => {
    expect(Object.keys(SOURCES).length).toBeGreaterThan(100);
    expect(PROVIDER_FOLDERS).toEqual(["cloudflare", "gjirafa"]);
  });

  it.each(PROVIDER_FOLDERS)(
    "outside src/providers/%s/, at most 2 files name it (import or string)",
    (name) => {
      const naming = Object.entries(SOURCES)
        .filter(([path, text]) => namesProvider(path, text, name))
        .map(([path]) => path);
      expect(naming.length, naming.join(", ")).toBeLessThanOrEqual(2);
      expect(naming).toEqual(["src/providers/registry.ts"]);
    },
  );

  it("the scanner sees what it must: imports and string literals, not comments", () => {
    const file = "src/x/y.ts";
    expect(namesProvider(file, 'import { a } from "../providers/gjirafa/ids";', "gjirafa")).toBe(true);
    expect(namesProvider(file, 'const p = "gjirafa";', "gjirafa")).toBe(true);
    // A template literal with a placeholder (its text is source here, so it is built from parts).
    expect(namesProvider(file, ["const m = `Gjirafa answered $", "{n}`;"].join(""), "gjirafa")).toBe(true);
    expect(namesProvider(file, "// Gjirafa's paging is odd\nconst a = 1;", "gjirafa")).toBe(false);
    expect(namesProvider(file, "/* gjirafa */ const re = /gjirafa/;", "gjirafa")).toBe(false);
    expect(namesProvider(file, 'const s = "a Cloudflare Access token";', "cloudflare")).toBe(false);
    expect(namesProvider("src/providers/gjirafa/x.ts", 'const p = "gjirafa";', "gjirafa")).toBe(false);
  });
});
