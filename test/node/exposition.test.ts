/**
 * The exposition reader (exposition.ts) the /metrics tests use to ask what a body says.
 */
import { describe, expect, it } from "vitest";
import { parseExposition } from "./exposition";

describe("parseExposition", () => {
  it("reads HELP, TYPE, labels with escapes, and special values", () => {
    const text = [
      "# HELP x509_cert_expired 1 when expired \\\\ \\n done.",
      "# TYPE x509_cert_expired gauge",
      'x509_cert_expired{certificate_id="a:b",subject_CN="q\\"uote\\\\d\\nx"} 1',
      "# a comment",
      "x509_read_errors 0",
      'certgate_quota_used{scope="z",} +Inf',
      "certgate_monitor_last_run_timestamp_seconds 1.7951751e+09 1795175100000",
      "",
    ].join("\n");
    const parsed = parseExposition(text);
    expect(parsed.families.get("x509_cert_expired")).toEqual({
      help: "1 when expired \\ \n done.",
      type: "gauge",
    });
    expect(parsed.samples).toEqual([
      { name: "x509_cert_expired", labels: { certificate_id: "a:b", subject_CN: 'q"uote\\d\nx' }, value: 1 },
      { name: "x509_read_errors", labels: {}, value: 0 },
      { name: "certgate_quota_used", labels: { scope: "z" }, value: Number.POSITIVE_INFINITY },
      { name: "certgate_monitor_last_run_timestamp_seconds", labels: {}, value: 1795175100 },
    ]);
  });

  it.each([
    ["a missing value", "x509_read_errors\n"],
    ["an unquoted label value", "x509_read_errors{a=b} 1\n"],
    ["a label given twice", 'x509_read_errors{a="1",a="2"} 1\n'],
    ["a value that is not a number", "x509_read_errors one\n"],
  ])("throws on %s", (_what, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});
