/**
 * Gjirafa credentials (seed 004 "Headers: Authorization or X-API-Key"; domain.md: project- or
 * organization-scoped keys that expire). Missing, unknown or expired key -> 401 with a
 * `WWW-Authenticate: Bearer` challenge (RFC 6750 section 3); a valid key for another project -> 403.
 */
export interface GjirafaApiKey {
  key: string;
  /** Project ids the key may use; all projects (an organization key) when omitted. */
  projects?: string[];
  /** Epoch ms after which the key is refused. */
  expiresAt?: number;
}

export type GjirafaAuth = { ok: true } | { ok: false; status: 401 | 403; error: string };

export function presentedKey(headers: Headers): string | null {
  const apiKey = headers.get("x-api-key");
  if (apiKey !== null && apiKey.trim() !== "") return apiKey.trim();
  const authorization = headers.get("authorization");
  if (authorization === null) return null;
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] ?? null;
}

export function authenticateGjirafa(
  headers: Headers,
  keys: readonly GjirafaApiKey[],
  projectId: string,
  now: number,
): GjirafaAuth {
  const presented = presentedKey(headers);
  if (presented === null) {
    return {
      ok: false,
      status: 401,
      error: "Unauthorized: send an X-API-Key header or an Authorization bearer token.",
    };
  }
  const key = keys.find((k) => k.key === presented);
  if (key === undefined) return { ok: false, status: 401, error: "Unauthorized: invalid API key." };
  if (key.expiresAt !== undefined && now >= key.expiresAt) {
    return { ok: false, status: 401, error: "Unauthorized: the API key has expired." };
  }
  if (
    key.projects !== undefined &&
    !key.projects.map((p) => p.toLowerCase()).includes(projectId.toLowerCase())
  ) {
    return { ok: false, status: 403, error: "Forbidden: the API key has no access to this project." };
  }
  return { ok: true };
}
