/**
 * The governed fetch: the upstream seam (context.ts) as every API request and monitor run uses it.
 * Before each request it takes one permit from the credential's UpstreamBudget object (one round trip,
 * only on a cache miss: a cache hit never comes here), and it reads each answer's rate-limit headers:
 *
 *   permit granted              -> the request is sent
 *   refused: key_limit          -> 429 `rate_limited` (this key is over its allowance per minute), with
 *                                  Retry-After and the IETF RateLimit-Policy / RateLimit headers
 *   refused: budget             -> 429 `upstream_rate_limited` (certgate's budget for this credential is
 *                                  spent for API callers; the monitor keeps its reserve)
 *   refused: upstream_blocked   -> 429 `upstream_rate_limited` with the block's remaining Retry-After
 *   answer 429 or `Ratelimit: r=0` -> the object is told to block everyone until it is over
 *
 * A refusal is an AppError thrown before anything is sent: the core passes it on as final, never
 * retried (context.ts). The list cache serves a stale copy instead of an `upstream_rate_limited` failure
 * (stale-if-error), never instead of a key's own `rate_limited`: a noisy client must learn to slow down.
 *
 * Permits: one per request. With the isolate's lease (permit-lease.ts) a busy caller takes them in
 * small batches, each used only within the second it was granted in, so every cap stays exact; without
 * it, one round trip per request (bench figure 7b measures what that costs).
 *
 * When the object cannot be reached in time (an outage, an overload), the request is sent ungoverned
 * and a warning is logged: the budget is a guard, and refusing every uncached read while it is away
 * would be an outage of certgate's own making. The upstream's 429 still stops that isolate.
 */

import type * as z from "zod";
import type { Timer } from "../cache/kv-guard";
import type { FetchLike } from "../deps";
import { KEY_WINDOW_SECONDS, WINDOW_SECONDS } from "../durable/budget-terms";
import type {
  AcquireResult,
  AcquireSchema,
  BlockResult,
  BlockSchema,
  BudgetCaller,
} from "../durable/upstream-budget";
import { AppError } from "../errors";
import type { Logger } from "../logger";
import { toRetryAfterSeconds } from "./backoff";
import type { PermitLease } from "./permit-lease";
import { rateLimitHeaders, upstreamBlockOf } from "./rate-limit-headers";

/** What the governor asks of the UpstreamBudget object (its stub). */
export interface BudgetPort {
  acquire(input: z.input<typeof AcquireSchema>): Promise<AcquireResult>;
  block(input: z.input<typeof BlockSchema>): Promise<BlockResult>;
}

/** Bound on one round trip to the object (it may live in another location). */
export const BUDGET_CALL_TIMEOUT_MS = 1_000;

export interface GovernorOptions {
  /** What sends the request once a permit is granted. */
  base: FetchLike;
  /** The credential's object and its name (resolved on the first request: the name is a digest). */
  object: () => Promise<{ name: string; port: BudgetPort }>;
  provider: string;
  /** How messages name the provider ("Cloudflare"). */
  label: string;
  caller: BudgetCaller;
  limitPer5Min: number | null;
  reservePercent: number;
  now: () => number;
  logger: Logger;
  timer: Timer;
  /** This isolate's leased permits (permit-lease.ts); without it, one round trip per request. */
  lease?: PermitLease;
}

type Bounded<T> = { ok: true; value: T } | { ok: false; error: string };

async function bounded<T>(op: () => Promise<T>, timer: Timer): Promise<Bounded<T>> {
  const deadline = timer(BUDGET_CALL_TIMEOUT_MS);
  try {
    return await Promise.race([
      Promise.resolve()
        .then(op)
        .then((value): Bounded<T> => ({ ok: true, value })),
      deadline.fired.then((): Bounded<T> => ({ ok: false, error: "timeout" })),
    ]);
  } catch (error) {
    return { ok: false, error: (error instanceof Error ? error.message : String(error)).slice(0, 200) };
  } finally {
    deadline.cancel();
  }
}

