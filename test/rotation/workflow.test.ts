/**
 * RotationWorkflow inside the Workers runtime (vitest-pool-workers' Workflows support): started the way
 * the API will start it (startRotation), with the port it builds from its env at run time over the real
 * client, against the Cloudflare simulator. `introspectWorkflowInstance` waits on its steps and status.
 *
 * The Workflow runs in this test's isolate and receives the same env object, so the test configures it
 * as a deployment would (vars and secrets, restored afterwards), and answers its outbound fetch with the
 * simulator (the main worker shares the test's globals). The simulator's clock moves one minute per
 * request, so a pack goes through its lifecycle while the instance polls.
 */
import { env, introspectWorkflowInstance } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCloudflareSimulator, createManualClock, instantSleep, type PackSeed } from "../../sandbox";
import { createConfigLoader } from "../../src/config/load";
import { productionDeps } from "../../src/deps";
import { createRegistry } from "../../src/providers/registry";
import { cancelRotation } from "../../src/rotation/cancel";
import { newOperationId } from "../../src/rotation/ids";
import { ledgerFor } from "../../src/rotation/ledger-journal";
import type { RotationPort } from "../../src/rotation/port";
import { RotationSettingsSchema } from "../../src/rotation/settings";
import { startRotation } from "../../src/rotation/start";
import { operationView } from "../../src/rotation/view";
import { rotationPortFor } from "../../src/service/rotations";
import { CLOUDFLARE_BASE, testEnv, UPSTREAM_CLOUDFLARE_TOKEN, ZONE_A, ZONE_B } from "../helpers/env";

const OLD: PackSeed = {
  hosts: ["example.com", "www.example.com"],
  status: "active",
  certificateAuthority: "google",
  validityDays: 90,
  validationMethod: "http",
};

const shared = env as unknown as Record<string, unknown>;
let restoreEnv: () => void = () => {};

beforeEach(() => {
  // The worker's configuration, as `wrangler secret put` and [vars] would give it.
  const vars = testEnv() as unknown as Record<string, unknown>;
  const before = new Map(Object.keys(vars).map((k) => [k, shared[k]] as const));
  for (const [k, v] of Object.entries(vars)) if (typeof v === "string") shared[k] = v;
  restoreEnv = () => {
    for (const [k, v] of before) {
      if (v === undefined) delete shared[k];
      else shared[k] = v;
    }
  };
});

afterEach(() => {
  vi.restoreAllMocks();
  restoreEnv();
});

function upstream() {
  const clock = createManualClock(Date.parse("2026-12-14T09:00:00Z"));
  const cf = createCloudflareSimulator({
    zones: [
      { id: ZONE_A, name: "example.com" },
      // Hosts under stall.certgate.test stay pending_validation in the simulator.
      { id: ZONE_B, name: "stall.certgate.test" },
    ],
    credentials: [{ token: UPSTREAM_CLOUDFLARE_TOKEN }],
    now: clock.now,
    sleep: instantSleep,
  });
  // The Workflow logs through the production logger (console.log): kept here, checked for secrets.
  const logs: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void logs.push(String(line)));
  const origin = new URL(CLOUDFLARE_BASE).origin;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== origin) throw new TypeError(`no test route for ${request.url}`);
    clock.advance(60_000);
    return cf.fetch(request);
  });
  return { clock, cf, logs };
}

/** The port the Workflow itself builds: the deployment's configuration, Cloudflare's rotation capability. */
function portFromEnv(operationId: string): RotationPort {
  const loaded = createConfigLoader(createRegistry())(env);
  if (!loaded.ok) throw new Error(`config: ${loaded.settings.map((s) => s.name).join(", ")}`);
  const port = rotationPortFor(loaded.config, productionDeps(), "cloudflare", operationId);
  if (!port) throw new Error("Cloudflare has no rotation capability");
  return port;
}

async function start(zone: string, oldPackId: string, settings = {}) {
  const operationId = newOperationId(zone);
  const result = await startRotation({
    port: portFromEnv(operationId),
    provider: "cloudflare",
    ledger: ledgerFor(env.ROTATION_LEDGER, zone),
    workflow: env.ROTATION,
    operationId,
    zone,
    oldPackId,
    settings: RotationSettingsSchema.parse(settings),
    now: Date.now(),
  });
  if (result.refused) throw new Error(`refused: ${result.message}`);
  return operationId;
}

