/**
 * Runs `fn` over `items` with at most `limit` in flight (Workers allow 6 outbound connections
 * waiting for headers at once; more are queued by the runtime, which only hides the wait).
 * Results keep the input order; a rejection is captured per item, never short-circuits the rest.
 */
export async function mapSettled<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
  const results: Array<PromiseSettledResult<R>> = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      const item = items[index] as T;
      try {
        results[index] = { status: "fulfilled", value: await fn(item, index) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const MAX_UPSTREAM_IN_FLIGHT = 6;
