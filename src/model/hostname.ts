/**
 * Hostname rules both providers' request schemas share: RFC 1123 labels (letters, digits, hyphens, not
 * at either end, 1..63 characters), at least two labels, at most 253 characters, and optionally ONE
 * leading wildcard label (`*.example.com`), the only wildcard form a CA issues (CA/B Baseline
 * Requirements 3.2.2.6). Hostnames are compared lowercase (RFC 4343).
 */
import * as z from "zod";

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function isHostname(host: string, allowWildcard = true): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const base = allowWildcard && host.startsWith("*.") ? host.slice(2) : host;
  const labels = base.split(".");
  return labels.length >= 2 && labels.every((label) => LABEL.test(label));
}

/** A hostname, trimmed and lowercased before the check. */
export const HostnameSchema = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => isHostname(s), "must be a hostname like example.com or *.example.com");

/** A list of hostnames without duplicates (after lowercasing). */
export function hostnameList(min: number, max: number) {
  return z
    .array(HostnameSchema)
    .min(min)
    .max(max)
    .superRefine((hosts, ctx) => {
      const seen = new Set<string>();
      hosts.forEach((host, index) => {
        if (seen.has(host))
          ctx.addIssue({ code: "custom", path: [index], message: `duplicate host ${host}` });
        seen.add(host);
      });
    });
}

/**
 * Does `pattern` (a certificate's hostname, possibly `*.` wildcard) cover `host`? A wildcard covers
 * exactly one left-most label (RFC 6125 §6.4.3): `*.example.com` covers `www.example.com`, not
 * `example.com` nor `a.b.example.com`. Compared lowercase (RFC 4343).
 */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (!p.startsWith("*.")) return false;
  const suffix = p.slice(1); // ".example.com"
  return h.length > suffix.length && h.endsWith(suffix) && !h.slice(0, -suffix.length).includes(".");
}
