/**
 * certgate API keys: `cg_` + base64url of 32 random bytes (src/auth/keygen.ts), presented as
 * `Authorization: Bearer <key>` (RFC 6750 §2.1) or `X-API-Key: <key>`. API_KEYS holds SHA-256 digests
 * only, so a leaked config does not leak keys; the presented key's digest is compared against every
 * entry in constant time, without early exit, so timing reveals neither which entry nor how many
 * leading bytes matched.
 */
import type { ApiKeyEntry } from "../config/grants";
import { AppError } from "../errors";
import { fromHex } from "./encoding";

export const API_KEY_PREFIX = "cg_";
/** Generated keys are 46 characters; anything far outside this shape is refused before hashing. */
const KEY_SHAPE = /^cg_[A-Za-z0-9_-]{16,200}$/;
/** Longer headers are refused outright (and never hashed). */
const MAX_HEADER_LENGTH = 512;
/** RFC 7235 §2.1: the auth scheme is case-insensitive. */
const BEARER = /^Bearer +(\S+) *$/i;

export type KeyPresentation = { kind: "none" } | { kind: "key"; key: string };

/**
 * The key the caller presented, from `Authorization: Bearer` or `X-API-Key`. Throws 401 for a
 * malformed presentation: another scheme, a token that is not a certgate key, an absurd length, or
 * both headers present with different keys.
 */
export function presentedKey(headers: Headers): KeyPresentation {
  const authorization = headers.get("authorization");
  const apiKey = headers.get("x-api-key");
  let fromAuthorization: string | undefined;
  if (authorization !== null) {
    if (authorization.length > MAX_HEADER_LENGTH) throw malformed();
    const match = BEARER.exec(authorization.trim());
    if (!match?.[1]) throw new AppError("unauthorized", "Authorization must use the Bearer scheme");
    fromAuthorization = match[1];
  }
  const fromHeader = apiKey === null ? undefined : apiKey.trim();
  if (fromHeader !== undefined && fromHeader.length > MAX_HEADER_LENGTH) throw malformed();
  if (fromAuthorization !== undefined && fromHeader !== undefined && fromAuthorization !== fromHeader) {
    throw new AppError("unauthorized", "Authorization and X-API-Key carry different keys");
  }
  const key = fromAuthorization ?? fromHeader;
  if (key === undefined) return { kind: "none" };
  if (!KEY_SHAPE.test(key)) throw malformed();
  return { kind: "key", key };
}

/**
 * A key typed into a form (the status page's sign-in, auth/browser-credentials.ts), by the same length
 * and shape rules as the headers. Throws 401 for anything else.
 */
export function formKey(value: string): string {
  const key = value.trim();
  if (key.length > MAX_HEADER_LENGTH || !KEY_SHAPE.test(key)) throw malformed();
  return key;
}

function malformed(): AppError {
  return new AppError("unauthorized", "Malformed API key: certgate keys look like cg_...");
}

export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * Constant-time equality of two byte strings of the same length (the length of a SHA-256 digest is
 * public). Accumulates every byte difference; no branch depends on the contents.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * The entry whose digest equals `digest`, compared against every entry (no early exit). `equal` is
 * injectable so a test can observe that every entry is visited whatever the position of the match.
 */
export function findKeyEntry(
  entries: readonly ApiKeyEntry[],
  digest: Uint8Array,
  equal: (a: Uint8Array, b: Uint8Array) => boolean = constantTimeEqual,
): ApiKeyEntry | undefined {
  let found: ApiKeyEntry | undefined;
  for (const entry of entries) {
    // Config validated the digest as 64 hex characters; an unparsable one simply never matches.
    const expected = fromHex(entry.sha256) ?? new Uint8Array(32);
    const same = equal(expected, digest);
    // The first match wins; later entries are still compared so the loop time does not depend on it.
    if (same && found === undefined) found = entry;
  }
  return found;
}

/** Resolves a presented key to its entry, or throws 401 for an unknown key. */
export async function authenticateKey(entries: readonly ApiKeyEntry[], key: string): Promise<ApiKeyEntry> {
  const entry = findKeyEntry(entries, await sha256(key));
  if (!entry) throw new AppError("unauthorized", "Invalid API key");
  return entry;
}
