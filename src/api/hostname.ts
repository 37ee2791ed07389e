/**
 * Hostnames as certificate names: lowercase LDH labels (RFC 1123 §2.1), at most 253 characters,
 * labels 1-63, at least two labels, an optional leading `*.` wildcard label (RFC 6125 §6.4.3 allows
 * the wildcard only as the complete left-most label). Unicode names must be sent as punycode (A-labels).
 */
import * as z from "zod";

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function isHostname(value: string, allowWildcard = true): boolean {
  if (value.length === 0 || value.length > 253) return false;
  const labels = value.split(".");
  if (labels.length < 2) return false;
  const [first, ...rest] = labels;
  if (first === "*") {
    if (!allowWildcard || rest.length < 2) return false;
    return rest.every((l) => LABEL.test(l));
  }
  return labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1] ?? "");
}

export const HostnameSchema = z
  .string()
  .max(253)
  .transform((s) => s.trim().toLowerCase().replace(/\.$/, ""))
  .refine((s) => isHostname(s), {
    message: "must be a hostname like www.example.com or *.example.com (use punycode for non-ASCII names)",
  });

/** Does `pattern` (a hostname or `*.` wildcard) match `host`? A wildcard covers exactly one label. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (p.startsWith("*.")) {
    const suffix = p.slice(1); // ".example.com"
    return h.endsWith(suffix) && !h.slice(0, -suffix.length).includes(".") && h.length > suffix.length;
  }
  return false;
}
