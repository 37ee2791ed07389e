/** Cloudflare pack -> certgate model: expiry, issuer, validation records from both sources, unknown values. */
import { describe, expect, it } from "vitest";
import { CertificateSchema } from "../../../src/model/certificate";
import { normalizeCloudflarePack } from "../../../src/providers/cloudflare/normalize";
import { CertificatePackSchema } from "../../../src/providers/cloudflare/schemas";
import { ZONE_A } from "../../helpers/ids";

const NOW = Date.parse("2026-11-23T12:00:00Z");

function pack(overrides: Record<string, unknown> = {}) {
  return CertificatePackSchema.parse({
    id: "3822ff90ea29463a9f2b3bf09e3f5a2a",
    type: "advanced",
    hosts: ["example.com", "*.example.com"],
    status: "active",
    validation_method: "txt",
    validity_days: 90,
    certificate_authority: "lets_encrypt",
    primary_certificate: "c2",
    certificates: [
      {
        id: "c1",
        hosts: ["example.com"],
        status: "active",
        issuer: "Other CA",
        uploaded_on: "2026-10-01T00:00:00Z",
        modified_on: "2026-10-02T00:00:00Z",
        expires_on: "2026-12-30T00:00:00Z",
      },
      {
        id: "c2",
        hosts: ["example.com"],
        status: "active",
        issuer: "Let's Encrypt",
        uploaded_on: "2026-09-30T00:00:00Z",
        modified_on: "2026-10-05T00:00:00Z",
        expires_on: "2026-12-03T18:00:00Z",
      },
    ],
    ...overrides,
  });
}

