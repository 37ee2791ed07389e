/**
 * The invariants every fuzzed request must keep, whatever the input:
 * - never a 5xx (nothing a caller sends is certgate's fault or an upstream's);
 * - always the envelope of the door it came through (envelope.ts);
 * - an answer not attributed to an upstream (validation, auth, routing) made NO upstream call;
 * - no secret in the body or the headers (leaks.ts).
 * And one about the fuzz itself: a minimum share of the inputs must get past authentication and
 * routing to a route handler (`Reach`), or a wrong key or a renamed route would turn every input into
 * the same 401/404 and every property would still hold.
 * Runs are bounded (NUM_RUNS) and seeded (SEED, printed) so a failure replays exactly.
 */
import { expect } from "vitest";
import { familyOf, inspect } from "./envelope";
import { headerText, type LeakDetector } from "./leaks";
import type { ReliabilityGateway } from "./suite";
import type { Tally } from "./tally";

/** fast-check seed of the whole suite (replay: same seed, same inputs). */
export const SEED = 20_261_123;
export const NUM_RUNS = 200;

export interface FuzzRequest {
  method: string;
  /** Path and query, as sent (already encoded where it should be). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface FuzzAnswer {
  status: number;
  code: string | undefined;
  body: unknown;
  /** A route handler made the answer: past authentication (not 401/403) and routing (a route matched). */
  reachedHandler: boolean;
  /** Upstream requests the input caused (only inputs that passed validation reach an upstream). */
  upstreamCalls: number;
}

/**
 * Whether an answer came from a route handler. Not: 401/403 (authentication, or a scope the key lacks),
 * 404 "No route for ..." and 405 (routing: no route has this path, or not with this method).
 */
export function reachedHandler(status: number, code: string | undefined, message: string): boolean {
  if (status === 401 || status === 403 || status === 405) return false;
  if (status === 404 && code === "not_found" && message.includes("No route for")) return false;
  return true;
}

/** How many inputs of one property reached a handler, and caused an upstream call. */
export function createReach(name: string) {
  const counts = { sent: 0, reached: 0, upstream: 0 };
  return {
    counts,
    add(answer: FuzzAnswer): void {
      counts.sent += 1;
      if (answer.reachedHandler) counts.reached += 1;
      if (answer.upstreamCalls > 0) counts.upstream += 1;
    },
    /** Asserts the property ran and at least `share` of its inputs reached a handler (and `upstream` went on). */
    expectAtLeast(share: number, upstream = 0): void {
      const summary = `${name}: ${counts.reached} of ${counts.sent} inputs reached a handler, ${counts.upstream} went upstream`;
      console.log(`[reliability] ${summary}`);
      expect(counts.sent, summary).toBeGreaterThan(0);
      expect(counts.reached / counts.sent, summary).toBeGreaterThanOrEqual(share);
      expect(counts.upstream / counts.sent, summary).toBeGreaterThanOrEqual(upstream);
    },
  };
}

export async function sendAndCheck(
  gw: ReliabilityGateway,
  req: FuzzRequest,
  leaks: LeakDetector,
  tally: Tally,
): Promise<FuzzAnswer> {
  const before = gw.upstreamCalls();
  const init: RequestInit = { method: req.method, headers: req.headers ?? {} };
  if (req.body !== undefined && req.method !== "GET" && req.method !== "HEAD") init.body = req.body;
  const res = await gw.send(new Request(`https://certgate.test${req.path}`, init));
  tally.fuzz += 1;
  tally.requests += 1;
  const text = await res.text();
  const label = `${req.method} ${req.path.slice(0, 200)} -> ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, label).toBeLessThan(500);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`not JSON: ${label}`);
  }
  // The door is decided by the path the app routes on (the URL's pathname, as the URL parser left it).
  const seen = inspect(familyOf(new URL(`https://certgate.test${req.path}`).pathname), res.status, body);
  const outcome = `${res.status} ${seen.code ?? "ok"}`;
  tally.outcomes[outcome] = (tally.outcomes[outcome] ?? 0) + 1;
  const calls = gw.upstreamCalls() - before;
  if (res.status >= 400 && !seen.fromUpstream) expect(calls, `no upstream call for ${label}`).toBe(0);
  const leaked = leaks.find(text) ?? leaks.find(headerText(res.headers));
  expect(leaked, `secret in the answer: ${label}`).toBeNull();
  return {
    status: res.status,
    code: seen.code,
    body,
    reachedHandler: reachedHandler(res.status, seen.code, seen.message),
    upstreamCalls: calls,
  };
}

/** After a property: no secret in any log record the fuzzed requests produced. */
export function assertLogsClean(gw: ReliabilityGateway, leaks: LeakDetector): void {
  const hits = gw.deps.logs.flatMap((record, i) => {
    const hit = leaks.find(JSON.stringify(record));
    return hit ? [`${hit} in log #${i + 1} (${String(record.event)})`] : [];
  });
  expect(hits).toEqual([]);
}
