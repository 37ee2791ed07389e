/**
 * Rotation through the whole gateway (docs/writes.md "Rotation"): POST /v1/certificates/{id}/rotate
 * starts the RotationWorkflow, GET /v1/operations/{id} follows it to `done` against the Cloudflare
 * simulator (the old pack deleted only after the new one is active), DELETE cancels without deleting.
 * Refusals: 404 unknown pack, 409 not replaceable, 409 quota_exhausted, 409 rotation_in_progress, 422 for
 * Gjirafa. Everything is audited.
 *
 * The Workflow instance runs in this test's isolate with the runtime's env object (as in
 * test/rotation/workflow.test.ts): the test configures that env as the gateway's, and answers the
 * instance's outbound fetch with the gateway's Cloudflare simulator, moving the simulator's clock five
 * minutes per request so the replacement goes through its lifecycle while the instance polls (one
 * real second apart: ROTATION_POLL_*_SECONDS=1).
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { STALL_DOMAIN } from "../../sandbox";
import { CLOUDFLARE_BASE } from "../helpers/env";
import {
  BASIC,
  clearKv,
  EXAMPLE,
  type Gateway,
  gateway,
  LAB,
  PROJECT,
  packId,
  ROUTE_KEYS,
  SHOP,
  UNKNOWN_PACK,
} from "../routes/helpers";

interface Operation {
  id: string;
  provider: string;
  zone: string;
  state: string;
  reason: string | null;
  old_certificate: { id: string; hosts: string[]; deleted: boolean };
  new_certificate: { id: string; provider_status: string | null; left_in_place: boolean } | null;
  validation_records: Array<Record<string, unknown>>;
  history: Array<{ state: string }>;
}
interface Answer<T> {
  result: T;
  errors: Array<{ code: string; operation_id?: string; current_status?: string }>;
}

const shared = env as unknown as Record<string, unknown>;
let restore: () => void = () => {};

beforeEach(clearKv);
afterEach(() => {
  vi.restoreAllMocks();
  restore();
});

const POLL = { ROTATION_POLL_INITIAL_SECONDS: "1", ROTATION_POLL_MAX_SECONDS: "1" };

/** A gateway whose configuration the Workflow shares, and whose simulator answers the Workflow. */
function world(): Gateway {
  const gw = gateway(POLL);
  const vars = Object.entries(gw.env as unknown as Record<string, unknown>).filter(
    (e): e is [string, string] => typeof e[1] === "string",
  );
  const before = new Map(vars.map(([k]) => [k, shared[k]] as const));
  for (const [k, v] of vars) shared[k] = v;
  restore = () => {
    for (const [k, v] of before) {
      if (v === undefined) delete shared[k];
      else shared[k] = v;
    }
  };
  const origin = new URL(CLOUDFLARE_BASE).origin;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== origin) throw new TypeError(`no test route for ${request.url}`);
    gw.clock.advance(5 * 60_000);
    return gw.sims.cloudflare.fetch(request);
  });
  vi.spyOn(console, "log").mockImplementation(() => {});
  return gw;
}

const rotatePath = (zone: string, pack: string) => `/v1/certificates/cloudflare:${zone}:${pack}/rotate`;

