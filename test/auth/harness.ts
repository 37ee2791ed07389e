/**
 * A small app with the production middleware chain (request id, request log, config, authenticate,
 * requireScope, onError) and probe routes that behave as real routes must: scope first, then
 * `assertAllowed`, and only then existence (404 for an unconfigured zone/project).
 */
import { type Context, Hono } from "hono";
import { type AuthenticatorOptions, createAuthenticator } from "../../src/auth/authenticate";
import { assertAllowed, currentPrincipal, requirePermission } from "../../src/auth/authorize";
import { createConfigLoader } from "../../src/config/load";
import type { AppEnv } from "../../src/context";
import { successBody } from "../../src/envelope";
import { AppError } from "../../src/errors";
import { loadConfig } from "../../src/middleware/config";
import { onError } from "../../src/middleware/on-error";
import { requestId } from "../../src/middleware/request-id";
import { requestLog } from "../../src/middleware/request-log";
import { createRegistry } from "../../src/providers/registry";
import { type TestDeps, testDeps } from "../helpers/deps";
import { testEnv } from "../helpers/env";

export const ORIGIN = "http://certgate.test";

export function probeApp(deps: TestDeps = testDeps(), options: AuthenticatorOptions = {}) {
  const app = new Hono<AppEnv>();
  const load = createConfigLoader(createRegistry());
  const managed = (c: Context<AppEnv>, id: string) =>
    c.get("config").providers.some((p) => p.instance.scopes.includes(id.toLowerCase()));
  app.use("*", requestId());
  app.use("*", requestLog(deps));
  app.use("*", async function setDeps(c, next) {
    c.set("deps", deps);
    await next();
  });
  app.use("*", loadConfig(load));
  app.use("*", createAuthenticator(options));

  app.get("/t/whoami", (c) => {
    const p = currentPrincipal(c);
    return c.json(
      successBody({
        name: p.name,
        via: p.via,
        scopes: [...p.permissions].sort(),
        zones: p.zones === "*" ? "*" : [...p.zones].sort(),
        projects: p.projects === "*" ? "*" : [...p.projects].sort(),
      }),
    );
  });
  app.get("/t/zones/:zone", requirePermission("certificates:read"), (c) => {
    const zone = c.req.param("zone");
    assertAllowed(currentPrincipal(c), { kind: "zone", id: zone });
    if (!managed(c, zone)) {
      throw new AppError("not_found", "No such zone");
    }
    return c.json(successBody({ zone }));
  });
  app.post("/t/zones/:zone", requirePermission("certificates:write"), (c) => {
    assertAllowed(currentPrincipal(c), { kind: "zone", id: c.req.param("zone") });
    return c.json(successBody({ written: true }));
  });
  app.get("/t/projects/:project", requirePermission("certificates:read"), (c) => {
    const project = c.req.param("project");
    assertAllowed(currentPrincipal(c), { kind: "project", id: project });
    if (!managed(c, project)) {
      throw new AppError("not_found", "No such project");
    }
    return c.json(successBody({ project }));
  });
  app.get("/t/report", requirePermission("reports:read"), (c) => c.json(successBody({ report: true })));
  app.onError(onError(deps));
  return { app, deps };
}

export interface ProbeResult {
  status: number;
  headers: Headers;
  body: {
    success: boolean;
    errors: Array<{ code: string; message: string; request_id?: string }>;
    messages: unknown[];
    result: unknown;
  };
}

export async function call(
  app: Hono<AppEnv>,
  path: string,
  init: RequestInit = {},
  env: Env = testEnv(),
): Promise<ProbeResult> {
  const res = await app.fetch(new Request(`${ORIGIN}${path}`, init), env);
  return { status: res.status, headers: res.headers, body: (await res.json()) as ProbeResult["body"] };
}
