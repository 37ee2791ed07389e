/**
 * The envelope invariant of every answer, per front door (src/envelope-family.ts):
 * - certgate (/v1, everything else): `{success, errors: [{code, message, ...}], messages, result}`;
 * - Cloudflare pass-through: the same v4 family, but every `code` is an integer (Cloudflare's own when
 *   Cloudflare raised the error, else certgate's number, docs/errors.md) and certgate's string code is in
 *   `certgate_code`;
 * - Gjirafa pass-through: `errors` are strings (`"<certgate code>: <message>"`), `resultInfo` is null.
 * `inspect` checks the shape and returns what a test asserts on: the certgate code, and whether the
 * failure is attributed to an upstream (only such answers may have cost an upstream call).
 */
import { expect } from "vitest";
import { ERROR_CODES } from "../../src/errors";

export type Family = "certgate" | "cloudflare" | "gjirafa";

export function familyOf(path: string): Family {
  if (path.startsWith("/cloudflare/")) return "cloudflare";
  if (path.startsWith("/gjirafa/")) return "gjirafa";
  return "certgate";
}

export interface Inspected {
  success: boolean;
  /** certgate's error code (undefined on success). */
  code: string | undefined;
  /** The failure names an upstream answer (provider + upstream code, or "... answered ..."). */
  fromUpstream: boolean;
  message: string;
}

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Asserts the envelope of `body` for `family` and `status`; returns the error's facts. */
export function inspect(family: Family, status: number, body: unknown): Inspected {
  expect(isRecord(body), "body is a JSON object").toBe(true);
  if (!isRecord(body)) throw new Error("unreachable");
  expect(Array.isArray(body.errors), "errors is an array").toBe(true);
  expect(Array.isArray(body.messages), "messages is an array").toBe(true);
  expect("result" in body, "result is present").toBe(true);
  const errors = body.errors as unknown[];
  if (status < 400) {
    expect(body.success).toBe(true);
    return { success: true, code: undefined, fromUpstream: false, message: "" };
  }
  expect(body.success).toBe(false);
  expect(body.result).toBeNull();
  expect(errors.length).toBeGreaterThan(0);
  const first = errors[0];
  if (family === "gjirafa") {
    expect(typeof first).toBe("string");
    expect(body.resultInfo).toBeNull();
    const text = String(first);
    const match = /^([a-z_]+): ([\s\S]*)$/.exec(text);
    expect(match, `gjirafa error string: ${text}`).not.toBeNull();
    const code = match?.[1] ?? "";
    expect(CODES.has(code), `known code ${code}`).toBe(true);
    return { success: false, code, fromUpstream: / answered \d{3}/.test(text), message: text };
  }
  expect(isRecord(first)).toBe(true);
  if (!isRecord(first)) throw new Error("unreachable");
  expect(typeof first.message).toBe("string");
  let code: string;
  if (family === "cloudflare") {
    // Integer codes only on the Cloudflare door (Cloudflare's schema; Go structs), certgate's code beside.
    expect(Number.isInteger(first.code), `integer code on the Cloudflare door: ${String(first.code)}`).toBe(
      true,
    );
    expect(first.code as number).toBeGreaterThanOrEqual(1000);
    expect(typeof first.certgate_code).toBe("string");
    code = String(first.certgate_code);
  } else {
    expect(typeof first.code).toBe("string");
    code = String(first.code);
  }
  expect(CODES.has(code), `known code ${code}`).toBe(true);
  // Upstream-attributed: the provider's own code, or a state conflict read from the upstream (current_status).
  const fromUpstream =
    typeof first.provider === "string" &&
    (first.upstream_code !== undefined || first.current_status !== undefined);
  return { success: false, code, fromUpstream, message: String(first.message) };
}
