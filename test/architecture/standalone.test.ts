/**
 * The repository stands alone: no comment or text in src/ or docs/ (or the README) cites documents a
 * reader of this repository does not have. Sources of a rule are public pages, RFCs or files here.
 */
import { describe, expect, it } from "vitest";

const TEXTS: Record<string, string> = import.meta.glob<string>(
  ["../../src/**/*.{ts,tsx}", "../../docs/**/*.md", "../../README.md"],
  { query: "?raw", import: "default", eager: true },
);

const OUTSIDE =
  /\.\.\/shared|\bshared\/|domain\.md|architecture\.md|toolchain\.md|\bseeds? ?0\d\d|\bseeds? \d/i;

describe("the repository stands alone", () => {
  it("reads src/, docs/ and the README", () => {
    expect(Object.keys(TEXTS).some((p) => p.endsWith("README.md"))).toBe(true);
    expect(Object.keys(TEXTS).some((p) => p.includes("/docs/"))).toBe(true);
  });

  it("cites nothing outside the repository", () => {
    const found = Object.entries(TEXTS).flatMap(([path, text]) =>
      text
        .split("\n")
        .map((line, i) => [i + 1, line] as const)
        .filter(([, line]) => OUTSIDE.test(line))
        .map(([n, line]) => `${path.replace(/^\.\.\/\.\.\//, "")}:${n}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it("the generated runtime types live at the repository root, not in src/", () => {
    const generated = Object.keys(
      import.meta.glob(["../../src/**/worker-configuration.d.ts", "../../worker-configuration.d.ts"]),
    );
    expect(generated).toEqual(["../../worker-configuration.d.ts"]);
  });
});
