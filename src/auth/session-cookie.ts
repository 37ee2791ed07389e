/**
 * The status page's session cookie (docs/status-page.md): who signed in and what their key granted,
 * signed with HMAC-SHA256 (RFC 2104), never the key itself.
 *
 *   <payload>.<signature>      both base64url without padding (RFC 4648 §5)
 *   payload   = JSON {v, name, key, scopes, zones, projects, iat, exp}; `key` is the SHA-256 digest of the
 *               API key, as API_KEYS holds it (no secret: it identifies the entry, it cannot be used as a key)
 *   signature = HMAC-SHA256(secret, "certgate-status-session." + <payload>)
 *
 * The cookie is `HttpOnly`, `SameSite=Strict`, `Path=/status` (the browser never sends it to the API),
 * `Max-Age` = the session's lifetime, and `Secure` with the `__Secure-` name prefix (RFC 6265bis §4.1.3.1)
 * except on plain-http loopback (the sandbox and the browser tests), where a browser would drop a
 * `Secure` cookie. Expiry is enforced here from the signed `exp`, whatever the browser keeps.
 */
import * as z from "zod";
import { isLoopbackHost } from "../config/fields";
import { PERMISSIONS } from "../config/grants";
import { encodeBase64Url } from "./encoding";

export const SESSION_COOKIE = "certgate_status";
/** The only path the cookie is sent to. */
export const SESSION_COOKIE_PATH = "/status";
/** Browsers keep cookies up to 4096 bytes (RFC 6265 §6.1); a bigger one is refused at sign-in. */
export const MAX_COOKIE_BYTES = 4_000;
/** Clock difference tolerated between the isolate that signed a session and the one reading it. */
const SKEW_SECONDS = 60;
const SIGNING_CONTEXT = "certgate-status-session.";

export const SessionClaimsSchema = z.object({
  v: z.literal(1),
  name: z.string().min(1).max(100),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  scopes: z.array(z.enum(PERMISSIONS)).min(1),
  zones: z.array(z.string().max(100)),
  projects: z.array(z.string().max(100)),
  /** Issued at and expires at, seconds since the epoch. */
  iat: z.number().int().nonnegative(),
  exp: z.number().int().nonnegative(),
});
export type SessionClaims = z.infer<typeof SessionClaimsSchema>;

const encoder = new TextEncoder();

/** The HMAC key of a secret (its UTF-8 bytes). */
export function importSessionKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

function decodeBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export async function signSession(key: CryptoKey, claims: SessionClaims): Promise<string> {
  const payload = encodeBase64Url(encoder.encode(JSON.stringify(claims)));
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(SIGNING_CONTEXT + payload));
  return `${payload}.${encodeBase64Url(new Uint8Array(signature))}`;
}

export type SessionCheck =
  | { ok: true; claims: SessionClaims }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" | "not_yet_valid" };

/**
 * The claims of a cookie value signed with `key` and valid at `nowMs`. The signature is checked first
 * (by the platform's constant-time HMAC verify), so nothing of an unsigned payload is ever parsed.
 */
export async function verifySession(key: CryptoKey, token: string, nowMs: number): Promise<SessionCheck> {
  if (token.length > MAX_COOKIE_BYTES) return { ok: false, reason: "malformed" };
  const parts = token.split(".");
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature) return { ok: false, reason: "malformed" };
  const mac = decodeBase64Url(signature);
  if (!mac) return { ok: false, reason: "malformed" };
  const valid = await crypto.subtle.verify("HMAC", key, mac, encoder.encode(SIGNING_CONTEXT + payload));
  if (!valid) return { ok: false, reason: "bad_signature" };
  const bytes = decodeBase64Url(payload);
  let data: unknown;
  try {
    data = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : null;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const parsed = SessionClaimsSchema.safeParse(data);
  if (!parsed.success) return { ok: false, reason: "malformed" };
  const now = Math.floor(nowMs / 1000);
  if (parsed.data.exp <= now) return { ok: false, reason: "expired" };
  if (parsed.data.iat > now + SKEW_SECONDS) return { ok: false, reason: "not_yet_valid" };
  return { ok: true, claims: parsed.data };
}

/** Plain http on a loopback host: the only place the cookie goes without `Secure`. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === "http:" && isLoopbackHost(url.hostname);
}

/** The cookie's name where `url` is served. */
export function sessionCookieName(url: URL): string {
  return isLoopbackHttp(url) ? SESSION_COOKIE : `__Secure-${SESSION_COOKIE}`;
}

function attributes(url: URL, maxAgeSeconds: number): string {
  const secure = isLoopbackHttp(url) ? "" : "; Secure";
  return `; Path=${SESSION_COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`;
}

/** `Set-Cookie` for a new session. */
export function sessionSetCookie(url: URL, token: string, maxAgeSeconds: number): string {
  return `${sessionCookieName(url)}=${token}${attributes(url, maxAgeSeconds)}`;
}

/** `Set-Cookie` that ends the session in the browser. */
export function clearedSessionCookie(url: URL): string {
  return `${sessionCookieName(url)}=${attributes(url, 0)}`;
}
