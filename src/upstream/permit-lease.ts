/**
 * Permits leased per isolate: small batches from the UpstreamBudget object so a busy caller does not pay
 * a round trip to the object on every miss (measured in the bench, figure 7b: the round trip, not the
 * object's work, is the cost of a governed miss).
 *
 * The rule that keeps every cap exact: a leased permit is used only within the wall-clock second (of
 * certgate's clock, which the object counts in) in which it was granted. The object counts a permit
 * granted in second g in every window it checks up to second g + 300 (60 for a key); a call made in
 * second g with that permit therefore lies in exactly the windows that counted it, so no 300-second (or
 * 60-second) window of calls holds more than the object granted for it. Leftovers are dropped at the
 * second's end: they were counted, for the key and the window, and are never used.
 *
 * The batch is sized to use, not to stockpile: what this caller used in the previous second, scaled to
 * what is left of this one, less what is already leased or being asked for, at least 1 and at most
 * MAX_LEASE. A caller that misses now and then asks for one permit at a time (nothing wasted); one that
 * misses many times a second asks about once per batch. Leftovers waste at most what a second's tail
 * would have used.
 *
 * Per isolate, one entry per (budget object, caller); entries idle for a minute are dropped when new
 * ones are made, so the map stays as small as the set of callers busy in the last minute.
 */
import type { AcquireResult } from "../durable/upstream-budget";

/** The most permits one request to the object takes for this isolate. */
export const MAX_LEASE = 8;
const IDLE_MS = 60_000;

interface Entry {
  /** The second the leased permits belong to, and how many are left in it. */
  second: number;
  left: number;
  /** Permits asked for by requests still waiting for the object. */
  pending: number;
  /** Uses in `usedSecond`, and in the second before it. */
  usedSecond: number;
  usedThis: number;
  usedPrev: number;
  touched: number;
}

export interface PermitLease {
  /**
   * One permit for `key` at `now()`: from this isolate's lease (null: no round trip made), or the
   * object's answer to `ask(permits, now)` (granted >= 1: one is this request's, the rest leased).
   * `ask` may throw (the object unreachable): nothing is leased then.
   */
  take(
    key: string,
    now: () => number,
    ask: (permits: number, at: number) => Promise<AcquireResult>,
  ): Promise<AcquireResult | null>;
}

export function createPermitLease(maxLease = MAX_LEASE): PermitLease {
  const entries = new Map<string, Entry>();

  const entryOf = (key: string, at: number): Entry => {
    let entry = entries.get(key);
    if (!entry) {
      for (const [k, e] of entries) if (at - e.touched > IDLE_MS) entries.delete(k);
      entry = { second: -1, left: 0, pending: 0, usedSecond: -1, usedThis: 0, usedPrev: 0, touched: at };
      entries.set(key, entry);
    }
    entry.touched = at;
    return entry;
  };

  const used = (entry: Entry, second: number): void => {
    if (second !== entry.usedSecond) {
      entry.usedPrev = second === entry.usedSecond + 1 ? entry.usedThis : 0;
      entry.usedThis = 0;
      entry.usedSecond = second;
    }
    entry.usedThis += 1;
  };

  /** Uses in the second before `second`. */
  const previousRate = (entry: Entry, second: number): number =>
    second === entry.usedSecond ? entry.usedPrev : second === entry.usedSecond + 1 ? entry.usedThis : 0;

  return {
    async take(key, now, ask) {
      const at = now();
      const second = Math.floor(at / 1000);
      const entry = entryOf(key, at);
      if (entry.second === second && entry.left > 0) {
        entry.left -= 1;
        used(entry, second);
        return null;
      }
      const leased = entry.second === second ? entry.left : 0;
      const expected = Math.ceil((previousRate(entry, second) * (1000 - (at % 1000))) / 1000);
      const permits = Math.min(maxLease, Math.max(1, expected - leased - entry.pending));
      entry.pending += permits;
      try {
        const result = await ask(permits, at);
        if (result.granted > 0) {
          used(entry, second);
          // What this request does not use is kept for the rest of the second it was granted in.
          if (entry.second !== second) {
            entry.second = second;
            entry.left = 0;
          }
          entry.left += result.granted - 1;
        }
        return result;
      } finally {
        entry.pending -= permits;
      }
    },
  };
}
