/**
 * Fault injection shared by both simulators. A rule matches by method and path pattern (see
 * path-pattern.ts) and fires for the next `times` matching requests (forever without `times`); the first
 * matching rule with uses left wins. Faults model what certgate must survive upstream (domain.md: 5xx,
 * 429 with Retry-After, HTML error pages from Cloudflare's edge, broken bodies, dead connections).
 */
import type { Sleep } from "./clock";
import { cloudflareErrorPage } from "./error-page";
import { jsonResponse } from "./http";
import { matchesPath, type PathPattern } from "./path-pattern";

export type Fault =
  /** Waits `ms`, then answers normally. */
  | { kind: "latency"; ms: number }
  /** The provider's failure envelope with a 5xx status; the request is not processed. */
  | { kind: "status"; status: 500 | 502 | 503 | 504 }
  /** A Cloudflare-edge HTML error page (text/html, default 502); the request is not processed. */
  | { kind: "html"; status?: number }
  /** Processes the request, then answers 200 with the first half of its JSON body. */
  | { kind: "truncated" }
  /** HTTP 200 with `success: false` and an error; the request is not processed. */
  | { kind: "unsuccessful"; message?: string }
  /** 429 with `Retry-After: <seconds>` (default 60); the request is not processed. */
  | { kind: "rate_limited"; retryAfter?: number }
  /**
   * `fetch()` rejects with a TypeError, as on a dropped connection. With `afterProcessing`, the request is
   * processed first (the upstream acted, the caller never heard): the case that makes blind retries unsafe.
   */
  | { kind: "reset"; afterProcessing?: boolean }
  /** Never answers; rejects with the abort reason once the request's signal aborts. */
  | { kind: "hang" }
  /** Processes the request, then trickles the body `chunkBytes` at a time every `intervalMs`. */
  | { kind: "slow_body"; chunkBytes?: number; intervalMs?: number };

export type FaultKind = Fault["kind"];

export interface FaultRule {
  /** Any method when omitted. */
  method?: string;
  /** Any path when omitted. */
  path?: PathPattern;
  /** Fire for the next N matching requests only. */
  times?: number;
  fault: Fault;
}

export interface ActiveFaultRule extends FaultRule {
  id: number;
  /** Uses left (Infinity when the rule has no `times`). */
  remaining: number;
  /** How many requests it has fired on. */
  fired: number;
}

export interface FaultInjector {
  /** Adds a rule; returns its id. */
  add(rule: FaultRule): number;
  /** Shorthand: the next matching request (any when no match is given) gets `fault`. */
  once(fault: Fault, match?: { method?: string; path?: PathPattern }): number;
  remove(id: number): void;
  clear(): void;
  rules(): readonly ActiveFaultRule[];
  /** Consumes and returns the fault for a request, if a rule matches. */
  take(method: string, path: string): Fault | undefined;
}

export function createFaultInjector(): FaultInjector {
  let rules: ActiveFaultRule[] = [];
  let nextId = 1;
  const add = (rule: FaultRule): number => {
    const id = nextId++;
    rules.push({ ...rule, id, remaining: rule.times ?? Number.POSITIVE_INFINITY, fired: 0 });
    return id;
  };
  return {
    add,
    once: (fault, match = {}) => add({ ...match, times: 1, fault }),
    remove(id) {
      rules = rules.filter((r) => r.id !== id);
    },
    clear() {
      rules = [];
    },
    rules: () => rules,
    take(method, path) {
      const rule = rules.find(
        (r) =>
          r.remaining > 0 &&
          (r.method === undefined || r.method.toUpperCase() === method.toUpperCase()) &&
          (r.path === undefined || matchesPath(path, r.path)),
      );
      if (rule === undefined) return undefined;
      rule.remaining -= 1;
      rule.fired += 1;
      return rule.fault;
    },
  };
}

/** How one provider words a failure (Cloudflare: `errors: [{code, message}]`; Gjirafa: `errors: [string]`). */
export interface FailureDialect {
  failureBody(status: number, message: string): unknown;
}

export interface FaultContext {
  signal: AbortSignal | undefined;
  sleep: Sleep;
  dialect: FailureDialect;
  /** Runs the simulator's real handler. */
  handle: () => Promise<Response>;
}

/** Never settles unless `signal` aborts; then rejects with its reason (what `fetch` does on abort). */
export function waitForAbort(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (signal === undefined) return;
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

function networkError(): TypeError {
  // workerd's own message for a dropped upstream connection; Node's undici says "fetch failed".
  return new TypeError("Network connection lost.");
}

function trickle(bytes: Uint8Array, chunkBytes: number, intervalMs: number, ctx: FaultContext) {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      await ctx.sleep(intervalMs, ctx.signal);
      controller.enqueue(bytes.slice(offset, offset + chunkBytes));
      offset += chunkBytes;
    },
  });
}

export async function applyFault(fault: Fault, ctx: FaultContext): Promise<Response> {
  switch (fault.kind) {
    case "latency":
      await ctx.sleep(fault.ms, ctx.signal);
      return await ctx.handle();
    case "status":
      return jsonResponse(fault.status, ctx.dialect.failureBody(fault.status, statusText(fault.status)));
    case "html": {
      const status = fault.status ?? 502;
      return new Response(cloudflareErrorPage(status), {
        status,
        headers: { "content-type": "text/html; charset=UTF-8", server: "cloudflare" },
      });
    }
    case "truncated": {
      const text = await (await ctx.handle()).text();
      return new Response(text.slice(0, Math.floor(text.length / 2)), {
        status: 200,
        headers: { "content-type": "application/json; charset=utf-8" },
      });
    }
    case "unsuccessful":
      return jsonResponse(200, ctx.dialect.failureBody(200, fault.message ?? "Internal error, please retry"));
    case "rate_limited": {
      const seconds = fault.retryAfter ?? 60;
      return jsonResponse(
        429,
        ctx.dialect.failureBody(429, "Please wait and consider throttling your request speed"),
        { "retry-after": String(seconds) },
      );
    }
    case "reset":
      if (fault.afterProcessing === true) await ctx.handle();
      throw networkError();
    case "hang":
      return await waitForAbort(ctx.signal);
    case "slow_body": {
      const response = await ctx.handle();
      const bytes = new Uint8Array(await response.arrayBuffer());
      const body = trickle(bytes, fault.chunkBytes ?? 16, fault.intervalMs ?? 100, ctx);
      return new Response(body, { status: response.status, headers: response.headers });
    }
  }
}

function statusText(status: number): string {
  switch (status) {
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Gateway Timeout";
  }
}