/** The refusal a caller gets, in its door's envelope (on-error.ts), before anything is sent. */
export function refusalError(o: GovernorOptions, result: AcquireResult): AppError {
  const refused = result.refused;
  const retryAfter = toRetryAfterSeconds(refused?.retryAfterMs ?? 1_000);
  const details = { provider: o.provider, retry_after: retryAfter };
  if (refused?.reason === "key_limit" && o.caller.kind === "key") {
    const key = result.key ?? { used: o.caller.perMinute, limit: o.caller.perMinute, resetMs: 0 };
    return new AppError(
      "rate_limited",
      `This caller may cause ${key.limit} upstream call(s) per minute and has used them; cached answers are ` +
        `still served. Retry after ${retryAfter} s`,
      details,
      undefined,
      {
        headers: rateLimitHeaders({
          name: "upstream-calls",
          quota: key.limit,
          windowSeconds: KEY_WINDOW_SECONDS,
          remaining: key.limit - key.used,
          resetSeconds: retryAfter,
        }),
      },
    );
  }
  if (refused?.reason === "budget") {
    const limit = result.window.limit ?? 0;
    return new AppError(
      "upstream_rate_limited",
      `certgate's budget of ${o.label} calls (${limit} per 5 minutes, part of it kept for the monitor) is spent. ` +
        `Retry after ${retryAfter} s`,
      details,
      undefined,
      {
        headers: rateLimitHeaders({
          name: `${o.provider}-budget`,
          quota: limit,
          windowSeconds: WINDOW_SECONDS,
          remaining: 0,
          resetSeconds: retryAfter,
        }),
      },
    );
  }
  return new AppError(
    "upstream_rate_limited",
    `${o.label} is rate limiting certgate: no call is sent to it until that is over. Retry after ${retryAfter} s`,
    details,
  );
}

/** Why the object could not be asked (it failed, or did not answer within BUDGET_CALL_TIMEOUT_MS). */
class BudgetUnavailable extends Error {}

export function governedFetch(o: GovernorOptions): FetchLike {
  const line = { provider: o.provider };
  return async (input, init) => {
    const { name, port } = await o.object();
    const ask = async (permits: number, at: number): Promise<AcquireResult> => {
      const asked = await bounded(
        () =>
          port.acquire({
            now: at,
            caller: o.caller,
            permits,
            limitPer5Min: o.limitPer5Min,
            reservePercent: o.reservePercent,
          }),
        o.timer,
      );
      if (!asked.ok) throw new BudgetUnavailable(asked.error);
      return asked.value;
    };
    let result: AcquireResult | null;
    try {
      result = o.lease
        ? await o.lease.take(`${name}|${callerKey(o.caller)}`, o.now, ask)
        : await ask(1, o.now());
    } catch (error) {
      if (!(error instanceof BudgetUnavailable)) throw error;
      o.logger.log("warn", "upstream_budget_unavailable", { ...line, error: error.message });
      return o.base(input, init);
    }
    // A permit leased by an earlier request of this isolate, in this second: nothing to ask.
    if (result === null) return send(o, port, input, init);
    if (result.blockEnded) {
      const { since, until, source } = result.blockEnded;
      o.logger.log("info", "upstream_block_ended", {
        ...line,
        since: new Date(since).toISOString(),
        until: new Date(until).toISOString(),
        source,
      });
    }
    if (result.granted < 1) {
      const error = refusalError(o, result);
      if (result.keyLimitStarted && o.caller.kind === "key") {
        o.logger.log("warn", "key_rate_limited", {
          ...line,
          key_name: o.caller.name,
          limit_per_minute: o.caller.perMinute,
          retry_after: error.details.retry_after,
        });
      }
      throw error;
    }
    return send(o, port, input, init);
  };
}

function callerKey(caller: BudgetCaller): string {
  return caller.kind === "key" ? `key:${caller.name}` : "monitor";
}

/** Sends a granted request and tells the object when the answer says the upstream is blocking. */
async function send(
  o: GovernorOptions,
  port: BudgetPort,
  input: Parameters<FetchLike>[0],
  init: Parameters<FetchLike>[1],
): Promise<Response> {
  const line = { provider: o.provider };
  {
    const response = await o.base(input, init);
    const now = o.now();
    const block = upstreamBlockOf(response.status, response.headers, now);
    if (block) {
      const told = await bounded(
        () => port.block({ now, untilMs: block.untilMs, source: block.source }),
        o.timer,
      );
      if (!told.ok) o.logger.log("warn", "upstream_budget_unavailable", { ...line, error: told.error });
      else if (told.value.started) {
        o.logger.log("warn", "upstream_block_started", {
          ...line,
          until: new Date(block.untilMs).toISOString(),
          source: block.source,
          status: response.status,
        });
      }
    }
    return response;
  }
}