describe("RotationWorkflow", () => {
  it("runs a rotation to done: the old pack is deleted after the replacement is active", async () => {
    const { cf, logs } = upstream();
    const old = cf.seedPack(ZONE_A, OLD);
    const id = newOperationId(ZONE_A);
    await using instance = await introspectWorkflowInstance(env.ROTATION, id);
    await instance.modify(async (m) => {
      await m.disableSleeps();
    });
    // startRotation picks its own id; this test needs the one it introspects, so it starts by hand.
    const ledger = ledgerFor(env.ROTATION_LEDGER, ZONE_A);
    await ledger.begin({
      id,
      provider: "cloudflare",
      zone: ZONE_A,
      old_pack_id: old.id,
      hosts: old.hosts,
      now: Date.now(),
    });
    await env.ROTATION.create({ id, params: { provider: "cloudflare", zone: ZONE_A, old_pack_id: old.id } });

    const ordered = await instance.waitForStepResult({ name: "order-replacement" });
    expect(ordered).toMatchObject({ kind: "ordered", adopted: false, newPackId: expect.any(String) });
    await expect(instance.waitForStepResult({ name: "check-coverage" })).resolves.toEqual({
      kind: "covered",
    });
    await instance.waitForStatus("complete");
    const output = await instance.getOutput();
    expect(output).toMatchObject({ state: "done", reason: null });

    const record = await ledger.read(id);
    expect(record?.history.map((h) => h.state)).toEqual([
      "ordering",
      "awaiting_validation",
      "active",
      "deleting_old",
      "done",
    ]);
    const newId = record?.new_pack_id ?? "";
    expect(cf.pack(ZONE_A, newId)?.status).toBe("active");
    expect(cf.pack(ZONE_A, old.id)?.status).toBe("deleted");
    expect(cf.count("POST", "/ssl/certificate_packs/order")).toBe(1);
    const deleted = cf.calls({ method: "DELETE" })[0];
    const activeSince = Date.parse(cf.pack(ZONE_A, newId)?.certificates[0]?.uploaded_on ?? "");
    expect(deleted?.at).toBeGreaterThanOrEqual(activeSince);
    // Every upstream call was logged, and the upstream token never was.
    expect(logs.filter((l) => l.includes('"event":"upstream_call"')).length).toBeGreaterThan(5);
    expect(logs.join("\n")).not.toContain(UPSTREAM_CLOUDFLARE_TOKEN);
    if (record) {
      expect(operationView(record)).toMatchObject({
        state: "done",
        old_certificate: { id: `cloudflare:${ZONE_A}:${old.id}`, deleted: true },
        new_certificate: {
          id: `cloudflare:${ZONE_A}:${newId}`,
          provider_status: "active",
          left_in_place: false,
        },
      });
    }
  });

  it("a cancel while awaiting validation stops the instance and leaves the old pack in place", async () => {
    const { cf } = upstream();
    const old = cf.seedPack(ZONE_B, { ...OLD, hosts: ["stall.certgate.test", "www.stall.certgate.test"] });
    const id = await start(ZONE_B, old.id, { pollInitialMs: 60_000 });
    await using instance = await introspectWorkflowInstance(env.ROTATION, id);
    // The instance is sleeping a minute after its first poll: the replacement is pending_validation.
    await expect(instance.waitForStepResult({ name: "poll-1" })).resolves.toMatchObject({ kind: "waiting" });
    const ledger = ledgerFor(env.ROTATION_LEDGER, ZONE_B);
    const during = await ledger.read(id);
    expect(during).toMatchObject({ state: "awaiting_validation", new_pack_status: "pending_validation" });
    expect(during?.validation_records.map((r) => r.http_url?.split("/.well-known/")[0])).toEqual([
      "http://stall.certgate.test",
      "http://www.stall.certgate.test",
    ]);

    const answer = await cancelRotation({ ledger, workflow: env.ROTATION, operationId: id, now: Date.now() });
    expect(answer).toMatchObject({
      outcome: "cancelled",
      instance: "terminated",
      record: { state: "cancelled" },
    });
    await instance.waitForStatus("terminated");

    const newId = during?.new_pack_id ?? "";
    expect(cf.pack(ZONE_B, old.id)?.status).toBe("active");
    expect(cf.pack(ZONE_B, newId)?.status).toBe("pending_validation");
    expect(cf.count("DELETE")).toBe(0);
    const after = await ledger.read(id);
    expect(after?.message).toBe(
      `cancelled; the old pack is untouched and the replacement ${newId} is left in place`,
    );
    if (after) expect(operationView(after).new_certificate).toMatchObject({ left_in_place: true });
    // A second cancel changes nothing; the pack can be rotated again.
    const again = await cancelRotation({ ledger, workflow: env.ROTATION, operationId: id, now: Date.now() });
    expect(again).toMatchObject({ outcome: "already_final", instance: "unchanged" });
  });

  it("refuses a second rotation of a pack while the first is live", async () => {
    const { cf } = upstream();
    const old = cf.seedPack(ZONE_B, { ...OLD, hosts: ["stall.certgate.test"] });
    const first = await start(ZONE_B, old.id, { pollInitialMs: 60_000 });
    await using instance = await introspectWorkflowInstance(env.ROTATION, first);
    await instance.waitForStepResult({ name: "poll-1" });
    const second = await startRotation({
      port: portFromEnv("x"),
      provider: "cloudflare",
      ledger: ledgerFor(env.ROTATION_LEDGER, ZONE_B),
      workflow: env.ROTATION,
      operationId: newOperationId(ZONE_B),
      zone: ZONE_B,
      oldPackId: old.id,
      settings: RotationSettingsSchema.parse({}),
      now: Date.now(),
    });
    expect(second).toMatchObject({
      refused: true,
      code: "rotation_in_progress",
      status: 409,
      operation: { id: first },
    });
    await cancelRotation({
      ledger: ledgerFor(env.ROTATION_LEDGER, ZONE_B),
      workflow: env.ROTATION,
      operationId: first,
      now: Date.now(),
    });
    await instance.waitForStatus("terminated");
  });
});
