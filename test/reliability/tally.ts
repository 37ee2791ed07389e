/**
 * Counts what a reliability file did (cases, faults fired, fuzz inputs) and prints one summary line in
 * its afterAll, so a CI log shows how hard each run pushed. One tally per file, made inside its
 * describe block (no module-level state).
 */
export interface Tally {
  cases: number;
  faults: number;
  fuzz: number;
  requests: number;
  /** Answers seen, by "status code" (e.g. "400 validation_failed"), so a run shows what it reached. */
  outcomes: Record<string, number>;
}

export function createTally(name: string, started = Date.now()) {
  const t: Tally = { cases: 0, faults: 0, fuzz: 0, requests: 0, outcomes: {} };
  return {
    counts: t,
    summary(extra = ""): string {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const outcomes = Object.entries(t.outcomes)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `${k}: ${n}`)
        .join(", ");
      return (
        `[reliability] ${name}: ${t.cases} cases, ${t.faults} faults injected, ${t.fuzz} fuzz inputs, ` +
        `${t.requests} requests, ${seconds} s${extra ? `, ${extra}` : ""}${outcomes ? `\n  outcomes: ${outcomes}` : ""}`
      );
    },
  };
}
