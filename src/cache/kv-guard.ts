/**
 * KV calls that cannot take a request down. KV can fail or stall (Cloudflare's outage of 12 June 2025
 * failed most KV requests: https://blog.cloudflare.com/cloudflare-service-outage-june-12-2025/), and
 * the list cache is an optimization: every call here is bounded by a timeout and returns a result
 * instead of throwing, so the caller degrades to the upstream path.
 */

/** A cancellable one-shot timer. Injected so tests control time without sleeping. */
export type Timer = (ms: number) => { fired: Promise<void>; cancel: () => void };

/**
 * The platform timer. Not `Deps.sleep`: that cannot be cancelled (a pending 1 s timer per KV call)
 * and the test deps make it instant, which would time every KV call out in everyone's tests.
 */
export const platformTimer: Timer = (ms) => {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const fired = new Promise<void>((resolve) => {
    handle = setTimeout(resolve, ms);
  });
  return { fired, cancel: () => clearTimeout(handle) };
};

export type KvFailure = "timeout" | "rate_limited" | "error";

export type KvResult<T> = { ok: true; value: T } | { ok: false; reason: KvFailure; message: string };

/** Runs one KV operation with a deadline; never throws. */
export async function guardKv<T>(
  op: () => Promise<T>,
  timer: Timer,
  timeoutMs: number,
): Promise<KvResult<T>> {
  const deadline = timer(timeoutMs);
  try {
    return await Promise.race([
      // Inside the race so a synchronous throw from a broken binding is caught like a rejection.
      Promise.resolve()
        .then(op)
        .then((value): KvResult<T> => ({ ok: true, value })),
      deadline.fired.then(
        (): KvResult<T> => ({ ok: false, reason: "timeout", message: `KV call exceeded ${timeoutMs} ms` }),
      ),
    ]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: classify(message), message: message.slice(0, 200) };
  } finally {
    deadline.cancel();
  }
}

/**
 * KV allows one write per second per key and answers more with a 429 ("KV PUT failed: 429 Too Many
 * Requests"). That is expected when isolates refresh the same scope together: logged, not an error.
 */
function classify(message: string): KvFailure {
  return /\b429\b|too many requests|rate limit/i.test(message) ? "rate_limited" : "error";
}
