/**
 * The UpstreamBudget's terms that its callers need too (windows, object names), in a module free of
 * the runtime's `cloudflare:workers`, so code that also runs in Node (scripts, the bench's key
 * generation through the registry) can import them.
 */

/** Length of the global window and of the per-key window, in seconds. */
export const WINDOW_SECONDS = 300;
export const KEY_WINDOW_SECONDS = 60;

/** Durable Object name of a credential's budget: never the credential, a digest of it. */
export function budgetObjectName(provider: string, credentialDigest: string): string {
  return `${provider}:${credentialDigest}`;
}