/** Reads the operation until `done(state)` or 20 seconds. */
async function follow(gw: Gateway, id: string, until: (op: Operation) => boolean): Promise<Operation> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await gw.json<Answer<Operation>>("GET", `/v1/operations/${id}`, { key: ROUTE_KEYS.reader });
    expect(res.status).toBe(200);
    if (until(res.body.result)) return res.body.result;
    if (Date.now() > deadline) throw new Error(`operation stuck in ${res.body.result.state}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a rotation from order to done", () => {
  it("orders the same pack, waits until it is active, then deletes the old one; all audited", async () => {
    const gw = world();
    const old = packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");
    const oldPack = gw.sims.cloudflare.pack(EXAMPLE, old);
    const started = await gw.json<Answer<Operation>>("POST", rotatePath(EXAMPLE, old), {
      key: ROUTE_KEYS.writer,
      headers: { "Idempotency-Key": "rotate-1" },
    });
    expect(started.status).toBe(202);
    const op = started.body.result;
    expect(started.headers.get("location")).toBe(`/v1/operations/${op.id}`);
    expect(op).toMatchObject({
      provider: "cloudflare",
      zone: EXAMPLE,
      state: "ordering",
      old_certificate: { id: `cloudflare:${EXAMPLE}:${old}`, deleted: false },
    });
    // The same key again: the same operation, not a second rotation.
    const again = await gw.json<Answer<Operation>>("POST", rotatePath(EXAMPLE, old), {
      key: ROUTE_KEYS.writer,
      headers: { "Idempotency-Key": "rotate-1" },
    });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.result.id).toBe(op.id);

    const done = await follow(gw, op.id, (o) => o.state === "done" || o.state === "failed");
    expect(done.state).toBe("done");
    expect(done.history.map((h) => h.state)).toEqual([
      "ordering",
      "awaiting_validation",
      "active",
      "deleting_old",
      "done",
    ]);
    expect(done.old_certificate.deleted).toBe(true);
    const newId = done.new_certificate?.id.split(":")[2] ?? "";
    const replacement = gw.sims.cloudflare.pack(EXAMPLE, newId);
    expect(replacement).toMatchObject({
      status: "active",
      hosts: oldPack?.hosts,
      certificate_authority: oldPack?.certificate_authority,
      validity_days: oldPack?.validity_days,
      validation_method: oldPack?.validation_method,
    });
    // Upstream, in the simulator's own log and clock: one order, one DELETE (of the old pack), after
    // the replacement went active.
    expect(gw.sims.cloudflare.count("POST", "/ssl/certificate_packs/order")).toBe(1);
    const deletes = gw.sims.cloudflare.calls({ method: "DELETE" });
    expect(deletes.map((c) => c.path.endsWith(`/${old}`))).toEqual([true]);
    expect(deletes[0]?.at).toBeGreaterThanOrEqual(
      Date.parse(replacement?.certificates[0]?.uploaded_on ?? ""),
    );
    expect(gw.sims.cloudflare.pack(EXAMPLE, old)?.status).toBe("deleted");

    const audit = await gw.json<Answer<Array<Record<string, unknown>>>>(
      "GET",
      `/v1/audit?certificate=cloudflare:${EXAMPLE}:${old}`,
      { key: ROUTE_KEYS.admin },
    );
    // Sorted: the Workflow stamps its records with the platform's clock, the gateway with the test's.
    const actions = audit.body.result.map((r) => [r.action, r.actor, r.door]).sort();
    expect(actions).toEqual([
      ["certificate.rotate", "writer", "v1"],
      ["certificate.rotate", "writer", "v1"],
      ["rotation.delete_old", "writer", "workflow"],
      ["rotation.order", "writer", "workflow"],
    ]);
  });
});

describe("refusals", () => {
  it("409 quota_exhausted when the zone's quota has no room, before anything is ordered or recorded", async () => {
    const gw = world();
    gw.sims.cloudflare.setZone(SHOP, { allocated: 9 });
    const pack = packId(gw, SHOP, (p) => p.status === "active");
    const res = await gw.json<Answer<null>>("POST", rotatePath(SHOP, pack), { key: ROUTE_KEYS.writer });
    expect(res.status).toBe(409);
    expect(res.body.errors[0]?.code).toBe("quota_exhausted");
    expect(gw.sims.cloudflare.count("POST")).toBe(0);
  });

  it.each([
    ["an unknown pack", () => UNKNOWN_PACK, 404, "not_found"],
    [
      "a universal pack",
      (gw: Gateway) => packId(gw, EXAMPLE, (p) => p.type === "universal"),
      409,
      "conflict",
    ],
  ] as const)("%s", async (_name, pick, status, code) => {
    const gw = world();
    const res = await gw.json<Answer<null>>("POST", rotatePath(EXAMPLE, pick(gw)), {
      key: ROUTE_KEYS.writer,
    });
    expect(res.status).toBe(status);
    expect(res.body.errors[0]?.code).toBe(code);
    expect(gw.sims.cloudflare.count("POST")).toBe(0);
  });

  it("a Gjirafa certificate: 422 not_supported_by_provider, nothing sent", async () => {
    const gw = world();
    const cert = gw.sims.gjirafa.certificates(PROJECT)[0];
    const res = await gw.json<Answer<null>>(
      "POST",
      `/v1/certificates/gjirafa:${PROJECT}:${cert?.id}/rotate`,
      {
        key: ROUTE_KEYS.writer,
      },
    );
    expect(res.status).toBe(422);
    expect(res.body.errors[0]?.code).toBe("not_supported_by_provider");
    expect(gw.upstreamCalls()).toBe(0);
  });

  it("a zone the key does not hold: 403 for the start and for the operation, whether or not it exists", async () => {
    const gw = world();
    const pack = packId(gw, SHOP, (p) => p.status === "active");
    const res = await gw.json<Answer<null>>("POST", rotatePath(SHOP, pack), { key: ROUTE_KEYS.exampleOnly });
    expect(res.status).toBe(403);
    const op = `rot-${BASIC}-0123456789abcdef`;
    const read = await gw.json<Answer<null>>("GET", `/v1/operations/${op}`, { key: ROUTE_KEYS.exampleOnly });
    expect(read.status).toBe(403);
    const mine = await gw.json<Answer<null>>("GET", `/v1/operations/rot-${EXAMPLE}-0123456789abcdef`, {
      key: ROUTE_KEYS.exampleOnly,
    });
    expect(mine.status).toBe(404);
    expect((await gw.json("GET", "/v1/operations/not-an-operation", { key: ROUTE_KEYS.reader })).status).toBe(
      400,
    );
  });
});

describe("one live rotation per pack, and cancel", () => {
  it("a second start is 409 rotation_in_progress; DELETE cancels, never deletes the old pack", async () => {
    const gw = world();
    const seeded = gw.sims.cloudflare.seedPack(LAB, {
      hosts: ["certgate.test", `www.${STALL_DOMAIN}`],
      status: "active",
      certificateAuthority: "lets_encrypt",
      validityDays: 90,
      validationMethod: "txt",
    });
    const old = String(seeded.id);
    const first = await gw.json<Answer<Operation>>("POST", rotatePath(LAB, old), { key: ROUTE_KEYS.writer });
    expect(first.status).toBe(202);
    const id = first.body.result.id;
    const second = await gw.json<Answer<null>>("POST", rotatePath(LAB, old), { key: ROUTE_KEYS.writer });
    expect(second.status).toBe(409);
    expect(second.body.errors[0]).toMatchObject({ code: "rotation_in_progress", operation_id: id });

    // The replacement of a stall host stays pending_validation: the operation shows what to publish.
    const waiting = await follow(
      gw,
      id,
      (o) => o.state === "awaiting_validation" && o.validation_records.length > 0,
    );
    expect(waiting.validation_records.map((r) => r.txt_name)).toContain(
      `_acme-challenge.www.${STALL_DOMAIN}`,
    );

    const reader = await gw.json<Answer<null>>("DELETE", `/v1/operations/${id}`, { key: ROUTE_KEYS.reader });
    expect(reader.status).toBe(403);
    const cancelled = await gw.json<Answer<Operation>>("DELETE", `/v1/operations/${id}`, {
      key: ROUTE_KEYS.writer,
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.result).toMatchObject({
      state: "cancelled",
      old_certificate: { deleted: false },
      new_certificate: { left_in_place: true },
    });
    const again = await gw.json<Answer<Operation>>("DELETE", `/v1/operations/${id}`, {
      key: ROUTE_KEYS.writer,
    });
    expect(again.status).toBe(200);
    expect(again.body.result.state).toBe("cancelled");
    expect(gw.sims.cloudflare.count("DELETE")).toBe(0);
    expect(gw.sims.cloudflare.pack(LAB, old)?.status).toBe("active");

    const audit = await gw.json<Answer<Array<Record<string, unknown>>>>(
      "GET",
      `/v1/audit?certificate=cloudflare:${LAB}:${old}`,
      { key: ROUTE_KEYS.admin },
    );
    const actions = audit.body.result.map((r) => [
      r.action,
      r.actor,
      (r.outcome as { status: number }).status,
    ]);
    expect(actions.sort()).toEqual([
      ["certificate.rotate", "writer", 202],
      ["certificate.rotate", "writer", 409],
      ["operation.cancel", "writer", 200],
      ["operation.cancel", "writer", 200],
      ["rotation.order", "writer", 200],
    ]);
  });
});
