/// <reference types="vite/client" />
/**
 * The mutation check's own rules (scripts/mutate): a mutation applies only where its anchor occurs
 * exactly once, and the table is well formed: unique names, a sentence of what breaks, test files
 * that exist. Whether each anchor is still in its source file is `npm run mutate -- --check`.
 */
import { describe, expect, it } from "vitest";
import { applyMutation, occurrences, selectMutations, tableProblems } from "../../scripts/mutate/apply";
import { MUTATIONS } from "../../scripts/mutate/mutations";
import type { Mutation } from "../../scripts/mutate/types";

const mutation = (over: Partial<Mutation> = {}): Mutation => ({
  name: "area.what-breaks",
  breaks: "Something a caller would notice stops working.",
  file: "src/x.ts",
  anchor: "a < b",
  replacement: "a <= b",
  tests: ["test/x.test.ts"],
  ...over,
});

describe("applying a mutation", () => {
  it("replaces an anchor that occurs exactly once", () => {
    expect(applyMutation("if (a < b) go();", mutation())).toEqual({ ok: true, text: "if (a <= b) go();" });
  });

  it.each([
    ["missing (the code moved)", "if (a > b) go();", 0],
    ["ambiguous", "a < b && a < b", 2],
  ])("reports an anchor that is %s as stale instead of mutating nothing or the wrong place", (_n, src, n) => {
    const applied = applyMutation(src, mutation());
    expect(applied.ok).toBe(false);
    if (!applied.ok) expect(applied.reason).toContain(`found ${n} times`);
  });

  it("counts occurrences without overlap", () => {
    expect(occurrences("aaaa", "aa")).toBe(2);
    expect(occurrences("abc", "")).toBe(0);
  });

  it("selects by any name filter, case-insensitively; no filter selects all", () => {
    const table = [
      mutation({ name: "cache.a" }),
      mutation({ name: "auth.b" }),
      mutation({ name: "cache.c" }),
    ];
    expect(selectMutations(table, ["CACHE."]).map((m) => m.name)).toEqual(["cache.a", "cache.c"]);
    expect(selectMutations(table, ["b", "he.c"]).map((m) => m.name)).toEqual(["auth.b", "cache.c"]);
    expect(selectMutations(table, [])).toHaveLength(3);
  });

  it("finds the table's own problems", () => {
    const bad = [
      mutation(),
      mutation(),
      mutation({ name: "NoArea", tests: [] }),
      mutation({ name: "x.y", replacement: "a < b", breaks: "short" }),
    ];
    expect(tableProblems(bad)).toEqual([
      "area.what-breaks: duplicate name",
      "NoArea: name must look like area.what-goes-wrong",
      "NoArea: name the test files that should catch it",
      "x.y: say what it breaks in a sentence",
      "x.y: the replacement equals the anchor",
    ]);
  });
});

describe("the mutation table", () => {
  // Every test file of the repository, by path (not loaded).
  const testFiles = new Set(
    Object.keys(import.meta.glob("../**/*.test.ts")).map((p) => `test/${p.replace(/^\.\.\//, "")}`),
  );

  it("has at least 40 well-formed mutations", () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(40);
    expect(tableProblems(MUTATIONS)).toEqual([]);
  });

  it("names only test files that exist", () => {
    expect(testFiles.size).toBeGreaterThan(50);
    const missing = MUTATIONS.flatMap((m) =>
      m.tests.filter((t) => !testFiles.has(t)).map((t) => `${m.name}: ${t}`),
    );
    expect(missing).toEqual([]);
  });
});
