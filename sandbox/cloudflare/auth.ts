/**
 * Credential checks as api.cloudflare.com answers them (seed 003 "Security", domain.md):
 * `Authorization: Bearer <token>` or `X-Auth-Email` + `X-Auth-Key`.
 *
 * HTTP statuses, chosen to match what clients report from the real API:
 * - no credentials at all          -> 400, 9106 "Missing X-Auth-Key, X-Auth-Email or Authorization headers"
 *                                     (the API treats it as a malformed request, not as 401)
 * - Authorization not "Bearer x"   -> 400, 6003 "Invalid request headers" with error_chain 6111
 * - unknown token                  -> 403, 10000 "Authentication error"
 * - unknown email/key pair         -> 403, 9103 "Unknown X-Auth-Key or X-Auth-Email"
 * - token without the zone, or a read token on a write (seed 001 tokenPermissions #ssl:read / #ssl:edit)
 *                                  -> 403, 10000 "Authentication error"
 */
import { CF_CODES, type CloudflareError } from "./errors";

export type CloudflareCredential =
  | {
      token: string;
      /** "edit" (default) may order, patch and delete; "read" may list, get and read the quota. */
      permission?: "read" | "edit";
      /** Zone ids the token may touch; every zone when omitted. */
      zones?: string[];
    }
  | { email: string; key: string; zones?: string[] };

export type AuthOutcome = { ok: true } | { ok: false; status: number; errors: CloudflareError[] };

const authError = (): AuthOutcome => ({
  ok: false,
  status: 403,
  errors: [{ code: CF_CODES.authentication, message: "Authentication error" }],
});

export function authenticate(
  headers: Headers,
  credentials: readonly CloudflareCredential[],
  zoneId: string,
  write: boolean,
): AuthOutcome {
  const authorization = headers.get("authorization");
  const email = headers.get("x-auth-email");
  const key = headers.get("x-auth-key");
  let match: CloudflareCredential | undefined;
  if (authorization !== null) {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (token === undefined) {
      return {
        ok: false,
        status: 400,
        errors: [
          {
            code: CF_CODES.invalidHeaders,
            message: "Invalid request headers",
            error_chain: [
              {
                code: CF_CODES.invalidAuthorizationFormat,
                message: "Invalid format for Authorization header",
              },
            ],
          },
        ],
      };
    }
    match = credentials.find((c) => "token" in c && c.token === token);
    if (match === undefined) return authError();
  } else if (email !== null || key !== null) {
    if (email === null || key === null) {
      const missing = email === null ? "X-Auth-Email" : "X-Auth-Key";
      return {
        ok: false,
        status: 400,
        errors: [{ code: CF_CODES.missingCredentials, message: `Missing ${missing} header` }],
      };
    }
    match = credentials.find((c) => "email" in c && c.email === email && c.key === key);
    if (match === undefined) {
      return {
        ok: false,
        status: 403,
        errors: [{ code: CF_CODES.unknownKey, message: "Unknown X-Auth-Key or X-Auth-Email" }],
      };
    }
  } else {
    return {
      ok: false,
      status: 400,
      errors: [
        {
          code: CF_CODES.missingCredentials,
          message: "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
        },
      ],
    };
  }
  if (match.zones !== undefined && !match.zones.includes(zoneId)) return authError();
  if (write && "token" in match && match.permission === "read") return authError();
  return { ok: true };
}
