import { describe, expect, it } from "vitest";
import { REDACTED, redactText, redactValue } from "../src/redact";

const KEY = "cg_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd";
const PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";

describe("redactText", () => {
  it.each([
    ["a certgate key", `key=${KEY} end`, "key=cg_[REDACTED] end"],
    ["a bearer token", "Authorization: Bearer abcdefgh12345678", "Authorization: Bearer [REDACTED]"],
    ["basic credentials", "basic dXNlcjpwYXNzd29yZA==", "basic [REDACTED]"],
    ["a PEM private key", `before ${PEM} after`, "before [REDACTED PRIVATE KEY] after"],
    ["an unterminated PEM key", "-----BEGIN RSA PRIVATE KEY-----\nMIIE", "[REDACTED PRIVATE KEY]"],
    ["a configured secret, every occurrence", "t=supersecret1 u=supersecret1", `t=${REDACTED} u=${REDACTED}`],
    ["nothing sensitive", "GET /v1/certificates 200", "GET /v1/certificates 200"],
    ["a short value that only looks like a secret", "short", "short"],
  ])("%s", (_name, input, expected) => {
    expect(redactText(input, ["supersecret1", "short"])).toBe(expected);
  });
});

describe("redactValue", () => {
  it("replaces sensitive fields by name and redacts every string, deeply, without touching the input", () => {
    const input = { authorization: "x", nested: [{ certificatePrivateKey: PEM, note: `saw ${KEY}` }], n: 1 };
    expect(redactValue(input)).toEqual({
      authorization: REDACTED,
      nested: [{ certificatePrivateKey: REDACTED, note: "saw cg_[REDACTED]" }],
      n: 1,
    });
    expect(input.authorization).toBe("x");
  });
});
