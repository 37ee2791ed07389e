/**
 * The HTTP face: X-Cache and Age on every list response, no-cache parsing, cache keys.
 */
import { describe, expect, it } from "vitest";
import type { CacheOutcome } from "../../src/cache";
import { applyCacheHeaders, cacheHeaders, cacheKey, mergeCacheStatus, wantsBypass } from "../../src/cache";

describe("cache headers", () => {
  it.each([
    ["HIT", 0, "0"],
    ["HIT", 59.9, "59"],
    ["STALE", 3_599, "3599"],
    ["MISS", -3, "0"],
    ["BYPASS", Number.NaN, "0"],
  ] as const)("%s with age %s -> X-Cache %s, Age %s", (outcome, ageSeconds, age) => {
    expect(cacheHeaders({ outcome, ageSeconds })).toEqual({ "X-Cache": outcome, Age: age });
  });

  it("applyCacheHeaders sets both headers on a response", () => {
    const res = new Response("[]");
    applyCacheHeaders(res.headers, { outcome: "STALE", ageSeconds: 125 });
    expect(res.headers.get("x-cache")).toBe("STALE");
    expect(res.headers.get("age")).toBe("125");
  });

  const s = (outcome: CacheOutcome, ageSeconds: number) => ({ outcome, ageSeconds });
  it.each([
    ["all HIT", [s("HIT", 5), s("HIT", 40)], s("HIT", 40)],
    ["one MISS among HITs", [s("HIT", 5), s("MISS", 0)], s("MISS", 5)],
    ["one STALE wins", [s("MISS", 0), s("STALE", 700), s("HIT", 3)], s("STALE", 700)],
    ["all BYPASS", [s("BYPASS", 0), s("BYPASS", 1)], s("BYPASS", 1)],
    ["BYPASS and a stale-if-error", [s("BYPASS", 0), s("STALE", 90)], s("STALE", 90)],
    ["no scopes", [], s("MISS", 0)],
  ])("mergeCacheStatus: %s", (_, statuses, expected) => {
    expect(mergeCacheStatus(statuses)).toEqual(expected);
  });
});

describe("no-cache parsing (RFC 9111 §5.2.1.4, §5.4)", () => {
  it.each<[string, Record<string, string>, boolean]>([
    ["Cache-Control: no-cache", { "cache-control": "no-cache" }, true],
    ["case-insensitive", { "cache-control": "No-Cache" }, true],
    ["among other directives", { "cache-control": "max-age=0, no-cache, no-transform" }, true],
    ["with spaces", { "cache-control": "  no-cache  " }, true],
    ["with an argument", { "cache-control": 'no-cache="set-cookie"' }, true],
    ["Pragma: no-cache without Cache-Control", { pragma: "no-cache" }, true],
    [
      "Pragma ignored when Cache-Control is present",
      { pragma: "no-cache", "cache-control": "max-age=60" },
      false,
    ],
    ["no-store is not no-cache", { "cache-control": "no-store" }, false],
    ["max-age=0 alone", { "cache-control": "max-age=0" }, false],
    ["inside a quoted argument", { "cache-control": 'private="a, no-cache, b"' }, false],
    ["a longer name", { "cache-control": "no-cache-please" }, false],
    ["no header", {}, false],
    ["empty header", { "cache-control": "" }, false],
    // What fetch() sends for a conditional request it was given (Fetch standard, cache mode no-store).
    [
      "a revalidation (If-None-Match) with fetch's own no-cache",
      { "if-none-match": '"abc"', "cache-control": "no-cache", pragma: "no-cache" },
      false,
    ],
  ])("%s", (_, headers, expected) => {
    expect(wantsBypass(new Headers(headers))).toBe(expected);
  });
});

describe("cache keys", () => {
  it.each([
    [
      { scope: { provider: "cloudflare", id: "0123456789abcdef0123456789abcdef" } },
      "certgate:v1:list:cloudflare:0123456789abcdef0123456789abcdef",
    ],
    [
      { scope: { provider: "gjirafa", id: "3FA85F64-5717-4562-B3FC-2C963F66AFA6" } },
      "certgate:v1:list:gjirafa:3fa85f64-5717-4562-b3fc-2c963f66afa6",
    ],
    [
      { scope: { provider: "cloudflare", id: "0123456789abcdef0123456789abcdef" }, kind: "quota" },
      "certgate:v1:quota:cloudflare:0123456789abcdef0123456789abcdef",
    ],
    // Any registered provider's name fits: no list of providers to forget one in.
    [{ scope: { provider: "fake-ca", id: "space-1" } }, "certgate:v1:list:fake-ca:space-1"],
  ] as const)("%o -> %s", (key, expected) => {
    expect(cacheKey(key)).toBe(expected);
  });

  it.each(["", "a:b", "../x", "x".repeat(101), "zone id"])("refuses scope %j", (id) => {
    expect(() => cacheKey({ scope: { provider: "cloudflare", id } })).toThrow(/Invalid list cache scope/);
  });

  it.each(["", "Cloudflare", "a:b", "x".repeat(33), "../x"])("refuses provider name %j", (provider) => {
    expect(() => cacheKey({ scope: { provider, id: "0123456789abcdef" } })).toThrow(
      /Invalid list cache scope/,
    );
  });
});
