/**
 * What the engine needs of a durable-execution runtime, in the shape of Cloudflare Workflows' `step`
 * (https://developers.cloudflare.com/workflows/build/workers-api/): named steps whose results are kept,
 * so a run that starts over after a restart gets the kept result instead of running the step again, and
 * named sleeps. `workflow.ts` adapts `WorkflowStep`; tests use an in-memory runner that restarts at will.
 *
 * The engine's contract with a runner:
 * - a step's callback may run more than once (a retry after a throw, or a restart before its result was
 *   kept), so every step is written to be repeated;
 * - a step that throws is retried by the runner; when the runner gives up it throws `StepExhausted`,
 *   and nothing else: any other throw is the runtime's own (an eviction) and is not the engine's to catch.
 */

/** What a step may return: data that survives serialization (Workflows keep it as structured clone). */
export type StepValue = string | number | boolean | null | StepValue[] | { [key: string]: StepValue };

export interface StepRunner {
  do<T extends StepValue>(name: string, callback: () => Promise<T>): Promise<T>;
  sleep(name: string, ms: number): Promise<void>;
}

/** A step failed on every attempt the runner allows. `message` is the last attempt's error. */
export class StepExhausted extends Error {
  readonly step: string;

  constructor(step: string, message: string) {
    super(message);
    this.name = "StepExhausted";
    this.step = step;
  }
}

export function isStepExhausted(value: unknown): value is StepExhausted {
  return value instanceof StepExhausted;
}
