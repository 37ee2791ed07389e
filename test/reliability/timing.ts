/**
 * Time as a RATIO, never as an absolute threshold, measured on the same machine with batches
 * interleaved, so a slow or busy machine slows both sides alike:
 * - `timeRatio`: a function fed adversarial input against the same function fed ordinary input of the
 *   same size. A linear function keeps the ratio near its constant factor; a quadratic one makes it grow
 *   with the size (at 1 MiB, by orders of magnitude).
 * - `growthRatio`: the same adversarial input at 4n against n characters. Linear work grows about 4
 *   times, quadratic 16 times, exponential without bound: this needs no "ordinary" input at all.
 */

export interface Ratio {
  ratio: number;
  adversarialMs: number;
  ordinaryMs: number;
  /** Calls per timed batch (calibrated so an ordinary batch is long enough to time). */
  reps: number;
}

/** Long enough for the runtime's timer resolution (1 ms in workerd) to be noise. */
const MIN_BATCH_MS = 30;
const MAX_REPS = 4_096;
const BATCHES = 9;

function batch(run: () => unknown, reps: number): number {
  const started = performance.now();
  for (let i = 0; i < reps; i++) run();
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * The fastest batch of `adversarial` over the fastest of `ordinary`, batches interleaved. Noise (other
 * work on the machine, a garbage collection) only ever adds time, so the fastest batch is the best
 * estimate of what the code itself costs.
 */
export function timeRatio(adversarial: () => unknown, ordinary: () => unknown): Ratio {
  ordinary();
  adversarial();
  let reps = 1;
  // The faster of two batches decides: one slowed by a collection must not end the calibration early.
  while (reps < MAX_REPS && Math.min(batch(ordinary, reps), batch(ordinary, reps)) < MIN_BATCH_MS) reps *= 2;
  const a: number[] = [];
  const o: number[] = [];
  for (let i = 0; i < BATCHES; i++) {
    o.push(batch(ordinary, reps));
    a.push(batch(adversarial, reps));
  }
  const adversarialMs = Math.min(...a);
  const ordinaryMs = Math.max(Math.min(...o), Number.EPSILON);
  return { ratio: adversarialMs / ordinaryMs, adversarialMs, ordinaryMs, reps };
}

/** How much longer `make(4 * size)` takes than `make(size)` (fastest of interleaved batches). */
export function growthRatio(make: (size: number) => () => unknown, size: number): Ratio {
  return timeRatio(make(4 * size), make(size));
}

/** The median wall time of `run` (which does I/O, so the runtime's clock moves) over `times` runs. */
export async function medianAsyncMs(run: () => Promise<unknown>, times = 3): Promise<number> {
  const all: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    all.push(performance.now() - started);
  }
  return median(all);
}