describe("normalizeCloudflarePack", () => {
  it("maps the pack and conforms to the certgate model", () => {
    const cert = normalizeCloudflarePack(ZONE_A, pack(), NOW);
    expect(CertificateSchema.parse(cert)).toEqual(cert);
    expect(cert).toMatchObject({
      id: `cloudflare:${ZONE_A}:3822ff90ea29463a9f2b3bf09e3f5a2a`,
      provider: "cloudflare",
      scope: { kind: "zone", id: ZONE_A },
      hosts: ["example.com", "*.example.com"],
      status: "active",
      provider_status: "active",
      type: "advanced",
      certificate_authority: "lets_encrypt",
      validity_days: 90,
    });
  });

  it("expires_at is the EARLIEST certificate expiry; days_remaining floors", () => {
    const cert = normalizeCloudflarePack(ZONE_A, pack(), NOW);
    expect(cert.expires_at).toBe("2026-12-03T18:00:00.000Z");
    expect(cert.days_remaining).toBe(10); // 10.25 days
  });

  it("days_remaining is negative for an expired certificate", () => {
    const p = pack({
      certificates: [{ id: "c", hosts: [], status: "expired", expires_on: "2026-11-21T13:00:00Z" }],
    });
    expect(normalizeCloudflarePack(ZONE_A, p, NOW).days_remaining).toBe(-2);
  });

  // Was: not_before from the earliest uploaded_on. uploaded_on is when Cloudflare stored a certificate,
  // not the start of its validity: not_before is null and uploaded_on is kept per certificate.
  it("issuer comes from the primary certificate; updated_at from modified_on; no not_before from uploaded_on", () => {
    const cert = normalizeCloudflarePack(ZONE_A, pack(), NOW);
    expect(cert.issuer).toBe("Let's Encrypt");
    expect(cert.not_before).toBeNull();
    expect(cert.updated_at).toBe("2026-10-05T00:00:00.000Z");
    expect(cert.certificates.map((c) => [c.id, c.uploaded_at, c.not_before])).toEqual([
      ["c1", "2026-10-01T00:00:00.000Z", null],
      ["c2", "2026-09-30T00:00:00.000Z", null],
    ]);
  });

  it("keeps branding, the primary certificate and every certificate of the pack", () => {
    const p = pack({
      cloudflare_branding: true,
      certificates: [
        {
          id: "c1",
          hosts: ["example.com", "*.example.com"],
          status: "active",
          issuer: "Let's Encrypt",
          signature: "ECDSAWithSHA256",
          bundle_method: "ubiquitous",
          geo_restrictions: { label: "us" },
          priority: 0,
          uploaded_on: "2014-01-01T05:20:00Z",
          modified_on: "2014-01-01T05:20:00Z",
          expires_on: "2024-01-01T00:00:00Z",
          zone_id: ZONE_A,
        },
        { id: "c2" },
      ],
      primary_certificate: "c1",
    });
    const cert = normalizeCloudflarePack(ZONE_A, p, NOW);
    expect(CertificateSchema.parse(cert)).toEqual(cert);
    expect(cert).toMatchObject({
      cloudflare_branding: true,
      primary_certificate: "c1",
      certificate_scope: null,
    });
    expect(cert.certificates).toEqual([
      {
        id: "c1",
        hosts: ["example.com", "*.example.com"],
        status: "active",
        issuer: "Let's Encrypt",
        signature_algorithm: "ECDSAWithSHA256",
        serial_number: null,
        public_key_info: null,
        bundle_method: "ubiquitous",
        not_before: null,
        expires_at: "2024-01-01T00:00:00.000Z",
        uploaded_at: "2014-01-01T05:20:00.000Z",
        modified_at: "2014-01-01T05:20:00.000Z",
        priority: 0,
        geo_restriction: "us",
        primary: true,
      },
      {
        id: "c2",
        hosts: [],
        status: null,
        issuer: null,
        signature_algorithm: null,
        serial_number: null,
        public_key_info: null,
        bundle_method: null,
        not_before: null,
        expires_at: null,
        uploaded_at: null,
        modified_at: null,
        priority: null,
        geo_restriction: null,
        primary: false,
      },
    ]);
  });

  it("a pack with only an id (every other field absent) normalizes with empties and nulls", () => {
    const cert = normalizeCloudflarePack(ZONE_A, CertificatePackSchema.parse({ id: "only-id" }), NOW);
    expect(CertificateSchema.parse(cert)).toEqual(cert);
    expect(cert).toMatchObject({
      id: `cloudflare:${ZONE_A}:only-id`,
      hosts: [],
      status: "unknown",
      provider_status: "",
      type: null,
      certificates: [],
      cloudflare_branding: null,
      primary_certificate: null,
      expires_at: null,
    });
  });

  it("a pack without certificates says null, not a guess", () => {
    const cert = normalizeCloudflarePack(
      ZONE_A,
      pack({ certificates: [], status: "pending_validation" }),
      NOW,
    );
    expect(cert).toMatchObject({
      expires_at: null,
      days_remaining: null,
      issuer: null,
      not_before: null,
      updated_at: null,
    });
  });

  it("keeps records from BOTH validation_records and dcv_delegation_records, every kind", () => {
    const p = pack({
      status: "pending_validation",
      validation_records: [
        { txt_name: "_acme-challenge.example.com", txt_value: "tok1", status: "pending" },
        { http_url: "http://example.com/.well-known/acme-challenge/x", http_body: "x.y", status: "pending" },
        { emails: ["admin@example.com", "webmaster@example.com"], status: "pending" },
        {
          txt_name: "_acme-challenge.www.example.com",
          txt_value: "tok2",
          emails: ["hostmaster@example.com"],
        },
        { txt_name: null, txt_value: null, http_url: null, cname: null, emails: null, status: null },
      ],
      dcv_delegation_records: [
        {
          cname: "_acme-challenge.example.com",
          cname_target: "example.com.abc.dcv.cloudflare.com",
          status: "pending",
        },
      ],
      validation_errors: [{ message: "SERVFAIL looking up CAA for example.com" }, {}],
    });
    const v = normalizeCloudflarePack(ZONE_A, p, NOW).validation;
    expect(v.method).toBe("txt");
    expect(v.errors).toEqual(["SERVFAIL looking up CAA for example.com"]);
    expect(v.records).toEqual([
      {
        kind: "txt",
        name: "_acme-challenge.example.com",
        value: "tok1",
        url: null,
        emails: [],
        status: "pending",
        source: "validation_records",
      },
      {
        kind: "http",
        name: null,
        value: "x.y",
        url: "http://example.com/.well-known/acme-challenge/x",
        emails: [],
        status: "pending",
        source: "validation_records",
      },
      {
        kind: "email",
        name: null,
        value: null,
        url: null,
        emails: ["admin@example.com", "webmaster@example.com"],
        status: "pending",
        source: "validation_records",
      },
      {
        kind: "txt",
        name: "_acme-challenge.www.example.com",
        value: "tok2",
        url: null,
        emails: [],
        status: null,
        source: "validation_records",
      },
      {
        kind: "email",
        name: null,
        value: null,
        url: null,
        emails: ["hostmaster@example.com"],
        status: null,
        source: "validation_records",
      },
      {
        kind: "cname",
        name: "_acme-challenge.example.com",
        value: "example.com.abc.dcv.cloudflare.com",
        url: null,
        emails: [],
        status: "pending",
        source: "dcv_delegation_records",
      },
    ]);
  });

  it("keeps an unknown type and status verbatim (status unknown) and unknown fields in the wire object", () => {
    const p = pack({ type: "quantum_custom", status: "shiny_new", new_field: { a: 1 } });
    expect(p).toMatchObject({ new_field: { a: 1 } });
    const cert = normalizeCloudflarePack(ZONE_A, p, NOW);
    expect(cert).toMatchObject({ type: "quantum_custom", status: "unknown", provider_status: "shiny_new" });
  });

  it("reads seed 000's list example, where certificate fields are null", () => {
    const p = CertificatePackSchema.parse({
      certificate_authority: "google",
      certificates: [
        {
          id: "c",
          hosts: null,
          status: "active",
          expires_on: null,
          issuer: null,
          uploaded_on: null,
          modified_on: null,
          priority: null,
          zone_id: null,
          bundle_method: null,
          geo_restrictions: null,
          signature: null,
        },
      ],
      cloudflare_branding: false,
      dcv_delegation_records: [
        {
          cname: null,
          cname_target: null,
          emails: null,
          http_body: null,
          http_url: null,
          status: null,
          txt_name: null,
          txt_value: null,
        },
      ],
      hosts: ["example.com"],
      id: "abc",
      status: "active",
      type: "advanced",
      validation_errors: [{ message: "x" }],
      validation_method: "txt",
      validation_records: [],
      validity_days: 90,
    });
    const cert = normalizeCloudflarePack(ZONE_A, p, NOW);
    expect(cert.expires_at).toBeNull();
    expect(cert.validation.records).toEqual([]);
  });
});
