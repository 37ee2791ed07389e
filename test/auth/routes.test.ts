/**
 * The one table that checks auth on every route of the real app, read from the route declarations the
 * router mounts (src/http/route.ts): whatever routes exist now or are added later, none but the public
 * ones answers without credentials, and each answers 403 to every key that lacks its permission.
 */
import { describe, expect, it } from "vitest";
import type { Route } from "../../src/http/route";
import { createWorker } from "../../src/worker";
import { testDeps } from "../helpers/deps";
import { PROJECT_P, testEnv, ZONE_A } from "../helpers/env";
import { bearer, KEYS } from "../helpers/keys";

/** A concrete path for a route pattern (`:zone` -> a zone id, `:project` -> a uuid, others -> "x"). */
function concrete(pattern: string): string {
  return pattern
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment === "*" ? "x" : segment;
      const name = segment
        .slice(1)
        .replace(/\{.*\}$/, "")
        .replace(/\?$/, "");
      if (name === "version") return "v1";
      if (/zone/i.test(name)) return ZONE_A;
      if (/project/i.test(name)) return PROJECT_P;
      return "1";
    })
    .join("/");
}

const { routes: DECLARED, app: APP } = createWorker(testDeps());
const PUBLIC_PATHS = new Set(DECLARED.filter((r) => r.access === "public").map((r) => r.path));

/** Every declared endpoint that needs credentials, with the permission it needs. */
function endpoints(): Array<readonly [string, string, Route["access"]]> {
  return DECLARED.filter((r) => r.method !== "ALL" && r.access !== "public").map(
    (r) => [r.method, concrete(r.path), r.access] as const,
  );
}

/**
 * certgate's error code in either envelope family: objects (certgate; Cloudflare, where `code` is an
 * integer and certgate's code is `certgate_code`) or strings (Gjirafa).
 */
function errorCode(body: {
  errors: Array<{ code: string | number; certgate_code?: string } | string>;
}): string | number | undefined {
  const first = body.errors[0];
  if (typeof first === "string") return first.split(":")[0];
  if (typeof first?.code === "number") return first.certgate_code;
  return first?.code;
}

describe("every route requires credentials", () => {
  const table = endpoints();
  // Also paths that match no route: an anonymous caller learns nothing about which exist.
  const probes = [
    ...table.map(([method, path]) => [method, path] as const),
    ["GET", "/v1/does-not-exist"] as const,
    ["POST", "/cloudflare/anything"] as const,
  ];

  it.each(probes)("%s %s without credentials -> 401", async (method, path) => {
    const worker = createWorker(testDeps());
    const res = await worker.fetch(new Request(`http://certgate.test${path}`, { method }), testEnv());
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="certgate"');
    expect(errorCode(await res.json())).toBe("unauthorized");
  });

  it.each(probes)("%s %s with an unknown key -> 401", async (method, path) => {
    const worker = createWorker(testDeps());
    const headers = { Authorization: `Bearer cg_${"Z".repeat(43)}` };
    const res = await worker.fetch(
      new Request(`http://certgate.test${path}`, { method, headers }),
      testEnv(),
    );
    expect(res.status).toBe(401);
  });

  // Each key holds exactly one non-admin permission, on every zone and project. A route declared with
  // permission P answers 403 to every key but the one holding P; an admin route to all three. A route
  // mounted without its permission check would let them through, and fail here.
  const singlePermissionKeys = [
    ["certificates:read", KEYS.reader],
    ["certificates:write", KEYS.writeOnly],
    ["reports:read", KEYS.reports],
    ["reports:ack", KEYS.acker],
  ] as const;
  it.each(table)("%s %s refuses keys lacking its permission (%s) with 403", async (method, path, access) => {
    const worker = createWorker(testDeps());
    for (const [permission, key] of singlePermissionKeys) {
      const res = await worker.fetch(
        new Request(`http://certgate.test${path}`, { method, headers: bearer(key) }),
        testEnv(),
      );
      if (permission === access) expect(res.status, `${permission} may`).not.toBe(403);
      else {
        expect(res.status, `${permission} may not`).toBe(403);
        expect(errorCode(await res.json())).toBe("forbidden");
      }
    }
  });

  it("the router mounts the declarations and nothing else", () => {
    const declared = new Set(DECLARED.map((r) => `${r.method} ${r.path}`));
    const mounted = APP.routes.filter((r) => !r.path.endsWith("*")).map((r) => `${r.method} ${r.path}`);
    expect(new Set(mounted)).toEqual(declared);
  });

  it.each([...PUBLIC_PATHS])("public path %s answers without credentials", async (path) => {
    const worker = createWorker(testDeps());
    const res = await worker.fetch(new Request(`http://certgate.test${path}`), testEnv());
    expect(res.status).toBe(200);
  });

  it("with a valid key, an unknown path is a 404 (auth runs first, routing after)", async () => {
    const worker = createWorker(testDeps());
    const res = await worker.fetch(
      new Request("http://certgate.test/v1/does-not-exist", { headers: bearer(KEYS.admin) }),
      testEnv(),
    );
    expect(res.status).toBe(404);
  });

  it("a misconfigured deployment is a config error, not an open door", async () => {
    const worker = createWorker(testDeps());
    const res = await worker.fetch(
      new Request("http://certgate.test/v1/does-not-exist"),
      testEnv({ API_KEYS: undefined }),
    );
    expect(res.status).toBe(503);
    const body = (await res.json()) as { errors: Array<{ code: string }> };
    expect(body.errors[0]?.code).toBe("config_invalid");
  });
});
