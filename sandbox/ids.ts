/** Identifier shapes of the two upstreams (Cloudflare: 32 hex, seed 001 `maxLength: 32`; Gjirafa: uuid, seed 004). */

export function randomHex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A Cloudflare identifier: 32 lowercase hex characters. */
export function cloudflareId(): string {
  return randomHex(16);
}

export const CLOUDFLARE_ID = /^[0-9a-f]{32}$/;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An ACME-style token: 43 base64url characters (a SHA-256 key authorization digest, RFC 8555 section 8.4). */
export function acmeToken(): string {
  const buf = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const b of buf) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
