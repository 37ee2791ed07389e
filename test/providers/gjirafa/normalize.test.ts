/** Gjirafa certificate -> certgate model: hosts from one string, list items say null, validation records. */
import { describe, expect, it } from "vitest";
import { CertificateSchema } from "../../../src/model/certificate";
import { hostsOf, normalizeGjirafaCertificate } from "../../../src/providers/gjirafa/normalize";
import { GjirafaCertificateSchema } from "../../../src/providers/gjirafa/schemas";
import { PROJECT_P } from "../../helpers/ids";

const NOW = Date.parse("2026-11-23T12:00:00Z");

const DETAIL = GjirafaCertificateSchema.parse({
  id: 42,
  projectId: PROJECT_P,
  scopeId: 1,
  sslCertificateId: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
  domainName: "Example.com",
  additionalNames: "www.example.com, api.example.com;EXAMPLE.com  cdn.example.com",
  publicKeyInfo: "RSA (2048 Bits)",
  signatureAlgorithm: "sha256RSA",
  issuer: "CN=R11, O=Let's Encrypt, C=US",
  certificateType: "Gjirafa Issued",
  certificateStatus: "Pending Validation",
  certificateChallenge: "chal-token",
  serialNumber: "ABC",
  dnsRecords: [
    { key: "_acme-challenge.example.com", value: "v1" },
    { key: "_acme-challenge.www.example.com", value: "v2" },
  ],
  notBefore: "2026-11-01T00:00:00Z",
  notAfter: "2027-01-30T00:00:00Z",
  scopeOptions: { Project: 1, Organization: 2 },
});

describe("normalizeGjirafaCertificate", () => {
  it("maps a detail and conforms to the certgate model", () => {
    const cert = normalizeGjirafaCertificate(PROJECT_P, DETAIL, NOW);
    expect(CertificateSchema.parse(cert)).toEqual(cert);
    expect(cert).toMatchObject({
      id: `gjirafa:${PROJECT_P}:42`,
      provider: "gjirafa",
      scope: { kind: "project", id: PROJECT_P },
      status: "pending_validation",
      provider_status: "Pending Validation",
      type: "Gjirafa Issued",
      certificate_authority: null,
      issuer: "CN=R11, O=Let's Encrypt, C=US",
      not_before: "2026-11-01T00:00:00.000Z",
      expires_at: "2027-01-30T00:00:00.000Z",
      days_remaining: 67,
      validity_days: 90,
    });
  });

  it("keeps what Gjirafa says of the certificate: sslCertificateId, serial, signature, key, scope", () => {
    const cert = normalizeGjirafaCertificate(PROJECT_P, DETAIL, NOW);
    expect(cert.certificates).toEqual([
      {
        id: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        hosts: ["example.com", "www.example.com", "api.example.com", "cdn.example.com"],
        status: "Pending Validation",
        issuer: "CN=R11, O=Let's Encrypt, C=US",
        signature_algorithm: "sha256RSA",
        serial_number: "ABC",
        public_key_info: "RSA (2048 Bits)",
        bundle_method: null,
        not_before: "2026-11-01T00:00:00.000Z",
        expires_at: "2027-01-30T00:00:00.000Z",
        uploaded_at: null,
        modified_at: null,
        priority: null,
        geo_restriction: null,
        primary: true,
      },
    ]);
    // A detail names its scope by id only; scopeOptions gives the name.
    expect(cert.certificate_scope).toEqual({
      name: "Project",
      id: 1,
      options: { Project: 1, Organization: 2 },
    });
    expect(cert).toMatchObject({ cloudflare_branding: null, primary_certificate: null });
  });

  it.each([
    [
      "a list item's scope name",
      { id: 1, scope: "Organization" },
      { name: "Organization", id: null, options: {} },
    ],
    [
      "an ambiguous id (two names) gives no name; non-numeric options are left out",
      { id: 1, scopeId: 0, scopeOptions: { a: 0, b: 0, c: "x" } },
      { name: null, id: 0, options: { a: 0, b: 0 } },
    ],
    ["nothing about a scope", { id: 1 }, null],
  ])("certificate_scope from %s", (_n, wire, expected) => {
    const cert = normalizeGjirafaCertificate(PROJECT_P, GjirafaCertificateSchema.parse(wire), NOW);
    expect(CertificateSchema.parse(cert)).toEqual(cert);
    expect(cert.certificate_scope).toEqual(expected);
  });

  it("a certificate with only an id normalizes with empties and nulls (nothing else is required)", () => {
    const cert = normalizeGjirafaCertificate(PROJECT_P, GjirafaCertificateSchema.parse({ id: -7 }), NOW);
    expect(CertificateSchema.parse(cert)).toEqual(cert);
    expect(cert).toMatchObject({
      id: `gjirafa:${PROJECT_P}:-7`,
      hosts: [],
      status: "unknown",
      provider_status: "",
    });
  });

  it("hosts = domainName + additionalNames (one string: split, trimmed, lowercased, deduplicated)", () => {
    expect(hostsOf(DETAIL)).toEqual(["example.com", "www.example.com", "api.example.com", "cdn.example.com"]);
    expect(hostsOf({ domainName: "a.example", additionalNames: null })).toEqual(["a.example"]);
    expect(hostsOf({ domainName: "a.example", additionalNames: "" })).toEqual(["a.example"]);
  });

  it("validation: DNS, TXT records from dnsRecords and the certificateChallenge", () => {
    const v = normalizeGjirafaCertificate(PROJECT_P, DETAIL, NOW).validation;
    expect(v).toEqual({
      method: "dns",
      errors: [],
      records: [
        {
          kind: "txt",
          name: "_acme-challenge.example.com",
          value: "v1",
          url: null,
          emails: [],
          status: null,
          source: "dnsRecords",
        },
        {
          kind: "txt",
          name: "_acme-challenge.www.example.com",
          value: "v2",
          url: null,
          emails: [],
          status: null,
          source: "dnsRecords",
        },
        {
          kind: "challenge",
          name: null,
          value: "chal-token",
          url: null,
          emails: [],
          status: null,
          source: "certificateChallenge",
        },
      ],
    });
  });

  it("a list item says null for what the list shape lacks", () => {
    const item = GjirafaCertificateSchema.parse({
      id: 7,
      distributionId: "d-1",
      sslCertificateId: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
      domainName: "shop.example",
      additionalNames: "",
      certificateType: "Imported",
      certificateStatus: "Active",
      scope: "Project",
      lastModified: "2021-10-27T15:38:30.649Z",
    });
    const cert = normalizeGjirafaCertificate(PROJECT_P, item, NOW);
    expect(cert).toMatchObject({
      status: "active",
      issuer: null,
      not_before: null,
      expires_at: null,
      days_remaining: null,
      validity_days: null,
      updated_at: "2021-10-27T15:38:30.649Z",
      validation: { method: null, records: [], errors: [] },
    });
  });

  it("an unknown status is kept raw and normalized to unknown, never dropped", () => {
    const cert = normalizeGjirafaCertificate(PROJECT_P, { ...DETAIL, certificateStatus: "Quarantined" }, NOW);
    expect(cert).toMatchObject({ status: "unknown", provider_status: "Quarantined" });
  });

  it("days_remaining is negative once notAfter has passed", () => {
    const cert = normalizeGjirafaCertificate(PROJECT_P, { ...DETAIL, notAfter: "2026-11-20T00:00:00Z" }, NOW);
    expect(cert.days_remaining).toBe(-4);
  });
});
