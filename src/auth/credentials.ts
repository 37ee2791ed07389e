/**
 * Client credentials stop at certgate: the native pass-through routes copy the caller's headers
 * through this, so no caller key, Access token or cookie ever reaches an upstream. certgate adds its
 * own upstream credentials afterwards.
 */
const CLIENT_CREDENTIAL_HEADERS = [
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "cookie",
  "cf-access-jwt-assertion",
  "cf-access-token",
  "cf-access-client-id",
  "cf-access-client-secret",
  "x-auth-email",
  "x-auth-key",
] as const;

/** A copy of `headers` without any credential the caller presented. The input is not changed. */
export function stripClientCredentials(headers: Headers): Headers {
  const out = new Headers(headers);
  for (const name of CLIENT_CREDENTIAL_HEADERS) out.delete(name);
  return out;
}
