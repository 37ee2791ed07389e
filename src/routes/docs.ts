import { Hono } from "hono";
import { buildOpenApiDocument } from "../api/openapi";
import type { AppEnv } from "../context";
import { DOCS_HTML } from "./docs-page";

/** Public: the OpenAPI document of the unified API and the interactive docs page. */
export function docsRoutes() {
  let document: string | undefined; // built once per isolate, on first use
  return new Hono<AppEnv>()
    .get("/openapi.json", (c) => {
      document ??= JSON.stringify(buildOpenApiDocument());
      return c.body(document, 200, {
        "Content-Type": "application/json",
        "Cache-Control": "public, max-age=300",
      });
    })
    .get("/docs", (c) =>
      c.html(DOCS_HTML, 200, {
        "Content-Security-Policy":
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      }),
    );
}
