/**
 * The app factory: middleware in the order of the architecture sketch, then the routes.
 *   request id -> request log -> (public routes) -> config -> (401 audit) -> auth -> routes -> onError / notFound
 * One app is made per isolate (index.ts); per-isolate state (config parse, JWKS, key principals, coalescing,
 * leased budget permits, remembered answers) lives in the objects made here, never in module scope.
 */
import { Hono } from "hono";
import { createAuthenticator } from "./auth/authenticate";
import { type BrowserCredential, createBrowserCredentials, routeKey } from "./auth/browser-credentials";
import { createSessionKeys } from "./auth/status-session";
import { createListCache, type ListCache } from "./cache";
import { type AnswerMemo, createAnswerMemo } from "./cache/answer-memo";
import { createConfigLoader } from "./config/load";
import type { AppEnv } from "./context";
import type { Deps } from "./deps";
import { AppError } from "./errors";
import { auditRefusedCredentials } from "./http/audit";
import { mountRoutes, publicPaths } from "./http/mount";
import type { Route } from "./http/route";
import { loadConfig } from "./middleware/config";
import { errorResponse, onError } from "./middleware/on-error";
import { requestId } from "./middleware/request-id";
import { requestLog } from "./middleware/request-log";
import { methodsAllowedFor } from "./middleware/route-match";
import { statusErrorPages } from "./middleware/status-pages";
import { type AppRegistry, createRegistry } from "./providers/registry";
import { appRoutes } from "./routes";
import { createCertificateService } from "./service/certificates";
import { createRotations } from "./service/rotations";
import { createPermitLease, type PermitLease } from "./upstream/permit-lease";

export interface AppOptions {
  /** The registered providers (default: providers/registry.ts PROVIDERS). */
  registry?: AppRegistry;
  /** The isolate's list cache, shared with the monitor. */
  listCache?: ListCache;
  /** The isolate's leased budget permits (default: a new lease per app). */
  permitLease?: PermitLease;
  /** The isolate's remembered read answers (default: a new memo per app, http/answers.ts). */
  answers?: AnswerMemo;
}

export function createApp(deps: Deps, options: AppOptions = {}) {
  const registry = options.registry ?? createRegistry();
  const listCache = options.listCache ?? createListCache();
  const permitLease = options.permitLease ?? createPermitLease();
  const answers = options.answers ?? createAnswerMemo();
  const load = createConfigLoader(registry);
  const service = createCertificateService(registry, listCache);
  const rotations = createRotations(registry);
  const sessionKeys = createSessionKeys();
  const routes: readonly Route[] = appRoutes({
    registry,
    service,
    listCache,
    rotations,
    loadConfig: load,
    sessionKeys,
  });
  const publics = publicPaths(routes);
  // The routes that accept a browser credential (the status page's), by `METHOD path`.
  const browserRoutes = new Map<string, BrowserCredential>(
    routes.flatMap((r) => (r.credentials ? [[routeKey(r.method, r.path), r.credentials] as const] : [])),
  );
  // One rule for trailing slashes on every route: `/x/` is `/x` (Hono's `strict: false` drops one trailing
  // slash before routing, and `c.req.path` is that path). The same answer, not a redirect: API clients
  // (the Cloudflare SDK, curl, fetch with `redirect: "manual"`) would otherwise see a 308 they do not
  // follow, and nothing certgate keeps is keyed by the raw URL (cache keys are validated scope ids).
  const app = new Hono<AppEnv>({ strict: false });

  app.use("*", requestId());
  app.use("*", requestLog(deps));
  app.use("*", async function contextMiddleware(c, next) {
    c.set("deps", deps);
    c.set("envelopeFamily", registry.envelopeFor(c.req.path));
    c.set("permitLease", permitLease);
    c.set("answers", answers);
    await next();
  });
  app.use("*", statusErrorPages());

  mountRoutes(
    app,
    routes.filter((r) => r.access === "public"),
  );
  const config = loadConfig(load);
  app.use("*", async function configUnlessPublic(c, next) {
    if (publics.has(c.req.path)) return next();
    return config(c, next);
  });
  // Refused credentials are answered before any route runs: recorded here, at a bounded rate (http/audit.ts).
  app.use("*", auditRefusedCredentials(routes));
  app.use(
    "*",
    createAuthenticator({
      publicPaths: publics,
      browser: createBrowserCredentials(browserRoutes, sessionKeys),
    }),
  );
  mountRoutes(
    app,
    routes.filter((r) => r.access !== "public"),
  );

  app.notFound((c) => {
    const allowed = methodsAllowedFor(app.routes, c.req.path);
    if (allowed.length > 0) {
      c.header("Allow", allowed.join(", "));
      return errorResponse(c, new AppError("method_not_allowed", `${c.req.method} is not allowed here`));
    }
    return errorResponse(c, new AppError("not_found", `No route for ${c.req.method} ${c.req.path}`));
  });
  app.onError(onError(deps));
  return { app, routes };
}
