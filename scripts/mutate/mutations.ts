/**
 * The mutation table of `npm run mutate` (main.ts): small, realistic bugs, each with the test files
 * that must catch it. Every entry must be KILLED: a survivor means a missing test (write it), never an
 * entry to delete. A STALE entry (anchor not found exactly once) means the code moved: update the anchor.
 *
 * Adding one: copy an entry, say what it breaks, pick an anchor that occurs once in the file (include
 * enough of the line), give the replacement and the test files that should fail. `npm run mutate --
 * <name>` runs just that one; `npm run mutate -- --check` verifies every anchor in seconds.
 */
import type { Mutation } from "./types";

const READ_AFTER_WRITE = "test/routes/read-after-write.test.ts";

export const MUTATIONS: readonly Mutation[] = [
  // --- invalidation after writes (issue 18, mutants 1 and 2)
  {
    name: "invalidation.quota-kept-after-write",
    breaks:
      "A write leaves the zone's cached quota in place: `used` is stale (a cache hit) after an order or delete.",
    file: "src/service/certificates.ts",
    anchor: `      cache.invalidate(cacheContext(ctx), { ...target, kind: "quota" }),\n`,
    replacement: "",
    tests: [READ_AFTER_WRITE],
  },
  {
    name: "invalidation.unified-delete-skips-invalidation",
    breaks:
      "DELETE /v1/certificates/{id} does not invalidate: the deleted certificate is still listed from the cache.",
    file: "src/service/certificates.ts",
    anchor: `      await recordDeletionSafely(ctx, target, id);\n      await afterWrite(ctx, target);\n`,
    replacement: `      await recordDeletionSafely(ctx, target, id);\n`,
    tests: [READ_AFTER_WRITE],
  },
  // --- subrequest budget (issue 18, mutant 3)
  {
    name: "budget.core-ignores-allowance",
    breaks:
      "The shared upstream core sends requests past the run's subrequest cap: a big zone overruns the monitor's budget.",
    file: "src/upstream/request.ts",
    anchor: "    if (ctx.allowance.left <= 0) {",
    replacement: "    if (ctx.allowance.left < -1_000_000) {",
    tests: ["test/monitor/budget-large-scope.test.ts"],
  },
];
