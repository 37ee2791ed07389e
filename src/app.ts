/**
 * The app factory: middleware in the order of the architecture sketch, then the routers.
 *   request id -> request log -> (public routes) -> config -> auth -> routers -> onError / notFound
 * One app is made per isolate (index.ts); per-isolate state (config parse, JWKS, coalescing) lives in
 * the objects made here, never in module scope.
 */
import { Hono } from "hono";
import { createAuthenticator } from "./auth/authenticate";
import { createListCache, type ListCache } from "./cache";
import { createConfigLoader } from "./config";
import type { AppEnv } from "./context";
import type { Deps } from "./deps";
import { AppError } from "./errors";
import { loadConfig } from "./middleware/config";
import { errorResponse, onError } from "./middleware/on-error";
import { requestId } from "./middleware/request-id";
import { requestLog } from "./middleware/request-log";
import { methodsAllowedFor } from "./middleware/route-match";
import { providers } from "./providers/registry";
import { docsRoutes } from "./routes/docs";
import { healthRoutes } from "./routes/health";
import { nativeCloudflareRoutes } from "./routes/native-cloudflare";
import { nativeGjirafaRoutes } from "./routes/native-gjirafa";
import { reportRoutes } from "./routes/report";
import { certificateRoutes } from "./routes/v1-certificates";
import { listRoutes } from "./routes/v1-lists";
import { createCertificateService } from "./service/certificates";

/** Routes reachable without a key. Everything else answers 401 without one (test/auth/routes.test.ts). */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(["/healthz", "/openapi.json", "/docs"]);

export function createApp(deps: Deps, listCache: ListCache = createListCache()) {
  const load = createConfigLoader();
  // One rule for trailing slashes on every route: `/x/` is `/x` (Hono's `strict: false` drops one trailing
  // slash before routing, and `c.req.path` is that path). The same answer, not a redirect: API clients
  // (the Cloudflare SDK, curl, fetch with `redirect: "manual"`) would otherwise see a 308 they do not
  // follow, and nothing certgate keeps is keyed by the raw URL (cache keys are validated scope ids).
  const app = new Hono<AppEnv>({ strict: false });

  app.use("*", requestId());
  app.use("*", requestLog(deps));
  app.use("*", async function contextMiddleware(c, next) {
    c.set("deps", deps);
    // Trailing slashes are not significant (strict: false), so "/cloudflare/" may arrive as "/cloudflare".
    const path = `${c.req.path}/`;
    c.set(
      "envelopeFamily",
      path.startsWith("/cloudflare/") ? "cloudflare" : path.startsWith("/gjirafa/") ? "gjirafa" : "certgate",
    );
    await next();
  });

  app.route("/", healthRoutes(load));
  app.route("/", docsRoutes());
  const config = loadConfig(load);
  app.use("*", async function configUnlessPublic(c, next) {
    if (PUBLIC_PATHS.has(c.req.path)) return next();
    return config(c, next);
  });
  app.use("*", createAuthenticator({ publicPaths: PUBLIC_PATHS }));

  const service = createCertificateService(providers, listCache);
  app.route("/", nativeCloudflareRoutes(service));
  app.route("/", nativeGjirafaRoutes(service));
  app.route("/", listRoutes(service));
  app.route("/", certificateRoutes(service));
  app.route("/", reportRoutes({ providers, listCache }));

  app.notFound((c) => {
    const allowed = methodsAllowedFor(app.routes, c.req.path);
    if (allowed.length > 0) {
      c.header("Allow", allowed.join(", "));
      return errorResponse(c, new AppError("method_not_allowed", `${c.req.method} is not allowed here`));
    }
    return errorResponse(c, new AppError("not_found", `No route for ${c.req.method} ${c.req.path}`));
  });
  app.onError(onError(deps));
  return app;
}

export type App = ReturnType<typeof createApp>;
