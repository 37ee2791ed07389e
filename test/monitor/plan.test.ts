/**
 * The planner, table-driven: least recently attempted first, strict order within the budget, and a
 * scope larger than a whole run never stalls the ones behind it.
 */
import { describe, expect, it } from "vitest";
import { scopeKey } from "../../src/model/scope";
import { planRun } from "../../src/monitor/plan";
import type { Source } from "../../src/monitor/sources";
import { emptyScopeState, emptyState, type MonitorState } from "../../src/monitor/state";
import { testConfig } from "../helpers/config";

const configured = testConfig().providers;
function source(provider: "cloudflare" | "gjirafa", id: string): Source {
  const p = configured.find((c) => c.descriptor.name === provider);
  if (!p) throw new Error(`${provider} is not configured`);
  const scope = { provider, kind: p.descriptor.scopeKind, id };
  return { provider: p, scope, key: scopeKey(scope) };
}
const zone = (id: string) => source("cloudflare", id);
const project = (id: string) => source("gjirafa", id);

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
    const plan = planRun({ sources: targets, state, available, now: 10 });
    expect(plan.selected.map((t) => t.scope.id)).toEqual(selected);
    expect(plan.skipped.map((s) => s.source.scope.id).sort()).toEqual(
      targets
        .map((t) => t.scope.id)
        .filter((id) => !selected.includes(id))
        .sort(),
    );
  });
});
