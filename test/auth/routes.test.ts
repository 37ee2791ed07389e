/**
 * The one table that checks auth on every route of the real app: whatever routes exist now or are
 * added later, none but PUBLIC_PATHS answers without credentials.
 */
import { describe, expect, it } from "vitest";
import { PUBLIC_PATHS } from "../../src/app";
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

function endpoints() {
  const { app } = createWorker(testDeps());
  return (
    app.routes
      .filter((r) => r.method !== "ALL" && !r.path.endsWith("*"))
      .map((r) => [r.method, concrete(r.path)] as const)
      .filter(([, path]) => !PUBLIC_PATHS.has(path))
      // A guarded route is registered twice (requireScope, then the handler): test each endpoint once.
      .filter(([method, path], i, all) => all.findIndex(([m, p]) => m === method && p === path) === i)
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
    ...table,
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

  // Each key holds exactly one non-admin scope, on every zone and project. A route guarded by
  // requireScope(S) lets through at most the key holding S; an admin route lets through none. A route
  // mounted without a scope check would let all three through, and fail here.
  const singleScopeKeys = [KEYS.reader, KEYS.writeOnly, KEYS.reports];
  it.each(table)("%s %s refuses keys lacking its scope with 403", async (method, path) => {
    const worker = createWorker(testDeps());
    const statuses: number[] = [];
    for (const key of singleScopeKeys) {
      const res = await worker.fetch(
        new Request(`http://certgate.test${path}`, { method, headers: bearer(key) }),
        testEnv(),
      );
      statuses.push(res.status);
      if (res.status === 403) expect(errorCode(await res.json())).toBe("forbidden");
    }
    expect(statuses.filter((s) => s === 403).length).toBeGreaterThanOrEqual(singleScopeKeys.length - 1);
  });

  it("public paths answer without credentials", async () => {
    const worker = createWorker(testDeps());
    const res = await worker.fetch(new Request("http://certgate.test/healthz"), testEnv());
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
