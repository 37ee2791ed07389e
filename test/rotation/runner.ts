/**
 * An in-memory stand-in for Cloudflare Workflows' step runtime, with the behaviour the engine relies on:
 * - a step's result is kept (as JSON, as Workflows keep it serialized) and a later run gets it back
 *   without running the step again;
 * - a step that throws is retried up to `retryLimit` times (30 s, doubling, on the test clock), then
 *   the runner throws StepExhausted;
 * - a planned CRASH kills the whole run before a step or after it (its result not yet kept): the harness
 *   then starts the run again, as the platform does after an eviction;
 * - a planned CANCEL calls the ledger before a step; when the cancel asks the instance to be terminated,
 *   the run is killed for good.
 * Names are checked: a name used twice in one run, or a replay that asks for steps in another order,
 * fails the test (Workflows match kept results by name).
 */
import { StepExhausted, type StepRunner, type StepValue } from "../../src/rotation/runner";

/** The run died (eviction, deploy): start it again. */
export class Crash extends Error {
  constructor(where: string) {
    super(`crash ${where}`);
    this.name = "Crash";
  }
}

/** The instance was terminated by a cancel: never started again. */
export class Terminated extends Error {
  constructor() {
    super("terminated");
    this.name = "Terminated";
  }
}

export interface RunnerPlan {
  /** Fresh step executions (1-based) to crash before / after (result lost). */
  crashes: Array<{ execution: number; when: "before" | "after" }>;
  /** Before this fresh execution, cancel; `cancel` answers whether the instance is terminated. */
  cancelBefore: number | null;
}

export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

export class MemoryRunner implements StepRunner {
  readonly kept = new Map<string, string>();
  readonly slept = new Set<string>();
  /** Every sleep taken, with its length. */
  readonly sleeps: Array<{ name: string; ms: number }> = [];
  /** Every name in the order steps first completed (for replay checks and assertions). */
  readonly order: string[] = [];
  executions = 0;
  attempts = 0;
  #runNames = new Set<string>();
  readonly #fired = new Set<string>();

  constructor(
    private readonly clock: TestClock,
    private readonly plan: RunnerPlan,
    private readonly cancel: () => Promise<"terminate" | "continue">,
    private readonly retryLimit = 5,
  ) {}

  /** A new run of the same instance (after a crash). */
  restart(): void {
    this.#runNames = new Set();
  }

  async do<T extends StepValue>(name: string, callback: () => Promise<T>): Promise<T> {
    this.#claimName(name);
    const kept = this.kept.get(name);
    if (kept !== undefined) return JSON.parse(kept);
    this.executions += 1;
    const n = this.executions;
    if (this.plan.cancelBefore === n && this.#once(`cancel:${n}`)) {
      if ((await this.cancel()) === "terminate") throw new Terminated();
    }
    if (
      this.plan.crashes.some((c) => c.execution === n && c.when === "before") &&
      this.#once(`before:${n}`)
    ) {
      this.executions -= 1;
      throw new Crash(`before ${name}`);
    }
    let last: unknown = null;
    for (let attempt = 0; attempt <= this.retryLimit; attempt += 1) {
      this.attempts += 1;
      try {
        const value = await callback();
        const text = JSON.stringify(value);
        if (
          this.plan.crashes.some((c) => c.execution === n && c.when === "after") &&
          this.#once(`after:${n}`)
        ) {
          throw new Crash(`after ${name}`);
        }
        this.kept.set(name, text);
        this.order.push(name);
        return JSON.parse(text);
      } catch (error) {
        if (error instanceof Crash || error instanceof Terminated) throw error;
        last = error;
        this.clock.advance(30_000 * 2 ** attempt);
      }
    }
    throw new StepExhausted(name, last instanceof Error ? last.message : String(last));
  }

  async sleep(name: string, ms: number): Promise<void> {
    this.#claimName(name);
    if (this.slept.has(name)) return;
    if (!(ms > 0)) throw new Error(`sleep ${name}: ${ms} ms`);
    this.clock.advance(ms);
    this.slept.add(name);
    this.sleeps.push({ name, ms });
  }

  #claimName(name: string): void {
    if (this.#runNames.has(name)) throw new Error(`step name used twice in one run: ${name}`);
    this.#runNames.add(name);
  }

  #once(key: string): boolean {
    if (this.#fired.has(key)) return false;
    this.#fired.add(key);
    return true;
  }
}
