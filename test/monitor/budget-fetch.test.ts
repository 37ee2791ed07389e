/** The monitor's budgeted fetch (src/monitor/budget.ts): counts per scope and per run, refuses past the cap. */
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { createRunBudget } from "../../src/monitor/budget";
import { routedFetch } from "../helpers/deps";

const ORIGIN = "https://upstream.test";

describe("the run's budgeted fetch", () => {
  it("counts what each scope sends and what the run sent", async () => {
    const inner = routedFetch({ [ORIGIN]: () => new Response("ok") });
    const run = createRunBudget(inner, 5);
    const a = run.forScope("cloudflare");
    const b = run.forScope("gjirafa");
    await a.fetch(`${ORIGIN}/1`);
    await a.fetch(`${ORIGIN}/2`);
    await b.fetch(`${ORIGIN}/3`);
    expect([a.budget.spent(), b.budget.spent(), run.spent()]).toEqual([2, 1, 3]);
    expect(a.budget.remaining()).toBe(2);
    expect(b.budget.remaining()).toBe(2);
    expect(inner.requests).toHaveLength(3);
  });

  it("past the cap it refuses with subrequest_budget_exhausted and sends nothing", async () => {
    const inner = routedFetch({ [ORIGIN]: () => new Response("ok") });
    const run = createRunBudget(inner, 2);
    const scope = run.forScope("gjirafa");
    await scope.fetch(`${ORIGIN}/1`);
    await run.forScope("cloudflare").fetch(`${ORIGIN}/2`);
    const refused = await scope.fetch(`${ORIGIN}/3`).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "subrequest_budget_exhausted", details: { provider: "gjirafa" } });
    expect(inner.requests).toHaveLength(2);
    expect(scope.budget.remaining()).toBe(0);
    expect(run.spent()).toBe(2);
  });
});
