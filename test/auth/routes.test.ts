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
      if (/zone/i.test(name)) return ZONE_A;
      if (/project/i.test(name)) return PROJECT_P;
      return "1";
    })
    .join("/");
}

function endpoints() {
  const { app } = createWorker(testDeps());
  return app.routes
    .filter((r) => r.method !== "ALL" && !r.path.endsWith("*"))
    .map((r) => [r.method, concrete(r.path)] as const)
    .filter(([, path]) => !PUBLIC_PATHS.has(path));
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
    const body = (await res.json()) as { errors: Array<{ code: string }> };
    expect(body.errors[0]?.code).toBe("unauthorized");
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
    expect(res.status).toBe(500);
    const body = (await res.json()) as { errors: Array<{ code: string }> };
    expect(body.errors[0]?.code).toBe("config_invalid");
  });
});
