/**
 * One rotation under a scenario: the engine against the scripted zone (fake-upstream.ts), the real
 * RotationLedger Durable Object as its journal, and the Workflow-like runner (runner.ts) that crashes,
 * cancels and restarts as planned. Shared by the invariant property and the example tests.
 */
import { env } from "cloudflare:test";
import { createManualClock } from "../../sandbox";
import { type RotationOutcome, runRotation } from "../../src/rotation/engine";
import type { RotationJournal } from "../../src/rotation/journal";
import { ledgerJournal } from "../../src/rotation/ledger-journal";
import type { OperationRecord, Transition } from "../../src/rotation/operation";
import type { OrderRequest } from "../../src/rotation/port";
import type { RotationSettings } from "../../src/rotation/settings";
import { FakeZone, type Fault } from "./fake-upstream";
import { Crash, MemoryRunner, type RunnerPlan, Terminated } from "./runner";

export const T0 = Date.parse("2026-12-14T09:00:00Z");
export const SETTINGS: RotationSettings = {
  pollInitialMs: 60_000,
  pollMaxMs: 600_000,
  validationTimeoutMs: 2 * 3_600_000,
};

export const ENDINGS = [
  "active",
  "backup_issued",
  "validation_timed_out",
  "issuance_timed_out",
  "stall",
] as const;
export type Ending = (typeof ENDINGS)[number];

export function scriptOf(validations: number, ending: Ending): string[] {
  const pending = Array.from({ length: validations }, () => "pending_validation");
  switch (ending) {
    case "stall":
      return ["initializing", "pending_validation"];
    case "validation_timed_out":
      return ["initializing", ...pending, "validation_timed_out"];
    case "issuance_timed_out":
      return ["initializing", ...pending, "pending_issuance", "issuance_timed_out"];
    default:
      return ["initializing", ...pending, "pending_issuance", "pending_deployment", ending];
  }
}

export interface Scenario {
  hosts: string[];
  ca: OrderRequest["certificateAuthority"];
  validity: OrderRequest["validityDays"];
  method: OrderRequest["validationMethod"];
  /** Packs that existed before: true = same authority, validity and method as the order (a decoy). */
  decoys: boolean[];
  room: number;
  validations: number;
  ending: Ending;
  dropHost: boolean;
  oldDeletedAfterRead: number | null;
  quotaTakenBeforeOrder: boolean;
  faults: Fault[];
  crashes: RunnerPlan["crashes"];
  cancelBefore: number | null;
}

/** A rotation nothing disturbs: override what a test is about. */
export function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    hosts: ["example.com", "www.example.com"],
    ca: "lets_encrypt",
    validity: 90,
    method: "txt",
    decoys: [],
    room: 1,
    validations: 1,
    ending: "active",
    dropHost: false,
    oldDeletedAfterRead: null,
    quotaTakenBeforeOrder: false,
    faults: [],
    crashes: [],
    cancelBefore: null,
    ...overrides,
  };
}

export interface Result {
  s: Scenario;
  zone: FakeZone;
  record: OperationRecord;
  outcome: RotationOutcome | null;
  runner: MemoryRunner;
  /** Every transition the engine asked of the journal, in order. */
  transitions: Transition[];
  restarts: number;
  terminated: boolean;
}

let counter = 0;

export async function rotateUnderFaults(s: Scenario, settings: RotationSettings = SETTINGS): Promise<Result> {
  counter += 1;
  const id = `rot-test-${counter}-${crypto.randomUUID().slice(0, 8)}`;
  const oldId = `old${counter}`;
  const clock = createManualClock(T0);
  const stub = env.ROTATION_LEDGER.get(env.ROTATION_LEDGER.idFromName("engine-tests"));
  const ledger = ledgerJournal(stub, id);
  const transitions: Transition[] = [];
  const journal: RotationJournal = {
    read: () => ledger.read(),
    move: (t) => {
      transitions.push(t);
      return ledger.move(t);
    },
  };
  const cancel = async () => {
    const result = await stub.cancel(id, clock.now());
    if (result?.outcome === "cancelled") zone.cancelled = true;
    return result;
  };
  const zone: FakeZone = new FakeZone({
    zoneApex: "example.com",
    old: { id: oldId, hosts: s.hosts, ca: s.ca, validity: s.validity, method: s.method },
    others: s.decoys.map((sameSpec, i) => ({ id: `decoy${counter}x${i}`, hosts: s.hosts, sameSpec })),
    room: s.room,
    script: scriptOf(s.validations, s.ending),
    now: clock.now,
    dropHost: s.dropHost,
    oldDeletedAfterRead: s.oldDeletedAfterRead,
    quotaTakenBeforeOrder: s.quotaTakenBeforeOrder,
    faults: s.faults,
    ledgerState: async () => (await ledger.read()).state,
    cancel: async () => void (await cancel()),
  });
  // A cancel from the API terminates the instance once the replacement is known (cancel.ts).
  const runner = new MemoryRunner(clock, { crashes: s.crashes, cancelBefore: s.cancelBefore }, async () => {
    const result = await cancel();
    return result?.outcome === "cancelled" && result.record.new_pack_id !== null ? "terminate" : "continue";
  });
  await stub.begin({
    id,
    provider: "cloudflare",
    zone: "zone",
    old_pack_id: oldId,
    hosts: s.hosts,
    now: clock.now(),
  });
  const input = { operationId: id, zone: "zone", oldPackId: oldId, settings };
  let outcome: RotationOutcome | null = null;
  let restarts = 0;
  let terminated = false;
  for (;;) {
    try {
      outcome = await runRotation(input, { port: zone, journal, runner, now: clock.now });
      break;
    } catch (error) {
      if (error instanceof Terminated) {
        terminated = true;
        break;
      }
      if (!(error instanceof Crash) || restarts >= 40) throw error;
      restarts += 1;
      runner.restart();
    }
  }
  const record = await ledger.read();
  return { s, zone, record, outcome, runner, transitions, restarts, terminated };
}
