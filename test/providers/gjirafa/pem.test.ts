/** The PEM check that runs before any import is sent: right kinds, decodable base64, and no echo. */
import { describe, expect, it } from "vitest";
import {
  SAMPLE_CERTIFICATE,
  SAMPLE_CHAIN,
  SAMPLE_PRIVATE_KEY,
} from "../../../sandbox/gjirafa/sample-certificates";
import { AppError } from "../../../src/errors";
import { assertImportPem, pemProblem } from "../../../src/providers/gjirafa/pem";

const KEY_BODY =
  "MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmw==";

const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;

describe("pemProblem", () => {
  it("accepts the right kinds", () => {
    expect(pemProblem(SAMPLE_CERTIFICATE, "certificate")).toBeNull();
    expect(pemProblem(SAMPLE_CHAIN, "chain")).toBeNull();
    expect(pemProblem(`${SAMPLE_CHAIN}\n\n${SAMPLE_CHAIN}\n`, "chain")).toBeNull();
    for (const label of ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]) {
      expect(pemProblem(pem(label, KEY_BODY), "private_key")).toBeNull();
    }
    expect(pemProblem(SAMPLE_PRIVATE_KEY, "private_key")).toBeNull();
  });

  it.each([
    ["empty", ""],
    ["whitespace", " \n\t\r\n "],
  ])("accepts an %s chain (seed 004 does not require chain content)", (_name, chain) => {
    expect(pemProblem(chain, "chain")).toBeNull();
  });

  it.each([
    ["empty", "", "certificate"],
    ["empty", "", "private_key"],
    ["not a string", undefined, "chain"],
    ["garbage", "not a chain", "chain"],
    ["bad base64", pem("CERTIFICATE", "MII%%%notbase64"), "chain"],
    ["not a string", 42, "certificate"],
    ["not PEM", "hello", "certificate"],
    ["a key where a certificate belongs", pem("PRIVATE KEY", KEY_BODY), "certificate"],
    ["two certificates as the certificate", `${SAMPLE_CERTIFICATE}\n${SAMPLE_CHAIN}`, "certificate"],
    ["bad base64", pem("CERTIFICATE", "MII%%%notbase64"), "certificate"],
    ["base64 that is not DER", pem("CERTIFICATE", "aGVsbG8gd29ybGQh"), "certificate"],
    ["text between blocks", `${SAMPLE_CHAIN}\nBag Attributes\n${SAMPLE_CHAIN}`, "chain"],
    ["a key in the chain", `${SAMPLE_CHAIN}\n${pem("PRIVATE KEY", KEY_BODY)}`, "chain"],
    ["a certificate as the key", SAMPLE_CERTIFICATE, "private_key"],
    ["an encrypted key", pem("ENCRYPTED PRIVATE KEY", KEY_BODY), "private_key"],
    ["two keys", `${pem("PRIVATE KEY", KEY_BODY)}\n${pem("PRIVATE KEY", KEY_BODY)}`, "private_key"],
    ["mismatched armor", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----", "private_key"],
  ] as const)("refuses %s", (_name, value, kind) => {
    expect(pemProblem(value, kind)).toEqual(expect.any(String));
  });
});

describe("assertImportPem", () => {
  it("names every bad field and never echoes a value", () => {
    const secretKey = pem("ENCRYPTED PRIVATE KEY", KEY_BODY);
    let caught: unknown;
    try {
      assertImportPem({ certificate: "nope", private_key: secretKey, chain: SAMPLE_CHAIN });
    } catch (err) {
      caught = err;
    }
    if (!(caught instanceof AppError)) throw new Error("expected an AppError");
    const err = caught;
    expect(err.code).toBe("validation_failed");
    expect(err.status).toBe(400);
    expect(err.details.fields?.map((f) => f.path)).toEqual(["body.certificate", "body.private_key"]);
    const all = JSON.stringify({ message: err.message, details: err.details });
    expect(all).not.toContain(KEY_BODY.slice(0, 20));
    expect(all).not.toContain("nope");
  });

  it("passes without a chain, and names a garbage chain without echoing it", () => {
    expect(() =>
      assertImportPem({ certificate: SAMPLE_CERTIFICATE, private_key: SAMPLE_PRIVATE_KEY, chain: "" }),
    ).not.toThrow();
    let caught: unknown;
    try {
      assertImportPem({
        certificate: SAMPLE_CERTIFICATE,
        private_key: SAMPLE_PRIVATE_KEY,
        chain: "garbage-chain-text",
      });
    } catch (err) {
      caught = err;
    }
    if (!(caught instanceof AppError)) throw new Error("expected an AppError");
    expect(caught.details.fields?.map((f) => f.path)).toEqual(["body.chain"]);
    expect(JSON.stringify({ m: caught.message, d: caught.details })).not.toContain("garbage-chain-text");
  });

  it("passes well-formed material", () => {
    expect(() =>
      assertImportPem({
        certificate: SAMPLE_CERTIFICATE,
        private_key: SAMPLE_PRIVATE_KEY,
        chain: SAMPLE_CHAIN,
      }),
    ).not.toThrow();
  });
});
