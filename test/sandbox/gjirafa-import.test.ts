/**
 * Gjirafa import (seed 004 POST .../certificates/import): PEM armor, a real X.509 read of names, issuer,
 * serial, validity, algorithms; and the private key is never stored or echoed (domain.md).
 */
import { describe, expect, it } from "vitest";
import { parsePem } from "../../sandbox/gjirafa/pem";
import { parseCertificate } from "../../sandbox/gjirafa/x509";
import {
  SAMPLE_CERTIFICATE,
  SAMPLE_CHAIN,
  SAMPLE_EXPIRED_CERTIFICATE,
  SAMPLE_PRIVATE_KEY,
} from "../../sandbox/index";
import { type GjDetail, gjirafaHarness } from "./gj-harness";

const KEY_MATERIAL = SAMPLE_PRIVATE_KEY.split("\n")[1] ?? "";

function importBody(change: Record<string, unknown> = {}) {
  return {
    certificateBody: SAMPLE_CERTIFICATE,
    certificatePrivateKey: SAMPLE_PRIVATE_KEY,
    certificateChain: SAMPLE_CHAIN,
    scopeId: 1,
    ...change,
  };
}

describe("POST certificates/import", () => {
  it("reads the certificate's fields from its DER", async () => {
    const h = gjirafaHarness();
    const res = await h.call<GjDetail>("POST", `${h.certs}/import`, { body: importBody({ scopeId: 2 }) });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({
      scopeId: 2,
      domainName: "imported.demo.certgate.test",
      additionalNames: "www.imported.demo.certgate.test",
      certificateType: "Imported",
      certificateStatus: "Active",
      issuer: "CN=certgate sandbox test CA, O=certgate sandbox, C=XK",
      serialNumber: "0123456789ABCDEF",
      signatureAlgorithm: "sha256ECDSA",
      publicKeyInfo: "ECC (256 Bits)",
      notBefore: "2026-01-01T00:00:00.000Z",
      notAfter: "2027-01-01T00:00:00.000Z",
      dnsRecords: [],
      certificateChallenge: null,
    });
  });

  it("marks an already expired certificate Expired and reads an RSA key size", async () => {
    const h = gjirafaHarness();
    const res = await h.call<GjDetail>("POST", `${h.certs}/import`, {
      body: importBody({ certificateBody: SAMPLE_EXPIRED_CERTIFICATE, certificateChain: "" }),
    });
    expect(res.body.result).toMatchObject({
      domainName: "legacy.demo.certgate.test",
      additionalNames: "",
      certificateStatus: "Expired",
      publicKeyInfo: "RSA (2048 Bits)",
      serialNumber: "0123456789ABCDF0",
    });
  });

  it("marks a certificate whose notBefore is ahead Inactive", async () => {
    const h = gjirafaHarness();
    h.clock.set(Date.UTC(2025, 11, 1));
    const res = await h.call<GjDetail>("POST", `${h.certs}/import`, { body: importBody() });
    expect(res.body.result.certificateStatus).toBe("Inactive");
  });

  it("never stores or echoes the private key", async () => {
    const h = gjirafaHarness();
    const res = await h.call<GjDetail>("POST", `${h.certs}/import`, { body: importBody() });
    const id = res.body.result.id;
    const got = await h.call("GET", `${h.certs}/${id}`);
    const listed = await h.call("GET", h.certs);
    for (const seen of [res.body, got.body, listed.body, h.sim.certificates(h.sim.projectIds()[0] ?? "")]) {
      expect(JSON.stringify(seen)).not.toContain(KEY_MATERIAL);
      expect(JSON.stringify(seen)).not.toContain("PRIVATE KEY");
    }
  });

  const garbage = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
  it.each([
    ["no certificateBody", { certificateBody: undefined }, "The CertificateBody field is required."],
    [
      "no armor",
      { certificateBody: "MIIB..." },
      "CertificateBody must be one PEM encoded certificate (-----BEGIN CERTIFICATE-----).",
    ],
    [
      "bad base64",
      { certificateBody: SAMPLE_CERTIFICATE.replace("MIIC", "M!IC") },
      "CertificateBody must be one PEM encoded certificate (-----BEGIN CERTIFICATE-----).",
    ],
    [
      "two certificates",
      { certificateBody: `${SAMPLE_CERTIFICATE}\n${SAMPLE_CHAIN}` },
      "CertificateBody must be one PEM encoded certificate (-----BEGIN CERTIFICATE-----).",
    ],
    [
      "a key as the body",
      { certificateBody: SAMPLE_PRIVATE_KEY },
      "CertificateBody must be one PEM encoded certificate (-----BEGIN CERTIFICATE-----).",
    ],
    ["not X.509 inside", { certificateBody: garbage }, "CertificateBody is not a valid X.509 certificate."],
    ["no key", { certificatePrivateKey: "" }, "The CertificatePrivateKey field is required."],
    [
      "a certificate as the key",
      { certificatePrivateKey: SAMPLE_CHAIN },
      "CertificatePrivateKey must be one PEM encoded private key.",
    ],
    ["no chain field", { certificateChain: undefined }, "The CertificateChain field is required."],
    [
      "a key in the chain",
      { certificateChain: SAMPLE_PRIVATE_KEY },
      "CertificateChain must be PEM encoded certificates.",
    ],
    [
      "text in the chain",
      { certificateChain: "hello" },
      "CertificateChain must be PEM encoded certificates.",
    ],
    ["no scopeId", { scopeId: undefined }, "The ScopeId field is required."],
  ])("rejects %s with 400", async (_name, change, error) => {
    const h = gjirafaHarness();
    const res = await h.call("POST", `${h.certs}/import`, { body: importBody(change) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContain(error);
    expect(JSON.stringify(res.body)).not.toContain(KEY_MATERIAL);
  });
});

describe("PEM and X.509 readers", () => {
  it("parse a self-signed CA without SANs", () => {
    const [block] = parsePem(SAMPLE_CHAIN) ?? [];
    if (block === undefined) throw new Error("no PEM block");
    const info = parseCertificate(block.der);
    expect(info.subjectCommonName).toBe("certgate sandbox test CA");
    expect(info.dnsNames).toEqual([]);
    expect(info.issuer).toBe("CN=certgate sandbox test CA, O=certgate sandbox, C=XK");
    expect(info.notAfter).toBeGreaterThan(info.notBefore);
  });

  it.each([
    ["truncated DER", (der: Uint8Array) => der.slice(0, der.length - 10)],
    ["trailing bytes", (der: Uint8Array) => Uint8Array.from([...der, 0])],
    ["not a SEQUENCE", (der: Uint8Array) => Uint8Array.from([0x04, ...der.slice(1)])],
  ])("refuse %s", (_name, mangle) => {
    const [block] = parsePem(SAMPLE_CERTIFICATE) ?? [];
    if (block === undefined) throw new Error("no PEM block");
    expect(() => parseCertificate(mangle(block.der))).toThrow();
  });

  it("refuse text around PEM blocks", () => {
    expect(parsePem(`junk\n${SAMPLE_CERTIFICATE}`)).toBeNull();
    expect(parsePem(`${SAMPLE_CERTIFICATE}\n\n${SAMPLE_CHAIN}\n`)).toHaveLength(2);
  });
});
