/**
 * The pure part of the mutation check: applying one mutation to a file's text, checking the table,
 * choosing mutations by name. No file system, no processes.
 */
import type { Mutation } from "./types";

export type Applied = { ok: true; text: string } | { ok: false; reason: string };

/** How many times `needle` occurs in `text` (non-overlapping). */
export function occurrences(text: string, needle: string): number {
  if (needle === "") return 0;
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

/** The mutated text, or why the mutation cannot be applied (its anchor is not there exactly once). */
export function applyMutation(source: string, mutation: Mutation): Applied {
  const count = occurrences(source, mutation.anchor);
  if (count !== 1) {
    return {
      ok: false,
      reason: `anchor found ${count} times in ${mutation.file} (must be exactly once): ${preview(mutation.anchor)}`,
    };
  }
  const at = source.indexOf(mutation.anchor);
  return {
    ok: true,
    text: source.slice(0, at) + mutation.replacement + source.slice(at + mutation.anchor.length),
  };
}

function preview(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 77)}...` : line);
}

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$/;

/** Problems of the table itself (a bad entry is a bug in the table, not a surviving mutant). */
export function tableProblems(mutations: readonly Mutation[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const m of mutations) {
    if (!NAME.test(m.name)) problems.push(`${m.name}: name must look like area.what-goes-wrong`);
    if (seen.has(m.name)) problems.push(`${m.name}: duplicate name`);
    seen.add(m.name);
    if (m.breaks.trim().length < 20) problems.push(`${m.name}: say what it breaks in a sentence`);
    if (m.anchor === m.replacement) problems.push(`${m.name}: the replacement equals the anchor`);
    if (m.tests.length === 0) problems.push(`${m.name}: name the test files that should catch it`);
    for (const t of m.tests) {
      if (!/^test\/.+\.test\.ts$/.test(t)) problems.push(`${m.name}: ${t} is not a test file under test/`);
    }
    if (m.file.startsWith("/") || m.file.includes(".."))
      problems.push(`${m.name}: file must be repo-relative`);
  }
  return problems;
}

/** Mutations whose name contains any of `filters` (case-insensitive); all when there is none. */
export function selectMutations(mutations: readonly Mutation[], filters: readonly string[]): Mutation[] {
  if (filters.length === 0) return [...mutations];
  const wanted = filters.map((f) => f.toLowerCase());
  return mutations.filter((m) => wanted.some((f) => m.name.toLowerCase().includes(f)));
}
