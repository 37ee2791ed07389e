import { describe, expect, it } from "vitest";
import { HostnameSchema, hostMatches, isHostname } from "../../src/model/hostname";

describe("isHostname", () => {
  it.each([
    ["example.com", true],
    ["*.example.com", true],
    ["a-b.example.com", true],
    ["xn--bcher-kva.example", true],
    ["example", false],
    ["-a.example.com", false],
    ["a..example.com", false],
    ["*.*.example.com", false],
    ["www.*.example.com", false],
    ["bücher.example", false],
    [`${"a".repeat(64)}.example.com`, false],
    ["", false],
  ])("%s -> %s", (host, ok) => {
    expect(isHostname(host)).toBe(ok);
  });

  it("normalizes case and whitespace before checking", () => {
    expect(HostnameSchema.parse("  WWW.Example.COM ")).toBe("www.example.com");
  });
});

describe("hostMatches (certificate name covers host)", () => {
  it.each([
    ["www.example.com", "www.example.com", true],
    ["WWW.example.com", "www.EXAMPLE.com", true],
    ["*.example.com", "www.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "a.b.example.com", false],
    ["*.example.com", "*.example.com", true],
    ["example.com", "www.example.com", false],
    ["*.example.com", "wwwexample.com", false],
  ])("%s covers %s: %s", (pattern, host, covered) => {
    expect(hostMatches(pattern, host)).toBe(covered);
  });
});
