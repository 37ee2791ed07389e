/**
 * At most `max` tasks at once: Workers let 6 outbound connections wait for headers at a time and queue
 * the rest (https://developers.cloudflare.com/workers/platform/limits/#simultaneous-open-connections),
 * so the monitor never has more than 6 upstream requests in flight.
 * Per-run object: made by `createLimiter`, never module state.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export const MAX_IN_FLIGHT = 6;

export function createLimiter(max = MAX_IN_FLIGHT): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  // A finishing task hands its slot straight to the next waiter, so a newcomer cannot slip in between.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  return async function limited<T>(task: () => Promise<T>): Promise<T> {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
