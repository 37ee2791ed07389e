/** The freshness policy as the pure function it is (src/cache/freshness.ts), table-driven. */
import { describe, expect, it } from "vitest";
import { decideRead, isInvalidated, servableOnError } from "../../src/cache/freshness";

const WINDOWS = { freshSeconds: 60, staleSeconds: 3_600 };
const NOW = 10_000_000;
const ago = (seconds: number) => NOW - seconds * 1000;

describe("decideRead", () => {
  it.each([
    ["no entry", { fetchedAt: null }, { action: "load", outcome: "MISS" }],
    [
      "a no-cache request, however fresh the entry",
      { fetchedAt: ago(1), bypass: true },
      { action: "load", outcome: "BYPASS" },
    ],
    ["just loaded", { fetchedAt: ago(0) }, { action: "hit" }],
    ["inside the fresh window", { fetchedAt: ago(59.999) }, { action: "hit" }],
    ["at the end of the fresh window", { fetchedAt: ago(60) }, { action: "stale", refresh: true }],
    ["inside the stale window", { fetchedAt: ago(3_599) }, { action: "stale", refresh: true }],
    ["at the end of the stale window", { fetchedAt: ago(3_600) }, { action: "load", outcome: "MISS" }],
    [
      "fetched before this isolate invalidated the key",
      { fetchedAt: ago(1), invalidatedAt: ago(0.5) },
      { action: "load", outcome: "MISS" },
    ],
    ["fetched after the invalidation", { fetchedAt: ago(1), invalidatedAt: ago(2) }, { action: "hit" }],
    [
      "stale while a Retry-After holds refreshes off",
      { fetchedAt: ago(120), refreshNotBefore: NOW + 1 },
      { action: "stale", refresh: false },
    ],
    [
      "stale once the Retry-After passed",
      { fetchedAt: ago(120), refreshNotBefore: NOW },
      { action: "stale", refresh: true },
    ],
  ] as const)("%s", (_name, input, expected) => {
    expect(
      decideRead({
        now: NOW,
        windows: WINDOWS,
        bypass: false,
        invalidatedAt: null,
        refreshNotBefore: null,
        ...input,
      }),
    ).toEqual(expected);
  });
});

describe("decideRead: no-cache and the minimum refresh interval (CACHE_MIN_REFRESH_SECONDS)", () => {
  const MIN5 = { ...WINDOWS, minRefreshSeconds: 5 };
  it.each([
    ["loaded just now: the load that just happened", { fetchedAt: ago(0) }, MIN5, { action: "hit" }],
    ["loaded 4.999 s ago", { fetchedAt: ago(4.999) }, MIN5, { action: "hit" }],
    ["loaded 5 s ago: load again", { fetchedAt: ago(5) }, MIN5, { action: "load", outcome: "BYPASS" }],
    ["no entry", { fetchedAt: null }, MIN5, { action: "load", outcome: "BYPASS" }],
    [
      "interval 0: always load",
      { fetchedAt: ago(0) },
      { ...WINDOWS, minRefreshSeconds: 0 },
      { action: "load", outcome: "BYPASS" },
    ],
    [
      "loaded before this isolate's last write",
      { fetchedAt: ago(2), invalidatedAt: ago(1) },
      MIN5,
      { action: "load", outcome: "BYPASS" },
    ],
    [
      "loaded in the same millisecond as the write (it may have started before it)",
      { fetchedAt: ago(1), invalidatedAt: ago(1) },
      MIN5,
      { action: "load", outcome: "BYPASS" },
    ],
    ["loaded after the write", { fetchedAt: ago(1), invalidatedAt: ago(2) }, MIN5, { action: "hit" }],
  ] as const)("%s", (_name, input, windows, expected) => {
    expect(
      decideRead({ now: NOW, windows, bypass: true, invalidatedAt: null, refreshNotBefore: null, ...input }),
    ).toEqual(expected);
  });
});

describe("stale-if-error and invalidation", () => {
  it.each([
    [ago(0), true],
    [ago(3_599), true],
    [ago(3_600), false],
    [ago(100_000), false],
  ])("a copy fetched at %i may stand in for a failed load: %s", (fetchedAt, servable) => {
    expect(servableOnError(fetchedAt, NOW, WINDOWS)).toBe(servable);
  });

  it.each([
    [ago(2), null, false],
    [ago(2), ago(1), true],
    [ago(1), ago(1), false],
    [ago(1), ago(2), false],
  ])("fetched %i, invalidated %s: invalidated %s", (fetchedAt, invalidatedAt, expected) => {
    expect(isInvalidated(fetchedAt, invalidatedAt)).toBe(expected);
  });
});
