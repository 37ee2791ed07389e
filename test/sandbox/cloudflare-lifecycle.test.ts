/**
 * Cloudflare simulator: a pack's life on the controlled clock (domain.md normal path), the reserved test
 * domains, restart validation (seed 002) and branding. Deletion and seeding: cloudflare-delete.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  CF_CODES,
  DAY,
  DEFAULT_TIMINGS,
  FAIL_DOMAIN,
  MINUTE,
  STALL_DOMAIN,
  TIMEOUT_DOMAIN,
} from "../../sandbox/index";
import { type CfPack, cloudflareHarness, LAB_ZONE, ZONE } from "./cf-harness";

const T = DEFAULT_TIMINGS;

async function statusAfter(h: ReturnType<typeof cloudflareHarness>, id: string, zoneId = ZONE.id) {
  return (await h.call<CfPack>("GET", `${h.packsPath(zoneId)}/${id}`)).body.result;
}

describe("pack lifecycle on the clock", () => {
  it("walks initializing -> pending_validation -> pending_issuance -> pending_deployment -> active", async () => {
    const h = cloudflareHarness();
    const ordered = (
      await h.order(["example.com", "*.example.com"], { validity_days: 30, certificate_authority: "google" })
    ).body.result;
    const orderedAt = h.clock.now();
    expect(ordered.status).toBe("initializing");

    h.clock.advance(T.initializingMs);
    const validating = await statusAfter(h, ordered.id);
    expect(validating.status).toBe("pending_validation");
    expect(validating.validation_records).toHaveLength(2);
    expect(validating.validation_records?.[0]).toMatchObject({
      txt_name: "_acme-challenge.example.com",
      status: "pending",
    });
    expect(validating.validation_records?.[1]?.txt_name).toBe("_acme-challenge.example.com");
    expect(validating.dcv_delegation_records?.[0]?.cname).toBe("_acme-challenge.example.com");

    h.clock.advance(T.validationMs);
    const issuing = await statusAfter(h, ordered.id);
    expect(issuing.status).toBe("pending_issuance");
    expect(issuing.validation_records).toBeUndefined();

    h.clock.advance(T.issuanceMs);
    expect((await statusAfter(h, ordered.id)).status).toBe("pending_deployment");

    h.clock.advance(T.deploymentMs - 1);
    expect((await statusAfter(h, ordered.id)).status).toBe("pending_deployment");
    h.clock.advance(1);
    const active = await statusAfter(h, ordered.id);
    expect(active.status).toBe("active");
    const activatedAt = orderedAt + T.initializingMs + T.validationMs + T.issuanceMs + T.deploymentMs;
    expect(active.certificates).toHaveLength(2);
    for (const cert of active.certificates) {
      expect(cert).toMatchObject({
        hosts: ["example.com", "*.example.com"],
        status: "active",
        issuer: "Google Trust Services",
      });
      expect(cert.zone_id).toBe(ZONE.id);
      expect(Date.parse(cert.expires_on ?? "")).toBe(activatedAt + 30 * DAY);
      expect(Date.parse(cert.uploaded_on ?? "")).toBe(activatedAt);
    }
    expect(active.primary_certificate).toBe(active.certificates[0]?.id);

    // Nothing renews it: once its certificates run out the pack reads expired.
    h.clock.advance(30 * DAY);
    const expired = await statusAfter(h, ordered.id);
    expect(expired.status).toBe("expired");
    expect(expired.certificates).toHaveLength(2);
    expect(expired.certificates.every((c) => c.status === "expired")).toBe(true);
  });

  it("applies every transition that fell due, even after a long gap", async () => {
    const h = cloudflareHarness();
    const { id } = (await h.order(["example.com"])).body.result;
    h.clock.advance(DAY);
    expect((await statusAfter(h, id)).status).toBe("active");
  });

  it("honours custom step durations", async () => {
    const h = cloudflareHarness({
      timings: { initializingMs: 0, validationMs: MINUTE, issuanceMs: 0, deploymentMs: 0 },
    });
    const { id } = (await h.order(["example.com"])).body.result;
    expect((await statusAfter(h, id)).status).toBe("pending_validation");
    h.clock.advance(MINUTE);
    expect((await statusAfter(h, id)).status).toBe("active");
  });

  it.each([
    [
      "http",
      { http_url: expect.stringMatching(/^http:\/\/www\.example\.com\/\.well-known\/acme-challenge\//) },
    ],
    ["email", { emails: expect.arrayContaining(["administrator@www.example.com"]) }],
  ])("gives %s validation records matching the method", async (method, shape) => {
    const h = cloudflareHarness();
    const { id } = (await h.order(["example.com", "www.example.com"], { validation_method: method })).body
      .result;
    h.clock.advance(T.initializingMs);
    const pack = await statusAfter(h, id);
    expect(pack.validation_records?.[1]).toMatchObject({ ...shape, status: "pending" });
    expect(pack.dcv_delegation_records).toBeUndefined();
  });
});

describe("reserved test domains", () => {
  const lab = (host: string) => ["certgate.test", host];

  it(`${STALL_DOMAIN}: stays in pending_validation forever`, async () => {
    const h = cloudflareHarness();
    const { id } = (await h.order(lab(`a.${STALL_DOMAIN}`), {}, LAB_ZONE.id)).body.result;
    h.clock.advance(30 * DAY);
    const pack = await statusAfter(h, id, LAB_ZONE.id);
    expect(pack.status).toBe("pending_validation");
    expect(pack.validation_errors).toBeUndefined();
  });

  it(`${TIMEOUT_DOMAIN}: times out after the validation step`, async () => {
    const h = cloudflareHarness();
    const { id } = (await h.order(lab(`a.${TIMEOUT_DOMAIN}`), {}, LAB_ZONE.id)).body.result;
    h.clock.advance(T.initializingMs + T.validationMs - 1);
    expect((await statusAfter(h, id, LAB_ZONE.id)).status).toBe("pending_validation");
    h.clock.advance(1);
    expect((await statusAfter(h, id, LAB_ZONE.id)).status).toBe("validation_timed_out");
  });

  it(`${FAIL_DOMAIN}: reports validation_errors, then times out`, async () => {
    const h = cloudflareHarness();
    const { id } = (await h.order(lab(`*.${FAIL_DOMAIN}`), {}, LAB_ZONE.id)).body.result;
    h.clock.advance(T.initializingMs);
    const failing = await statusAfter(h, id, LAB_ZONE.id);
    expect(failing.status).toBe("pending_validation");
    expect(failing.validation_errors).toEqual([{ message: `SERVFAIL looking up CAA for ${FAIL_DOMAIN}` }]);
    h.clock.advance(T.validationMs);
    expect((await statusAfter(h, id, LAB_ZONE.id)).status).toBe("validation_timed_out");
  });
});

describe("PATCH: restart validation and branding", () => {
  it("restarts validation only from validation_timed_out, with fresh records", async () => {
    const h = cloudflareHarness();
    const timedOut = h.sim.seedPack(ZONE.id, { hosts: ["example.com"], status: "validation_timed_out" });
    const id = timedOut.id;
    const res = await h.call<CfPack>("PATCH", `${h.packsPath()}/${id}`, { body: {} });
    expect(res.status).toBe(200);
    expect(res.body.result.status).toBe("pending_validation");
    expect(res.body.result.validation_records?.[0]?.txt_value).not.toBe(
      timedOut.validation_records?.[0]?.txt_value,
    );
    // A restarted pack follows the normal timeline.
    h.clock.advance(T.validationMs + T.issuanceMs + T.deploymentMs);
    expect((await statusAfter(h, id)).status).toBe("active");

    const again = await h.call("PATCH", `${h.packsPath()}/${id}`, { body: {} });
    expect(again.status).toBe(400);
    expect(again.body.errors[0]?.code).toBe(CF_CODES.restartNotAllowed);
  });

  it.each(["initializing", "pending_validation", "active", "expired", "issuance_timed_out"] as const)(
    "refuses a restart from %s",
    async (status) => {
      const h = cloudflareHarness();
      const pack = h.sim.seedPack(ZONE.id, { hosts: ["example.com"], status });
      const res = await h.call("PATCH", `${h.packsPath()}/${pack.id}`, { body: {} });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]?.code).toBe(CF_CODES.restartNotAllowed);
      expect(h.sim.pack(ZONE.id, pack.id)?.status).toBe(status);
    },
  );

  it("sets cloudflare_branding without touching the status", async () => {
    const h = cloudflareHarness();
    const pack = h.sim.seedPack(ZONE.id, { hosts: ["example.com"], status: "active" });
    const res = await h.call<CfPack>("PATCH", `${h.packsPath()}/${pack.id}`, {
      body: { cloudflare_branding: true },
    });
    expect(res.body.result).toMatchObject({ cloudflare_branding: true, status: "active" });
    const bad = await h.call("PATCH", `${h.packsPath()}/${pack.id}`, {
      body: { cloudflare_branding: 1 },
    });
    expect(bad.body.errors[0]?.code).toBe(CF_CODES.invalidBranding);
  });

  it("refuses to patch a non-advanced pack", async () => {
    const h = cloudflareHarness();
    const pack = h.sim.seedPack(ZONE.id, {
      hosts: ["example.com"],
      status: "validation_timed_out",
      type: "universal",
    });
    const res = await h.call("PATCH", `${h.packsPath()}/${pack.id}`, { body: {} });
    expect(res.body.errors[0]?.code).toBe(CF_CODES.notAdvanced);
  });
});
