/**
 * Test doubles for the injected dependencies: a clock the test moves, a log that captures every
 * record, and an outbound fetch that routes by origin to in-process handlers (the sandbox
 * simulators). An unrouted call fails like a network error, so nothing leaves the machine.
 */
import type { Deps, FetchLike } from "../../src/deps";

export interface TestClock {
  now: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
}

export function testClock(start = Date.parse("2026-11-23T12:00:00Z")): TestClock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}

export type Handler = (request: Request) => Promise<Response> | Response;

/** Routes outbound requests by origin; records every request it sees. */
export function routedFetch(routes: Record<string, Handler>): FetchLike & { requests: Request[] } {
  const requests: Request[] = [];
  const fn = async (input: Request | string | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request.clone());
    const origin = new URL(request.url).origin;
    const handler = routes[origin];
    if (!handler) throw new TypeError(`Network connection lost (no test route for ${origin})`);
    return handler(request);
  };
  return Object.assign(fn, { requests });
}

export interface TestDeps extends Deps {
  clock: TestClock;
  logs: Record<string, unknown>[];
}

export function testDeps(overrides: Partial<Deps> & { clock?: TestClock } = {}): TestDeps {
  const clock = overrides.clock ?? testClock();
  const logs: Record<string, unknown>[] = [];
  return {
    fetch: overrides.fetch ?? routedFetch({}),
    now: overrides.now ?? clock.now,
    random: overrides.random ?? (() => 0.5),
    sleep: overrides.sleep ?? (async () => {}),
    log: overrides.log ?? ((record) => logs.push(record)),
    clock,
    logs,
  };
}
