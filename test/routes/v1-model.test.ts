/**
 * The normalized model, field by field, as GET /v1/certificates/{id} and the unified list serve it:
 * Cloudflare packs (pending txt with delegation records, http timed out, email, active near expiry)
 * and Gjirafa certificates (issued with DNS records and challenge, imported). Expected values are
 * derived from the simulator's wire objects, so the test checks the mapping, not demo constants.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../../sandbox";
import type { Certificate } from "../../src/model/certificate";
import {
  clearKv,
  EXAMPLE,
  gateway,
  PROJECT,
  packId,
  ROUTE_KEYS,
  unifiedId,
  type V4Envelope,
} from "./helpers";

const reader = ROUTE_KEYS.reader;
beforeEach(clearKv);

async function getCert(gw: ReturnType<typeof gateway>, id: string): Promise<Certificate> {
  const res = await gw.json<V4Envelope<Certificate>>("GET", `/v1/certificates/${id}`, { key: reader });
  expect(res.status).toBe(200);
  return res.body.result;
}

const none = { url: null, emails: [] };

describe("normalized Cloudflare packs", () => {
  it("a pending TXT pack: status, hosts, validation_records AND dcv_delegation_records", async () => {
    const gw = gateway();
    const id = packId(gw, EXAMPLE, (p) => p.status === "pending_validation");
    const wire = gw.sims.cloudflare.pack(EXAMPLE, id);
    if (!wire) throw new Error("missing pack");
    const cert = await getCert(gw, unifiedId("cloudflare", EXAMPLE, id));
    expect(cert).toEqual({
      id: `cloudflare:${EXAMPLE}:${id}`,
      provider: "cloudflare",
      scope: { kind: "zone", id: EXAMPLE },
      hosts: ["example.com", "new.example.com"],
      status: "pending_validation",
      provider_status: "pending_validation",
      type: "advanced",
      certificate_authority: "lets_encrypt",
      issuer: null,
      validity_days: 90,
      not_before: null,
      expires_at: null,
      days_remaining: null,
      validation: {
        method: "txt",
        records: [
          ...(wire.validation_records ?? []).map((r) => ({
            ...none,
            kind: "txt",
            name: r.txt_name,
            value: r.txt_value,
            status: "pending",
            source: "validation_records",
          })),
          ...(wire.dcv_delegation_records ?? []).map((r) => ({
            ...none,
            kind: "cname",
            name: r.cname,
            value: r.cname_target,
            status: "pending",
            source: "dcv_delegation_records",
          })),
        ],
        errors: [],
      },
      updated_at: null,
      cloudflare_branding: wire.cloudflare_branding,
      primary_certificate: null,
      certificates: [],
      certificate_scope: null,
    });
    expect(cert.validation.records.filter((r) => r.kind === "txt")).toHaveLength(2);
    expect(cert.validation.records.filter((r) => r.kind === "cname").length).toBeGreaterThan(0);
  });

  it("an HTTP pack that timed out: status failed, raw status kept, http records with url and body", async () => {
    const gw = gateway();
    const id = packId(gw, EXAMPLE, (p) => p.status === "validation_timed_out");
    const wire = gw.sims.cloudflare.pack(EXAMPLE, id);
    const cert = await getCert(gw, unifiedId("cloudflare", EXAMPLE, id));
    expect([cert.status, cert.provider_status, cert.validation.method]).toEqual([
      "failed",
      "validation_timed_out",
      "http",
    ]);
    expect(cert.validation.records).toEqual(
      (wire?.validation_records ?? []).map((r) => ({
        kind: "http",
        name: null,
        url: r.http_url,
        value: r.http_body,
        emails: [],
        status: "timed_out",
        source: "validation_records",
      })),
    );
  });

  it("an email pack keeps every mailbox", async () => {
    const gw = gateway();
    const seeded = gw.sims.cloudflare.seedPack(EXAMPLE, {
      hosts: ["example.com", "mail.example.com"],
      status: "pending_validation",
      validationMethod: "email",
    });
    const cert = await getCert(gw, unifiedId("cloudflare", EXAMPLE, String(seeded.id)));
    expect(cert.validation.records.map((r) => [r.kind, r.emails.length])).toEqual([
      ["email", 5],
      ["email", 5],
    ]);
    expect(cert.validation.records[1]?.emails).toContain("admin@mail.example.com");
  });

  it("an active pack: expiry is the earliest certificate's, days_remaining from certgate's clock", async () => {
    const gw = gateway();
    const id = packId(gw, EXAMPLE, (p) => p.certificate_authority === "google");
    const wire = gw.sims.cloudflare.pack(EXAMPLE, id);
    const certs = wire?.certificates ?? [];
    expect(certs.length).toBe(2);
    const earliest = Math.min(...certs.map((c) => Date.parse(c.expires_on)));
    const cert = await getCert(gw, unifiedId("cloudflare", EXAMPLE, id));
    expect(cert).toMatchObject({
      status: "active",
      provider_status: "active",
      certificate_authority: "google",
      issuer: certs[0]?.issuer,
      validity_days: 90,
      expires_at: new Date(earliest).toISOString(),
      days_remaining: 5,
      // Was the earliest uploaded_on: that is when Cloudflare stored a certificate, not a validity start.
      not_before: null,
      validation: { method: "txt", records: [], errors: [] },
      cloudflare_branding: wire?.cloudflare_branding,
      primary_certificate: wire?.primary_certificate,
    });
    expect(cert.certificates).toEqual(
      certs.map((c) => ({
        id: c.id,
        hosts: c.hosts,
        status: c.status,
        issuer: c.issuer,
        signature_algorithm: c.signature,
        serial_number: null,
        public_key_info: null,
        bundle_method: c.bundle_method,
        not_before: null,
        expires_at: new Date(Date.parse(c.expires_on)).toISOString(),
        uploaded_at: new Date(Date.parse(c.uploaded_on)).toISOString(),
        modified_at: new Date(Date.parse(c.modified_on)).toISOString(),
        priority: c.priority,
        geo_restriction: null,
        primary: c.id === wire?.primary_certificate,
      })),
    );
    gw.clock.advance(2 * DAY);
    expect((await getCert(gw, unifiedId("cloudflare", EXAMPLE, id))).days_remaining).toBe(3);
  });
});

describe("normalized Gjirafa certificates", () => {
  it("an issued certificate: hosts from domainName + additionalNames, dnsRecords and certificateChallenge", async () => {
    const gw = gateway();
    const wire = gw.sims.gjirafa.certificates(PROJECT).find((c) => c.domainName === "cdn.demo.certgate.test");
    if (!wire) throw new Error("missing certificate");
    const cert = await getCert(gw, unifiedId("gjirafa", PROJECT, wire.id));
    const notAfter = Date.parse(String(wire.notAfter));
    expect(cert).toEqual({
      id: `gjirafa:${PROJECT}:${wire.id}`,
      provider: "gjirafa",
      scope: { kind: "project", id: PROJECT },
      hosts: ["cdn.demo.certgate.test", "static.demo.certgate.test"],
      status: "active",
      provider_status: "Active",
      type: "Gjirafa Issued",
      certificate_authority: null,
      issuer: wire.issuer,
      validity_days: 90,
      not_before: wire.notBefore,
      expires_at: wire.notAfter,
      days_remaining: Math.floor((notAfter - gw.clock.now()) / DAY),
      validation: {
        method: "dns",
        records: [
          ...wire.dnsRecords.map((r) => ({
            ...none,
            kind: "txt",
            name: r.key,
            value: r.value,
            status: null,
            source: "dnsRecords",
          })),
          {
            ...none,
            kind: "challenge",
            name: null,
            value: wire.certificateChallenge,
            status: null,
            source: "certificateChallenge",
          },
        ],
        errors: [],
      },
      updated_at: null,
      cloudflare_branding: null,
      primary_certificate: null,
      certificates: [
        {
          id: wire.sslCertificateId,
          hosts: ["cdn.demo.certgate.test", "static.demo.certgate.test"],
          status: "Active",
          issuer: wire.issuer,
          signature_algorithm: wire.signatureAlgorithm,
          serial_number: wire.serialNumber,
          public_key_info: wire.publicKeyInfo,
          bundle_method: null,
          not_before: wire.notBefore,
          expires_at: wire.notAfter,
          uploaded_at: null,
          modified_at: null,
          priority: null,
          geo_restriction: null,
          primary: true,
        },
      ],
      certificate_scope: { name: "Project", id: wire.scopeId, options: wire.scopeOptions },
    });
    expect(cert.days_remaining).toBe(60);
  });

  it("an imported certificate: its own dates and issuer, no validation method", async () => {
    const gw = gateway();
    const wire = gw.sims.gjirafa.certificates(PROJECT).find((c) => c.certificateType === "Imported");
    if (!wire) throw new Error("missing certificate");
    const cert = await getCert(gw, unifiedId("gjirafa", PROJECT, wire.id));
    expect(cert).toMatchObject({
      hosts: ["imported.demo.certgate.test", "www.imported.demo.certgate.test"],
      type: "Imported",
      issuer: "CN=certgate sandbox test CA, O=certgate sandbox, C=XK",
      validity_days: 365,
      days_remaining: 355,
      validation: { method: null, records: [], errors: [] },
    });
  });

  it("the unified list carries the same hosts and statuses as the single GET", async () => {
    const gw = gateway();
    const list = await gw.json<V4Envelope<Certificate[]>>("GET", "/v1/certificates?provider=gjirafa", {
      key: reader,
    });
    expect(list.body.result.length).toBeGreaterThan(0);
    for (const item of list.body.result) {
      const one = await getCert(gw, item.id);
      expect([item.hosts, item.status, item.provider_status, item.type]).toEqual([
        one.hosts,
        one.status,
        one.provider_status,
        one.type,
      ]);
    }
  });
});
