/**
 * Cloudflare Access stand-in: a locally generated RSA key pair, its JWKS served from a routedFetch
 * handler, and a signer for tokens (valid or deliberately broken).
 */
import { encodeBase64Url } from "../../src/auth/encoding";
import type { Handler } from "../helpers/deps";

export const TEAM = "https://certgate-test.cloudflareaccess.com";
export const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JsonWebKey & { kid: string };
}

export async function makeSigningKey(kid: string): Promise<SigningKey> {
  const pair = (await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const pub = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  return {
    kid,
    privateKey: pair.privateKey,
    jwk: { kty: "RSA", n: pub.n, e: pub.e, alg: "RS256", use: "sig", kid },
  };
}

const json64 = (v: unknown) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(v)));

export async function sign(
  key: SigningKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: "RS256", kid: key.kid, typ: "JWT" },
): Promise<string> {
  const input = `${json64(header)}.${json64(claims)}`;
  const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key.privateKey, new TextEncoder().encode(input));
  return `${input}.${encodeBase64Url(new Uint8Array(sig))}`;
}

/** Claims of a valid identity token at `nowMs`, with overrides. */
export function claims(nowMs: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(nowMs / 1000);
  return {
    iss: TEAM,
    aud: [AUD],
    sub: "7335d417-61da-459d-899c-0a01c76a2f94",
    email: "alice@example.com",
    type: "app",
    iat: now,
    nbf: now,
    exp: now + 3600,
    ...overrides,
  };
}

/** Serves `${TEAM}/cdn-cgi/access/certs` with the current `keys()`; counts the fetches. */
export function jwksHandler(keys: () => SigningKey[]): Handler & { hits: () => number } {
  let hits = 0;
  const handler: Handler = (request) => {
    const url = new URL(request.url);
    if (url.pathname !== "/cdn-cgi/access/certs") return new Response("not found", { status: 404 });
    hits++;
    return Response.json({ keys: keys().map((k) => k.jwk), public_cert: { kid: "x", cert: "..." } });
  };
  return Object.assign(handler, { hits: () => hits });
}
