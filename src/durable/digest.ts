/**
 * Digests that name or fingerprint things without holding them: a Durable Object never receives a
 * credential or a request body, only these.
 */
const encoder = new TextEncoder();

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** 128 bits of SHA-256: enough to tell credentials apart, and useless to anyone who reads it. */
export async function credentialDigest(credential: string): Promise<string> {
  return (await sha256Hex(credential)).slice(0, 32);
}

/**
 * The idempotency fingerprint of a request: SHA-256 over its method, path (with query) and body bytes.
 * The method and path are JSON-encoded first, so no choice of path and body can imitate another pair.
 */
export async function requestFingerprint(request: {
  method: string;
  path: string;
  body: string | Uint8Array;
}): Promise<string> {
  const head = encoder.encode(`${JSON.stringify([request.method.toUpperCase(), request.path])}\n`);
  const body = typeof request.body === "string" ? encoder.encode(request.body) : request.body;
  const all = new Uint8Array(head.length + body.length);
  all.set(head, 0);
  all.set(body, head.length);
  return sha256Hex(all);
}
