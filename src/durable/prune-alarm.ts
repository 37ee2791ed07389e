/**
 * The one alarm an object uses: a periodic prune of rows that can no longer change an answer. It is
 * scheduled on the wall clock (alarms have no other), at most one at a time, by the first write after
 * the last prune; an object that receives no writes sleeps. What a prune deletes is decided by the
 * object from the times its callers passed (never from the wall clock), so a prune never changes an answer.
 */
export class PruneAlarm {
  /** When the pending alarm fires, or null when none is pending (as far as this instance knows). */
  #at: number | null = null;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly intervalMs: number,
  ) {}

  /** Reads the pending alarm; call from the constructor inside `blockConcurrencyWhile`. */
  async load(): Promise<void> {
    this.#at = await this.storage.getAlarm();
  }

  /**
   * After a write: schedules a prune unless one is pending. Call it after the method's SQL work, so the
   * await it may take lets nothing interleave into that work.
   */
  async ensure(): Promise<void> {
    if (this.#at !== null) return;
    this.#at = Date.now() + this.intervalMs;
    await this.storage.setAlarm(this.#at);
  }

  /** At the start of `alarm()`: the alarm that is running is no longer pending. */
  fired(): void {
    this.#at = null;
  }
}
