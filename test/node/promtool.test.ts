/// <reference types="node" />
/**
 * The `checkMetrics` helper (promtool.ts) that the /metrics tests use: it must pass a clean exposition and
 * refuse each kind of broken one, or a test built on it proves nothing.
 */
import { describe, expect, it } from "vitest";
import { checkMetrics } from "./promtool";
import { tool } from "./tools";

const promtool = tool("promtool");

const CLEAN = [
  "# HELP certgate_quota_used Advanced certificate packs used in the zone.",
  "# TYPE certgate_quota_used gauge",
  'certgate_quota_used{provider="cloudflare",scope="023e105f4ecef8ad9ca31a8372d0c353"} 4',
  "",
].join("\n");

describe.skipIf(promtool.skip)("checkMetrics (promtool check metrics)", () => {
  it("passes a clean exposition", async () => {
    expect(await checkMetrics(CLEAN, { bin: promtool.need() })).toEqual({
      ok: true,
      problems: [],
      output: "",
    });
  });

  it.each([
    {
      what: "a counter without _total",
      text: "# HELP certgate_scrapes Scrapes.\n# TYPE certgate_scrapes counter\ncertgate_scrapes 1\n",
      problem: 'counter metrics should have "_total" suffix',
    },
    {
      what: "a family without HELP",
      text: "# TYPE certgate_quota_used gauge\ncertgate_quota_used 1\n",
      problem: "no help text",
    },
    {
      what: "a camelCase name",
      text: "# HELP certgateQuotaUsed Used.\n# TYPE certgateQuotaUsed gauge\ncertgateQuotaUsed 1\n",
      problem: "snake_case",
    },
    {
      what: "a non-base unit",
      text: "# HELP certgate_run_milliseconds Run.\n# TYPE certgate_run_milliseconds gauge\ncertgate_run_milliseconds 1\n",
      problem: "base unit",
    },
    {
      what: "a line that does not parse",
      text: '# HELP certgate_quota_used Used.\n# TYPE certgate_quota_used gauge\ncertgate_quota_used{scope="a} 1\n',
      problem: "parsing error",
    },
    { what: "an empty body", text: "\n", problem: "empty exposition" },
  ])("refuses $what", async ({ text, problem }) => {
    const check = await checkMetrics(text, { bin: promtool.need() });
    expect(check.ok).toBe(false);
    expect(check.problems.join("\n")).toContain(problem);
  });
});
