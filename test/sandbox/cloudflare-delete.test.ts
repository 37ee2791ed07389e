/**
 * Cloudflare simulator: deletion (domain.md: a deleted pack answers 200 "deleted" for a while, then 404;
 * deleting a pack mid-deletion answers 1406) and seeding packs in any state.
 */
import { describe, expect, it } from "vitest";
import { CF_CODES, DAY, DEFAULT_TIMINGS, MINUTE } from "../../sandbox/index";
import { type CfPack, cloudflareHarness, ZONE } from "./cf-harness";

const T = DEFAULT_TIMINGS;

async function statusAfter(h: ReturnType<typeof cloudflareHarness>, id: string) {
  return (await h.call<CfPack>("GET", `${h.packsPath()}/${id}`)).body.result;
}

describe("DELETE", () => {
  it("deletes a live pack: 200 {id}, then GET answers deleted until the retention passes, then 404", async () => {
    const h = cloudflareHarness();
    const pack = h.sim.seedPack(ZONE.id, { hosts: ["example.com"], status: "active" });
    const id = pack.id;
    const res = await h.call("DELETE", `${h.packsPath()}/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual({ id });

    const deleted = await statusAfter(h, id);
    expect(deleted.status).toBe("deleted");
    expect(
      (await h.call<CfPack[]>("GET", `${h.packsPath()}?status=all`)).body.result.map((p) => p.id),
    ).toEqual([id]);
    expect((await h.call<CfPack[]>("GET", h.packsPath())).body.result).toEqual([]);

    h.clock.advance(T.deletedRetentionMs - 1);
    expect((await statusAfter(h, id)).status).toBe("deleted");
    h.clock.advance(1);
    const gone = await h.call("GET", `${h.packsPath()}/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0]?.code).toBe(CF_CODES.packNotFound);
    expect((await h.call("DELETE", `${h.packsPath()}/${id}`)).status).toBe(404);
  });

  it.each(["deleted", "pending_deletion"] as const)(
    "answers 1406 when deleting a pack that is %s",
    async (status) => {
      const h = cloudflareHarness();
      const pack = h.sim.seedPack(ZONE.id, { hosts: ["example.com"], status });
      const res = await h.call("DELETE", `${h.packsPath()}/${pack.id}`);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ code: 1406, message: "Bad response certificate service" }]);
    },
  );

  it("answers 1406 on a second DELETE of the same pack", async () => {
    const h = cloudflareHarness();
    const { id } = (await h.order(["example.com"])).body.result;
    expect((await h.call("DELETE", `${h.packsPath()}/${id}`)).status).toBe(200);
    expect((await h.call("DELETE", `${h.packsPath()}/${id}`)).body.errors[0]?.code).toBe(
      CF_CODES.badResponseCertificateService,
    );
  });

  it("refuses to delete a Cloudflare-managed (universal) pack", async () => {
    const h = cloudflareHarness();
    const pack = h.sim.seedPack(ZONE.id, { hosts: ["example.com"], status: "active", type: "universal" });
    expect((await h.call("DELETE", `${h.packsPath()}/${pack.id}`)).body.errors[0]?.code).toBe(
      CF_CODES.notAdvanced,
    );
  });

  it("honours a custom deleted retention", async () => {
    const h = cloudflareHarness({ timings: { deletedRetentionMs: MINUTE } });
    const { id } = (await h.order(["example.com"])).body.result;
    await h.call("DELETE", `${h.packsPath()}/${id}`);
    h.clock.advance(MINUTE);
    expect((await h.call("GET", `${h.packsPath()}/${id}`)).status).toBe(404);
  });
});

describe("seeding", () => {
  it("places packs in any state with any expiry", async () => {
    const h = cloudflareHarness();
    const now = h.clock.now();
    const near = h.sim.seedPack(ZONE.id, {
      hosts: ["example.com"],
      status: "active",
      expiresOn: now + 5 * DAY,
    });
    const certs = near.certificates;
    expect(Date.parse(certs[0]?.expires_on ?? "")).toBe(now + 5 * DAY);
    expect(Date.parse(certs[0]?.uploaded_on ?? "")).toBe(now + 5 * DAY - 90 * DAY);

    const expired = h.sim.seedPack(ZONE.id, {
      hosts: ["example.com"],
      status: "expired",
      expiresOn: now - DAY,
    });
    expect(expired.certificates[0]?.status).toBe("expired");

    const stuck = h.sim.seedPack(ZONE.id, {
      hosts: ["example.com"],
      status: "pending_validation",
      since: now - 3 * DAY,
    });
    h.clock.advance(DAY);
    expect(h.sim.pack(ZONE.id, stuck.id)?.status).toBe("pending_validation");

    const moving = h.sim.seedPack(ZONE.id, {
      hosts: ["example.com"],
      status: "pending_issuance",
      advance: true,
    });
    h.clock.advance(T.issuanceMs + T.deploymentMs);
    expect(h.sim.pack(ZONE.id, moving.id)?.status).toBe("active");

    h.clock.advance(5 * DAY);
    expect(h.sim.pack(ZONE.id, near.id)?.status).toBe("expired");
  });

  it("rejects a seed into an unknown zone and a malformed zone id", () => {
    const h = cloudflareHarness();
    expect(() => h.sim.seedPack("f".repeat(32), { hosts: ["x.com"], status: "active" })).toThrow(
      /unknown zone/,
    );
    expect(() => h.sim.addZone({ id: "nope", name: "x.com" })).toThrow(/32 lowercase hex/);
  });
});
