/** If-None-Match parsing and matching (RFC 9110 §13.1.2, §8.8.3): the table of src/http/conditional.ts. */
import { describe, expect, it } from "vitest";
import { noneMatchHits, parseIfNoneMatch } from "../../src/http/conditional";

describe("parseIfNoneMatch", () => {
  it.each([
    ['"a"', ["a"]],
    ['W/"a"', ["a"]],
    ['"a", "b"', ["a", "b"]],
    ['"a",W/"b" ,  "c"', ["a", "b", "c"]],
    ['"a,b", "c"', ["a,b", "c"]],
    ["*", "*"],
    [" * ", "*"],
    ["a", []],
    ['w/"a"', []], // the weak indicator is case-sensitive
    ['"a" junk', []],
    ['"unterminated', []],
    ["", []],
    [",,", []],
  ] as const)("%j -> %j", (value, expected) => {
    expect(parseIfNoneMatch(value)).toEqual(expected);
  });
});

describe("noneMatchHits (weak comparison)", () => {
  const etag = '"abc"';
  it.each([
    [null, false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", W/"abc"', true],
    ["*", true],
    ['"ABC"', false],
    ['"abcd"', false],
    ["abc", false],
    ['"x", "y"', false],
  ] as const)("%j -> %s", (value, hit) => {
    expect(noneMatchHits(value, etag)).toBe(hit);
  });
});
