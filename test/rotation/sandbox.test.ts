/**
 * A rotation against the sandbox's Cloudflare simulator, on its manual clock, through the real client
 * (the upstream core, zod on every answer): the port over client.ts, the RotationLedger object, and the
 * Workflow-like runner whose sleeps move the clock. The simulator, not the engine, says when the
 * replacement went active (its certificates' upload time) and when the DELETE arrived (its call log).
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createCloudflareSimulator, createManualClock, instantSleep, type PackSeed } from "../../sandbox";
import { createConfigLoader } from "../../src/config/load";
import { createRegistry } from "../../src/providers/registry";
import { runRotation } from "../../src/rotation/engine";
import { newOperationId } from "../../src/rotation/ids";
import type { RotationJournal } from "../../src/rotation/journal";
import { ledgerFor, ledgerJournal } from "../../src/rotation/ledger-journal";
import type { Transition } from "../../src/rotation/operation";
import { RotationSettingsSchema } from "../../src/rotation/settings";
import { startRotation } from "../../src/rotation/start";
import { rotationPortFor } from "../../src/service/rotations";
import { routedFetch, testDeps } from "../helpers/deps";
import { CLOUDFLARE_BASE, testEnv, UPSTREAM_CLOUDFLARE_TOKEN, ZONE_A, ZONE_B } from "../helpers/env";
import { MemoryRunner } from "./runner";

const OLD: PackSeed = {
  hosts: ["example.com", "www.example.com", "*.example.com"],
  status: "active",
  certificateAuthority: "lets_encrypt",
  validityDays: 90,
  validationMethod: "txt",
};

function sandbox(allocated = 10) {
  const clock = createManualClock(Date.parse("2026-12-14T09:00:00Z"));
  const cf = createCloudflareSimulator({
    zones: [
      { id: ZONE_A, name: "example.com", allocated },
      // Hosts under timeout.certgate.test never validate in the simulator: they end validation_timed_out.
      { id: ZONE_B, name: "timeout.certgate.test" },
    ],
    credentials: [{ token: UPSTREAM_CLOUDFLARE_TOKEN }],
    now: clock.now,
    sleep: instantSleep,
  });
  const fetch = routedFetch({ [new URL(CLOUDFLARE_BASE).origin]: (r) => cf.fetch(r) });
  const deps = testDeps({ fetch, now: clock.now });
  const parsed = createConfigLoader(createRegistry())(testEnv());
  if (!parsed.ok) throw new Error("test config does not parse");
  // The port the Workflow uses: Cloudflare's rotation capability, reached through the registry.
  const port = rotationPortFor(parsed.config, deps, "cloudflare", "rotation-test");
  if (!port) throw new Error("Cloudflare has no rotation capability");
  const old = cf.seedPack(ZONE_A, OLD);
  const id = newOperationId(ZONE_A);
  const stub = ledgerFor(env.ROTATION_LEDGER, ZONE_A);
  const transitions: Transition[] = [];
  const ledger = ledgerJournal(stub, id);
  const journal: RotationJournal = {
    read: ledger.read,
    move: (t) => {
      transitions.push(t);
      return ledger.move(t);
    },
  };
  const runner = new MemoryRunner(
    { now: clock.now, advance: (ms) => void clock.advance(ms) },
    { crashes: [], cancelBefore: null },
    async () => "continue",
  );
  const run = async () => {
    await stub.begin({
      id,
      provider: "cloudflare",
      zone: ZONE_A,
      old_pack_id: old.id,
      hosts: old.hosts,
      now: clock.now(),
    });
    return runRotation(
      { operationId: id, zone: ZONE_A, oldPackId: old.id, settings: RotationSettingsSchema.parse({}) },
      { port, journal, runner, now: clock.now },
    );
  };
  return { clock, cf, port, stub, old, id, transitions, runner, run };
}

describe("rotation against the Cloudflare simulator", () => {
  it("goes order -> awaiting_validation -> active -> deleting_old -> done, deleting the old pack last", async () => {
    const s = sandbox();
    const outcome = await s.run();
    const record = await s.stub.read(s.id);
    expect(outcome).toMatchObject({ state: "done", reason: null });
    expect(record?.history.map((h) => h.state)).toEqual([
      "ordering",
      "awaiting_validation",
      "active",
      "deleting_old",
      "done",
    ]);

    const newId = record?.new_pack_id ?? "";
    const replacement = s.cf.pack(ZONE_A, newId);
    // The order: same hosts, authority, validity and method; exactly one.
    expect(s.cf.count("POST", "/ssl/certificate_packs/order")).toBe(1);
    expect(s.cf.calls({ method: "POST" })[0]?.body).toEqual({
      type: "advanced",
      hosts: OLD.hosts,
      validation_method: "txt",
      validity_days: 90,
      certificate_authority: "lets_encrypt",
    });
    expect(replacement).toMatchObject({
      status: "active",
      hosts: OLD.hosts,
      certificate_authority: "lets_encrypt",
    });

    // While it validated, the operation showed the simulator's own records, one TXT per host.
    const pending = s.transitions.find((t) => t.new_pack_status === "pending_validation");
    expect(pending?.validation_records?.map((r) => r.txt_name)).toEqual([
      "_acme-challenge.example.com",
      "_acme-challenge.www.example.com",
      "_acme-challenge.example.com",
    ]);
    expect(
      pending?.validation_records?.every((r) => typeof r.txt_value === "string" && r.txt_value.length > 10),
    ).toBe(true);
    expect(pending?.dcv_delegation_records?.length).toBeGreaterThan(0);

    // The old pack went only after the replacement was serving, by the simulator's clock and log.
    expect(s.cf.pack(ZONE_A, s.old.id)?.status).toBe("deleted");
    const deletes = s.cf.calls({ method: "DELETE" });
    expect(deletes.map((c) => c.path.endsWith(`/${s.old.id}`))).toEqual([true]);
    const activeSince = Date.parse(replacement?.certificates[0]?.uploaded_on ?? "");
    expect(deletes[0]?.at).toBeGreaterThanOrEqual(activeSince);
    expect(s.cf.quota(ZONE_A).used).toBe(1);
  });

  it("an order whose connection dropped after Cloudflare acted is found by listing, not placed twice", async () => {
    const s = sandbox();
    s.cf.faults.add({
      method: "POST",
      path: "/ssl/certificate_packs/order",
      times: 1,
      fault: { kind: "reset", afterProcessing: true },
    });
    const outcome = await s.run();
    expect(outcome.state).toBe("done");
    expect(s.cf.count("POST", "/ssl/certificate_packs/order")).toBe(1);
    expect(s.cf.packs(ZONE_A).filter((p) => p.status !== "deleted")).toHaveLength(1);
  });

  it("5xx and 429 answers are retried; the rotation still ends done with one order", async () => {
    const s = sandbox();
    s.cf.faults.add({ method: "GET", times: 3, fault: { kind: "status", status: 503 } });
    s.cf.faults.add({ method: "DELETE", times: 1, fault: { kind: "rate_limited", retryAfter: 300 } });
    const outcome = await s.run();
    expect(outcome.state).toBe("done");
    expect(s.cf.count("POST", "/ssl/certificate_packs/order")).toBe(1);
    expect(s.cf.pack(ZONE_A, s.old.id)?.status).toBe("deleted");
  });

  it("a replacement whose validation times out is left in place, and the old pack stays", async () => {
    const s = sandbox();
    const old = s.cf.seedPack(ZONE_B, {
      ...OLD,
      hosts: ["timeout.certgate.test", "www.timeout.certgate.test"],
    });
    const id = newOperationId(ZONE_B);
    const stub = ledgerFor(env.ROTATION_LEDGER, ZONE_B);
    await stub.begin({
      id,
      provider: "cloudflare",
      zone: ZONE_B,
      old_pack_id: old.id,
      hosts: old.hosts,
      now: s.clock.now(),
    });
    const outcome = await runRotation(
      { operationId: id, zone: ZONE_B, oldPackId: old.id, settings: RotationSettingsSchema.parse({}) },
      { port: s.port, journal: ledgerJournal(stub, id), runner: s.runner, now: s.clock.now },
    );
    expect(outcome).toMatchObject({ state: "failed", reason: "validation_timed_out" });
    expect(s.cf.pack(ZONE_B, outcome.new_pack_id ?? "")?.status).toBe("validation_timed_out");
    expect(s.cf.pack(ZONE_B, old.id)?.status).toBe("active");
    expect(s.cf.count("DELETE")).toBe(0);
  });
});

describe("starting a rotation against the simulator", () => {
  const start = (s: ReturnType<typeof sandbox>, oldPackId: string) =>
    startRotation({
      port: s.port,
      ledger: s.stub,
      workflow: env.ROTATION,
      operationId: newOperationId(ZONE_A),
      provider: "cloudflare",
      zone: ZONE_A,
      oldPackId,
      settings: RotationSettingsSchema.parse({}),
      now: s.clock.now(),
    });

  it("refuses with 409 quota_exhausted before anything is ordered or recorded", async () => {
    const s = sandbox(1);
    const result = await start(s, s.old.id);
    expect(result).toMatchObject({ refused: true, code: "quota_exhausted", status: 409 });
    expect(s.cf.count("POST")).toBe(0);
  });

  it.each([
    ["an unknown pack", "0123456789abcdef0123456789abcdee", "not_found", 404],
    ["a universal pack", "universal", "not_replaceable", 409],
    ["a deleted pack", "deleted", "not_replaceable", 409],
  ] as const)("refuses %s", async (_name, which, code, status) => {
    const s = sandbox();
    const id =
      which === "universal"
        ? s.cf.seedPack(ZONE_A, { ...OLD, type: "universal" }).id
        : which === "deleted"
          ? s.cf.seedPack(ZONE_A, { ...OLD, status: "deleted" }).id
          : which;
    expect(await start(s, id)).toMatchObject({ refused: true, code, status });
    expect(s.cf.count("POST")).toBe(0);
  });
});
