/**
 * Path patterns for fault rules and call-log filters. A string matches a path SUFFIX at a segment
 * boundary, so the same pattern works whatever prefix a simulator is served under (`/client/v4`, `/cf`, none):
 *   "/ssl/certificate_packs/order"     literal suffix
 *   "/zones/* /ssl/certificate_packs"  `*` is one segment (written without the space)
 *   "/certificates/**"                 `**` is any run of characters, slashes included
 * A RegExp is tested against the whole path as is.
 */
export type PathPattern = string | RegExp;

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split("**")
    .map((part) => part.split("*").map(escapeRegExp).join("[^/]*"))
    .join(".*");
  const anchor = glob.startsWith("/") ? "" : "(?:^|/)";
  return new RegExp(`${anchor}${body}$`);
}

export function matchesPath(path: string, pattern: PathPattern): boolean {
  if (pattern instanceof RegExp) return pattern.test(path);
  return globToRegExp(pattern).test(path);
}
