/**
 * The planner, table-driven: least recently attempted first, strict order within the budget, and a
 * scope larger than a whole run never stalls the ones behind it.
 */
import { describe, expect, it } from "vitest";
import { planRun } from "../../src/monitor/plan";
import type { ScopeTarget } from "../../src/monitor/problems";
import { emptyScopeState, emptyState, type MonitorState } from "../../src/monitor/state";

const zone = (id: string): ScopeTarget => ({ provider: "cloudflare", kind: "zone", id });
const project = (id: string): ScopeTarget => ({ provider: "gjirafa", kind: "project", id });

function stateWith(scopes: Record<string, { last_attempt_at?: number; last_cost?: number }>): MonitorState {
  const state = emptyState();
  for (const [key, s] of Object.entries(scopes)) {
    state.scopes[key] = { ...emptyScopeState(), ...s };
  }
  return state;
}

describe("planRun", () => {
  const targets = [zone("z1"), zone("z2"), project("p1")];

  it.each([
    {
      name: "everything fits",
      state: stateWith({}),
      available: 50,
      selected: ["z1", "z2", "p1"],
    },
    {
      name: "least recently attempted first, strict order once the budget is full",
      state: stateWith({
        "cloudflare:z1": { last_attempt_at: 2, last_cost: 2 },
        "gjirafa:p1": { last_attempt_at: 1, last_cost: 3 },
      }),
      available: 5,
      selected: ["z2", "p1"],
    },
    {
      name: "a scope larger than the whole budget is skipped without blocking the rest",
      // p1 is the least recently attempted, so it comes first in the queue.
      state: stateWith({
        "cloudflare:z1": { last_attempt_at: 5, last_cost: 2 },
        "cloudflare:z2": { last_attempt_at: 5, last_cost: 2 },
        "gjirafa:p1": { last_attempt_at: 0, last_cost: 61 },
      }),
      available: 50,
      selected: ["z1", "z2"],
    },
  ])("$name", ({ state, available, selected }) => {
    const plan = planRun({ targets, state, available, now: 10 });
    expect(plan.selected.map((t) => t.id)).toEqual(selected);
    expect(plan.skipped.map((s) => s.target.id).sort()).toEqual(
      targets
        .map((t) => t.id)
        .filter((id) => !selected.includes(id))
        .sort(),
    );
  });
});
