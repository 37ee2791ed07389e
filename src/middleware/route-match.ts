/**
 * Which methods a path would match, from Hono's registered routes: lets the 404 handler answer
 * 405 with `Allow` (RFC 9110 §15.5.6) for a known path used with the wrong method. `path` is the path
 * the router saw (app.ts routes without strict trailing slashes, so one trailing slash is already gone):
 * it is matched exactly, so `Allow` never names a method the router would not serve on that path.
 */
interface RouteLike {
  method: string;
  path: string;
}

function toRegExp(pattern: string): RegExp {
  const source = pattern
    .split("/")
    .map((segment) => {
      if (segment === "*") return ".*";
      if (segment.startsWith(":")) {
        const custom = segment.match(/\{(.+)\}$/);
        return custom ? `(?:${custom[1]})` : "[^/]+";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return new RegExp(`^${source}$`);
}

export function methodsAllowedFor(routes: readonly RouteLike[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || route.path.endsWith("*")) continue; // middleware, not endpoints
    if (toRegExp(route.path).test(path)) methods.add(route.method);
  }
  return [...methods].sort();
}
