/**
 * GET /openapi.json and GET /docs: public, and the document describes every route declaration of the
 * unified API (the same declarations the router mounts) with resolvable component schemas and the list
 * query parameters.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { clearKv, gateway } from "./helpers";

/** The documented routes as OpenAPI names them: `{id}` path parameters, lowercase methods. */
function documented(gw: ReturnType<typeof gateway>) {
  return gw.worker.routes
    .filter((r) => r.docs !== undefined)
    .map((r) => ({
      method: r.method.toLowerCase(),
      path: r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}"),
      body: r.docs?.body,
    }));
}

beforeEach(clearKv);

interface Doc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<
    string,
    Record<
      string,
      {
        parameters: Array<{ name: string; in: string }>;
        responses: Record<string, unknown>;
        requestBody?: unknown;
      }
    >
  >;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsOf(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refsOf(v, out);
    }
  }
  return out;
}

describe("OpenAPI document and docs page", () => {
  it("is public, OpenAPI 3.1, and has every operation with its method", async () => {
    const gw = gateway();
    const res = await gw.json<Doc>("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("certgate");
    const operations = documented(gw);
    expect(operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(
      [
        "delete /v1/certificates/{id}",
        "get /v1/certificates",
        "get /v1/certificates/{id}",
        "get /v1/quotas",
        "get /v1/report",
        "patch /v1/certificates/{id}",
        "post /v1/certificates",
        "post /v1/certificates/import",
        "post /v1/certificates/{id}/validate",
        "post /v1/report/run",
        "post /v1/certificates/{id}/rotate",
        "get /v1/operations/{id}",
        "delete /v1/operations/{id}",
        "get /v1/audit",
        "post /v1/report/problems/{fingerprint}/ack",
        "delete /v1/report/problems/{fingerprint}/ack",
        "get /v1/usage",
      ].sort(),
    );
    for (const op of operations) {
      const operation = doc.paths[op.path]?.[op.method];
      expect(operation, `${op.method} ${op.path}`).toBeDefined();
      // A rotation's start answers 202 (the Workflow goes on); everything else 200.
      const success = op.path.endsWith("/rotate") ? "202" : "200";
      expect(Object.keys(operation?.responses ?? {})).toEqual([success, "default"]);
      expect(Boolean(operation?.requestBody), `${op.method} ${op.path} body`).toBe(Boolean(op.body));
    }
    expect(Object.keys(doc.paths).sort()).toEqual([...new Set(operations.map((o) => o.path))].sort());
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["apiKey", "bearer"]);
  });

  it("every $ref resolves to a component schema, and the model's schemas are there", async () => {
    const gw = gateway();
    const doc = (await gw.json<Doc>("GET", "/openapi.json")).body;
    const names = Object.keys(doc.components.schemas);
    expect(names).toEqual(
      expect.arrayContaining([
        "Certificate",
        "IssuedCertificate",
        "CertificateScope",
        "Quota",
        "Error",
        "ResultInfo",
        "CreateCertificate",
      ]),
    );
    expect(refsOf(doc).length).toBeGreaterThan(0);
    for (const ref of refsOf(doc)) {
      expect(ref.startsWith("#/components/schemas/"), ref).toBe(true);
      expect(names, ref).toContain(ref.slice("#/components/schemas/".length));
    }
  });

  it("documents the query parameters of GET /v1/certificates and the path id", async () => {
    const gw = gateway();
    const doc = (await gw.json<Doc>("GET", "/openapi.json")).body;
    const list = doc.paths["/v1/certificates"]?.get?.parameters.map((p) => `${p.in}:${p.name}`);
    expect(list).toEqual(
      [
        "provider",
        "zone",
        "project",
        "status",
        "host",
        "expiring_within",
        "include",
        "deploy",
        "page",
        "per_page",
      ].map((n) => `query:${n}`),
    );
    const one = doc.paths["/v1/certificates/{id}"]?.get?.parameters.map((p) => `${p.in}:${p.name}`);
    expect(one).toEqual(["path:id", "query:include"]);
  });

  it("serves the docs page as HTML without a key", async () => {
    const gw = gateway();
    const res = await gw.call("GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/<html/i);
  });
});
