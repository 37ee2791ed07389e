/**
 * Verification of a Cloudflare Access application token (`Cf-Access-Jwt-Assertion` header or
 * `CF_Authorization` cookie), as Cloudflare documents it
 * (developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json/):
 * RS256 only, `kid` from the team's JWKS, `iss` = the team domain, `aud` contains the application's
 * AUD tag, `exp`/`nbf` checked with a small clock skew. The signature is checked before any claim
 * is trusted.
 */
import * as z from "zod";
import { AppError } from "../errors";
import { decodeBase64Url } from "./base64url";
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

const RS256 = { name: "RSASSA-PKCS1-v1_5" } as const;

function invalid(reason: string): AppError {
  return new AppError("unauthorized", `Invalid Cloudflare Access token: ${reason}`);
}

function decodeJson(part: string): unknown {
  const bytes = decodeBase64Url(part);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return undefined;
  }
}

/** Verifies `token` and returns its claims, or throws 401 `unauthorized` saying which check failed. */
export async function verifyAccessJwt(
  token: string,
  settings: AccessSettings,
  jwks: JwksCache,
  nowMs: number,
): Promise<AccessClaims> {
  if (token.length > MAX_TOKEN_LENGTH) throw invalid("too long");
  const parts = token.split(".");
  const [headerPart, payloadPart, signaturePart] = parts;
  if (parts.length !== 3 || !headerPart || !payloadPart || signaturePart === undefined) {
    throw invalid("not a JWS compact serialization");
  }
  const header = HeaderSchema.safeParse(decodeJson(headerPart));
  if (!header.success) throw invalid("unsupported or malformed header (only RS256 is accepted)");

  const signature = decodeBase64Url(signaturePart);
  if (!signature || signature.length === 0) throw invalid("malformed signature");

  const key = await jwks.keyFor(settings.teamDomain, header.data.kid);
  if (!key) throw invalid("unknown signing key");

  // RFC 7515 §5.2: the signing input is the ASCII of `header.payload` as received.
  const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
  const valid = await crypto.subtle.verify(RS256, key, signature, signed);
  if (!valid) throw invalid("bad signature");

  const claims = ClaimsSchema.safeParse(decodeJson(payloadPart));
  if (!claims.success) throw invalid("malformed claims");
  const c = claims.data;
  if (c.iss !== settings.teamDomain) throw invalid("wrong issuer");
  const audiences = typeof c.aud === "string" ? [c.aud] : c.aud;
  if (!audiences.includes(settings.audience)) throw invalid("wrong audience");
  const now = nowMs / 1000;
  if (now > c.exp + CLOCK_SKEW_SECONDS) throw invalid("expired");
  if (c.nbf !== undefined && now < c.nbf - CLOCK_SKEW_SECONDS) throw invalid("not yet valid");
  return c;
}
