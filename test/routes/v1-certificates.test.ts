/**
 * The unified single-certificate routes: GET/PATCH/DELETE /v1/certificates/{id}, POST /v1/certificates
 * (discriminated by provider), POST /v1/certificates/import, POST /v1/certificates/{id}/validate.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_CERTIFICATE, SAMPLE_CHAIN, SAMPLE_PRIVATE_KEY } from "../../sandbox";
import type { Certificate } from "../../src/model/certificate";
import {
  clearKv,
  EXAMPLE,
  type Gateway,
  gateway,
  ORDER,
  PROJECT,
  packId,
  ROUTE_KEYS,
  unifiedId,
  upstreamCalls,
  type V4Envelope,
} from "./helpers";

const writer = ROUTE_KEYS.writer;
beforeEach(clearKv);

const CF_CREATE = {
  provider: "cloudflare",
  zone: EXAMPLE,
  hosts: ORDER.hosts,
  validation_method: "txt",
  validity_days: 90,
  certificate_authority: "lets_encrypt",
};
const GJ_CREATE = {
  provider: "gjirafa",
  project: PROJECT,
  domain_name: "new2.demo.certgate.test",
  scope_id: 1,
};
const IMPORT = {
  provider: "gjirafa",
  project: PROJECT,
  certificate: SAMPLE_CERTIFICATE,
  private_key: SAMPLE_PRIVATE_KEY,
  chain: SAMPLE_CHAIN,
  scope_id: 1,
};

const cfId = (gw: Gateway, status: string, type = "advanced") =>
  unifiedId(
    "cloudflare",
    EXAMPLE,
    packId(gw, EXAMPLE, (p) => p.status === status && p.type === type),
  );
function gjId(gw: Gateway, status: string): string {
  const cert = gw.sims.gjirafa.certificates(PROJECT).find((c) => c.certificateStatus === status);
  if (!cert) throw new Error(`no demo certificate in ${status}`);
  return unifiedId("gjirafa", PROJECT, cert.id);
}

describe("GET /v1/certificates/{id}", () => {
  it.each([
    { provider: "cloudflare", id: (gw: Gateway) => cfId(gw, "pending_validation") },
    { provider: "gjirafa", id: (gw: Gateway) => gjId(gw, "Active") },
  ])("gets one $provider certificate, normalized; include=raw adds the wire object", async ({ id }) => {
    const gw = gateway();
    const ref = id(gw);
    const res = await gw.json<V4Envelope<Certificate>>("GET", `/v1/certificates/${ref}`, { key: writer });
    expect(res.status).toBe(200);
    expect(res.body.result.id).toBe(ref);
    expect(res.body.result).not.toHaveProperty("raw");
    const raw = await gw.json<V4Envelope<Certificate>>("GET", `/v1/certificates/${ref}?include=raw`, {
      key: writer,
    });
    expect(String((raw.body.result.raw as { id: unknown }).id)).toBe(ref.split(":")[2]);
  });

  it("an unknown id is the provider's 404 in certgate's envelope", async () => {
    const gw = gateway();
    const res = await gw.json<V4Envelope>("GET", `/v1/certificates/gjirafa:${PROJECT}:424242`, {
      key: writer,
    });
    expect(res.status).toBe(404);
    expect(res.body.errors[0]).toMatchObject({ code: "not_found", provider: "gjirafa" });
  });
});

describe("POST /v1/certificates and /import", () => {
  it("orders a Cloudflare pack: one order upstream with type advanced, the pack back normalized", async () => {
    const gw = gateway();
    const res = await gw.json<V4Envelope<Certificate>>("POST", "/v1/certificates", {
      key: writer,
      body: CF_CREATE,
    });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({
      provider: "cloudflare",
      scope: { kind: "zone", id: EXAMPLE },
      hosts: ORDER.hosts,
      status: "pending",
      provider_status: "initializing",
    });
    expect(gw.sims.cloudflare.calls({ method: "POST" }).map((c) => c.body)).toEqual([ORDER]);
  });

  it("creates a Gjirafa certificate with the records to publish", async () => {
    const gw = gateway();
    const res = await gw.json<V4Envelope<Certificate>>("POST", "/v1/certificates", {
      key: writer,
      body: GJ_CREATE,
    });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ provider: "gjirafa", status: "pending_validation" });
    expect(res.body.result.validation.records.map((r) => r.source)).toContain("dnsRecords");
    expect(gw.sims.gjirafa.calls({ method: "POST" }).map((c) => c.body)).toEqual([
      { domainName: GJ_CREATE.domain_name, additionalDomainNames: [], scopeId: 1 },
    ]);
  });

  it("imports a PEM certificate into Gjirafa and never echoes the key", async () => {
    const gw = gateway();
    const res = await gw.call("POST", "/v1/certificates/import", { key: writer, body: IMPORT });
    const text = await res.text();
    expect(res.status).toBe(200);
    const cert = (JSON.parse(text) as V4Envelope<Certificate>).result;
    expect(cert).toMatchObject({ provider: "gjirafa", type: "Imported", status: "active" });
    expect(cert.expires_at).not.toBeNull();
    expect(text).not.toContain("PRIVATE KEY");
  });

  it.each([
    ["an encrypted key", "ENCRYPTED PRIVATE KEY", "must be an unencrypted private key"],
    ["a public key", "PUBLIC KEY", "must be a PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block"],
  ])(
    "refuses %s as private_key with a 400 that says why, before any upstream call",
    async (_n, label, why) => {
      const gw = gateway();
      const body = SAMPLE_PRIVATE_KEY.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").trim();
      const key = `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
      const res = await gw.json<V4Envelope>("POST", "/v1/certificates/import", {
        key: writer,
        body: { ...IMPORT, private_key: key },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({
        code: "validation_failed",
        fields: [{ path: "body.private_key", message: why }],
      });
      expect(JSON.stringify(res.body)).not.toContain(body.slice(0, 40));
      expect(upstreamCalls(gw)).toBe(0);
    },
  );

  it("refuses to import into Cloudflare with 422 not_supported_by_provider, before any upstream call", async () => {
    const gw = gateway();
    const { project: _p, ...rest } = IMPORT;
    const res = await gw.json<V4Envelope>("POST", "/v1/certificates/import", {
      key: writer,
      body: { ...rest, provider: "cloudflare", zone: EXAMPLE },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ code: "not_supported_by_provider", provider: "cloudflare" });
    expect(upstreamCalls(gw)).toBe(0);
  });
});

describe("PATCH /v1/certificates/{id}", () => {
  it("adds Cloudflare branding and moves a Gjirafa certificate to another scope", async () => {
    const gw = gateway();
    const cf = cfId(gw, "active");
    const branded = await gw.json<V4Envelope<Certificate>>("PATCH", `/v1/certificates/${cf}`, {
      key: writer,
      body: { cloudflare_branding: true },
    });
    expect(branded.status).toBe(200);
    // The answer is the pack as Cloudflare answered the PATCH: the model shows what was set.
    expect(branded.body.result.cloudflare_branding).toBe(true);
    expect(gw.sims.cloudflare.calls({ method: "PATCH" }).map((c) => c.body)).toEqual([
      { cloudflare_branding: true },
    ]);
    const gj = gjId(gw, "Active");
    const moved = await gw.json<V4Envelope<Certificate>>("PATCH", `/v1/certificates/${gj}`, {
      key: writer,
      body: { scope_id: 2 },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.result.certificate_scope?.id).toBe(2);
    expect(gw.sims.gjirafa.calls({ method: "PUT" }).map((c) => c.body)).toEqual([{ scopeId: 2 }]);
  });

  it.each([
    { provider: "cloudflare", body: { scope_id: 2 } },
    { provider: "cloudflare", body: { cloudflare_branding: false } },
    { provider: "gjirafa", body: { cloudflare_branding: true } },
  ])("an update the $provider provider cannot make is 422 ($body)", async ({ provider, body }) => {
    const gw = gateway();
    const ref = provider === "cloudflare" ? cfId(gw, "active") : gjId(gw, "Active");
    const res = await gw.json<V4Envelope>("PATCH", `/v1/certificates/${ref}`, { key: writer, body });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]?.code).toBe("not_supported_by_provider");
    expect(gw.sims.cloudflare.count("PATCH") + gw.sims.gjirafa.count("PUT")).toBe(0);
  });
});

describe("POST /v1/certificates/{id}/validate", () => {
  it("restarts a Cloudflare pack in validation_timed_out", async () => {
    const gw = gateway();
    const res = await gw.json<V4Envelope<Certificate>>(
      "POST",
      `/v1/certificates/${cfId(gw, "validation_timed_out")}/validate`,
      {
        key: writer,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.result.provider_status).toBe("pending_validation");
  });

  it.each(["active", "pending_validation"])(
    "any other Cloudflare status (%s) is 409 naming it",
    async (status) => {
      const gw = gateway();
      const res = await gw.json<V4Envelope>("POST", `/v1/certificates/${cfId(gw, status)}/validate`, {
        key: writer,
      });
      expect(res.status).toBe(409);
      expect(res.body.errors[0]).toMatchObject({ code: "conflict", current_status: status });
      expect(gw.sims.cloudflare.count("PATCH")).toBe(0);
    },
  );

  it("asks Gjirafa to validate a pending certificate", async () => {
    const gw = gateway();
    const res = await gw.json<V4Envelope<Certificate>>(
      "POST",
      `/v1/certificates/${gjId(gw, "Pending Validation")}/validate`,
      {
        key: writer,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.result.status).toBe("active");
    expect(gw.sims.gjirafa.count("PUT", "/certificates/*/validate")).toBe(1);
  });
});

