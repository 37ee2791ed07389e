/**
 * Hostname rules and the reserved test domains both simulators share.
 *
 * Reserved domains (decided by hostname, so a test or the demo picks a behaviour just by naming a host):
 * - `*.stall.certgate.test`   validation never completes: Cloudflare packs stay in `pending_validation`,
 *                             Gjirafa certificates stay "Pending Validation" (domain.md: packs stuck for hours).
 * - `*.timeout.certgate.test` validation times out: Cloudflare `validation_timed_out` after the validation
 *                             step; Gjirafa "Failed" on validate.
 * - `*.fail.certgate.test`    the CA reports errors: Cloudflare `validation_errors` ("SERVFAIL looking up CAA
 *                             for <host>", the message of seed 003) then `validation_timed_out`; Gjirafa "Failed".
 * A host matches when it equals the domain or ends with `.<domain>` (a leading `*.` is ignored).
 */

export const STALL_DOMAIN = "stall.certgate.test";
export const TIMEOUT_DOMAIN = "timeout.certgate.test";
export const FAIL_DOMAIN = "fail.certgate.test";

export type ValidationBehaviour = "normal" | "stall" | "timeout" | "fail";

export function isUnder(host: string, domain: string): boolean {
  const h = baseHost(host).toLowerCase();
  const d = domain.toLowerCase();
  return h === d || h.endsWith(`.${d}`);
}

/** The behaviour a set of hosts gets: the most severe one any host asks for (stall > fail > timeout). */
export function behaviourOf(hosts: readonly string[]): ValidationBehaviour {
  if (hosts.some((h) => isUnder(h, STALL_DOMAIN))) return "stall";
  if (hosts.some((h) => isUnder(h, FAIL_DOMAIN))) return "fail";
  if (hosts.some((h) => isUnder(h, TIMEOUT_DOMAIN))) return "timeout";
  return "normal";
}

/** `*.example.com` -> `example.com`: the name DNS validation records are published under. */
export function baseHost(host: string): string {
  return host.startsWith("*.") ? host.slice(2) : host;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/**
 * A DNS hostname (RFC 1123 labels, at least two labels, at most 253 characters), optionally with one
 * leading wildcard label (`*.example.com`), the only wildcard form a CA issues (CA/B Baseline Requirements 3.2.2.6).
 */
export function isValidHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = baseHost(host).split(".");
  if (labels.length < 2) return false;
  return labels.every((label) => LABEL.test(label));
}
