/**
 * Verification of a Cloudflare Access application token (`Cf-Access-Jwt-Assertion` header or
 * `CF_Authorization` cookie), as Cloudflare documents it
 * (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json/):
 * RS256 only, `kid` from the team's JWKS, `iss` = the team domain, `aud` contains the application's
 * AUD tag, `exp`/`nbf` checked with a small clock skew. The JWS and its claims are checked by `jose`
 * (`jwtVerify`: signature first, then claims); certgate checks the header itself first, so a token
 * without `kid` or with any `alg` but RS256 never reaches key selection, and says which check failed.
 */
import { decodeProtectedHeader, errors, jwtVerify } from "jose";
import * as z from "zod";
import { AppError } from "../errors";
import type { JwksCache } from "./jwks";

/** RFC 7519 §4.1.4/§4.1.5: "a small leeway, usually no more than a few minutes". */
export const CLOCK_SKEW_SECONDS = 60;
/** Access tokens are about 1-2 KiB; cookies cap at 4 KiB. Anything much larger is refused unparsed. */
const MAX_TOKEN_LENGTH = 16_384;

// RFC 7515 §4.1.1: `alg` decides how the signature is checked, so it is pinned to RS256 here and
// `none`, HS256 (key-confusion with the public key) and every other value are refused.
const HeaderSchema = z.looseObject({
  alg: z.literal("RS256"),
  kid: z.string().min(1).max(256),
  typ: z.string().optional(),
  // RFC 7515 §4.1.11: a `crit` extension we do not understand makes the token invalid.
  crit: z.never().optional(),
});

const GroupSchema = z.union([
  z.string(),
  z.looseObject({ id: z.string().optional(), name: z.string().optional(), email: z.string().optional() }),
]);

const ClaimsSchema = z.looseObject({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  nbf: z.number().optional(),
  iat: z.number().optional(),
  sub: z.string().optional(),
  email: z.string().optional(),
  // Service tokens carry the client id here instead of an email.
  common_name: z.string().optional(),
  // Present only when the identity provider adds it; a malformed one is ignored, not fatal.
  groups: z.array(GroupSchema).optional().catch(undefined),
});
export type AccessClaims = z.infer<typeof ClaimsSchema>;

export interface AccessSettings {
  teamDomain: string;
  audience: string;
}

function invalid(reason: string): AppError {
  return new AppError("unauthorized", `Invalid Cloudflare Access token: ${reason}`);
}

/** Which check a `jose` failure stands for, in certgate's words. */
function reasonOf(err: unknown): string {
  if (err instanceof errors.JWSSignatureVerificationFailed) return "bad signature";
  if (err instanceof errors.JWTExpired) return "expired";
  if (err instanceof errors.JWTClaimValidationFailed && err.reason === "check_failed") {
    if (err.claim === "iss") return "wrong issuer";
    if (err.claim === "aud") return "wrong audience";
    if (err.claim === "nbf") return "not yet valid";
  }
  if (err instanceof errors.JWTClaimValidationFailed || err instanceof errors.JWTInvalid)
    return "malformed claims";
  return "not a valid JWS";
}

/** Verifies `token` and returns its claims, or throws 401 `unauthorized` saying which check failed. */
export async function verifyAccessJwt(
  token: string,
  settings: AccessSettings,
  jwks: JwksCache,
  nowMs: number,
): Promise<AccessClaims> {
  if (token.length > MAX_TOKEN_LENGTH) throw invalid("too long");
  if (token.split(".").length !== 3) throw invalid("not a JWS compact serialization");
  let protectedHeader: unknown;
  try {
    protectedHeader = decodeProtectedHeader(token);
  } catch {
    throw invalid("not a JWS compact serialization");
  }
  const header = HeaderSchema.safeParse(protectedHeader);
  if (!header.success) throw invalid("unsupported or malformed header (only RS256 is accepted)");

  const key = await jwks.keyFor(settings.teamDomain, header.data.kid);
  if (!key) throw invalid("unknown signing key");

  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ["RS256"],
      issuer: settings.teamDomain,
      audience: settings.audience,
      requiredClaims: ["exp"],
      currentDate: new Date(nowMs),
      clockTolerance: CLOCK_SKEW_SECONDS,
    }));
  } catch (err) {
    throw invalid(reasonOf(err));
  }
  const claims = ClaimsSchema.safeParse(payload);
  if (!claims.success) throw invalid("malformed claims");
  return claims.data;
}
