/**
 * One named mutation: a small, realistic bug put into one file, and the tests that must notice it.
 * Described by what it breaks (so the table reads as a list of promises the tests keep) and located by
 * an exact code anchor, so a moved or edited file makes the mutation STALE instead of silently
 * mutating nothing.
 */
export interface Mutation {
  /** Unique and stable: `area.what-goes-wrong` in kebab case. `npm run mutate -- <filter>` matches it. */
  name: string;
  /** What the change breaks, as a sentence a reviewer understands without reading the diff. */
  breaks: string;
  /** Repository-relative path of the file to change. */
  file: string;
  /** Exact text that must occur exactly once in `file`; otherwise the mutation is stale (not killed). */
  anchor: string;
  /** The text that replaces the anchor. */
  replacement: string;
  /** Repository-relative test files expected to catch it: only these run. */
  tests: readonly string[];
}
