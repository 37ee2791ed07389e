/** Public: the OpenAPI document of the unified API (from the route declarations) and the docs page. */
import { buildOpenApiDocument } from "../http/openapi";
import { type Route, route } from "../http/route";
import { DOCS_HTML } from "./docs-page";

/** `documented()`: every route of the app, read when the document is first asked for. */
export function docsRoutes(documented: () => readonly Route[], providers: readonly string[]): Route[] {
  let document: string | undefined; // built once per isolate, on first use
  return [
    route({
      method: "GET",
      path: "/openapi.json",
      access: "public",
      summary: "The OpenAPI 3.1 document of the unified API",
      handler(_input, c) {
        document ??= JSON.stringify(buildOpenApiDocument(documented(), providers));
        return c.body(document, 200, {
          "Content-Type": "application/json",
          "Cache-Control": "public, max-age=300",
        });
      },
    }),
    route({
      method: "GET",
      path: "/docs",
      access: "public",
      summary: "Interactive API documentation",
      handler: (_input, c) =>
        c.html(DOCS_HTML, 200, {
          "Content-Security-Policy":
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
        }),
    }),
  ];
}