describe("DELETE /v1/certificates/{id}", () => {
  it.each([
    { provider: "cloudflare", id: (gw: Gateway) => cfId(gw, "active") },
    { provider: "gjirafa", id: (gw: Gateway) => gjId(gw, "Active") },
  ])(
    "deleting a $provider certificate twice succeeds twice; the second says already_deleted",
    async ({ id }) => {
      const gw = gateway();
      const ref = id(gw);
      const first = await gw.json<V4Envelope>("DELETE", `/v1/certificates/${ref}`, { key: writer });
      expect([first.status, first.body.result]).toEqual([200, { id: ref, already_deleted: false }]);
      const second = await gw.json<V4Envelope>("DELETE", `/v1/certificates/${ref}`, { key: writer });
      expect([second.status, second.body.result]).toEqual([200, { id: ref, already_deleted: true }]);
    },
  );

  it.each(["pending_deletion", "deleted"] as const)(
    "a Cloudflare pack already %s is success without a DELETE upstream",
    async (status) => {
      const gw = gateway();
      const pack = gw.sims.cloudflare.seedPack(EXAMPLE, {
        hosts: ["example.com", "gone.example.com"],
        status,
      });
      const ref = unifiedId("cloudflare", EXAMPLE, String(pack.id));
      const res = await gw.json<V4Envelope>("DELETE", `/v1/certificates/${ref}`, { key: writer });
      expect([res.status, res.body.result]).toEqual([200, { id: ref, already_deleted: true }]);
      expect(gw.sims.cloudflare.count("DELETE")).toBe(0);
    },
  );

  it("a Cloudflare pack purged after its deleted retention: a repeat DELETE still says already_deleted", async () => {
    const gw = gateway();
    const ref = cfId(gw, "active");
    expect((await gw.call("DELETE", `/v1/certificates/${ref}`, { key: writer })).status).toBe(200);
    gw.clock.advance(gw.sims.cloudflare.timings.deletedRetentionMs + 60_000);
    const purged = await gw.call("GET", `/v1/certificates/${ref}`, { key: writer });
    expect(purged.status).toBe(404);
    const again = await gw.json<V4Envelope>("DELETE", `/v1/certificates/${ref}`, { key: writer });
    expect([again.status, again.body.result]).toEqual([200, { id: ref, already_deleted: true }]);
  });

  it("an unmanaged zone is 404 for a key that may see every zone", async () => {
    const gw = gateway();
    const res = await gw.json<V4Envelope>(
      "DELETE",
      `/v1/certificates/cloudflare:${"c".repeat(32)}:${"d".repeat(32)}`,
      {
        key: writer,
      },
    );
    expect(res.status).toBe(404);
    expect(res.body.errors[0]?.message).toMatch(/not managed/);
    expect(upstreamCalls(gw)).toBe(0);
  });

  it("a Gjirafa certificate certgate never deleted stays 404", async () => {
    const gw = gateway();
    const res = await gw.json<V4Envelope>("DELETE", `/v1/certificates/gjirafa:${PROJECT}:424242`, {
      key: writer,
    });
    expect(res.status).toBe(404);
  });
});
