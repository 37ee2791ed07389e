/** Gjirafa certificate -> certgate model: hosts from one string, list items say null, validation records. */
import { describe, expect, it } from "vitest";
import { CertificateSchema } from "../../src/model/certificate";
import { hostsOf, normalizeGjirafaCertificate } from "../../src/providers/gjirafa/normalize";
import { GjirafaCertificateSchema } from "../../src/providers/gjirafa/schemas";
import { PROJECT_P } from "../helpers/ids";

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
