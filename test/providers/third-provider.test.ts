/**
 * A third provider, registered through the registry alone: FakeCA (test/fixtures/providers/fakeca/) is
 * one provider module plus its upstream, handed to createWorker's `providers`, with no edit anywhere in
 * certgate. It is listed through /v1, authorized by project grants, cached, monitored, reported, written
 * through /v1, and documented in /openapi.json.
 */
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import type { Certificate } from "../../src/model/certificate";
import type { ReportView } from "../../src/monitor/report-view";
import { fakeca } from "../fixtures/providers/fakeca";
import { createFakeCaUpstream, FAKECA_BASE, FAKECA_TOKEN } from "../fixtures/providers/fakeca/upstream";
import { testClock } from "../helpers/deps";
import { createGateway } from "../helpers/gateway";
import { KEYS, type TestKey } from "../helpers/keys";
import { resetStorage } from "../helpers/kv";

beforeEach(resetStorage);

function key(name: string, scopes: string[], projects: string[]): TestKey {
  const plain = `cg_test_${name}_${"f".repeat(43 - name.length)}`;
  return {
    key: plain,
    entry: { name, sha256: createHash("sha256").update(plain).digest("hex"), scopes, zones: [], projects },
  };
}

/** Reads and writes, on the FakeCA space `space-alpha` only. */
const ALPHA = key("alpha-only", ["certificates:read", "certificates:write", "reports:read"], ["space-alpha"]);

interface V4<T> {
  success: boolean;
  errors: Array<{ code: string; provider?: string }>;
  messages: string[];
  result: T;
}

function setup() {
  const clock = testClock();
  const upstream = createFakeCaUpstream(clock.now);
  upstream.seed("space-alpha", "alpha.example.com", 90);
  // Inside FakeCA's 10-day renewal window, 5 days left: late (its lifetime floor of 1/10 is not reached).
  upstream.seed("space-alpha", "late.example.com", 5);
  upstream.seed("space-beta", "beta.example.com", 90);
  const gw = createGateway({
    clock,
    providers: [fakeca],
    routes: { [FAKECA_BASE]: (r) => upstream.handle(r) },
    keys: [...Object.values(KEYS), ALPHA],
    env: { FAKECA_SPACES: "space-alpha,space-beta", FAKECA_TOKEN, FAKECA_API_BASE: FAKECA_BASE },
  });
  const listCalls = () => upstream.calls.filter((c) => c.method === "GET").length;
  return { gw, upstream, listCalls };
}

describe("a third provider registered through the registry alone", () => {
  it("is listed through /v1 in the one model, beside the others", async () => {
    const { gw } = setup();
    const all = await gw.json<V4<Certificate[]>>("GET", "/v1/certificates?per_page=200", {
      key: KEYS.reader,
    });
    expect(all.status).toBe(200);
    const providers = new Set(all.body.result.map((c) => c.provider));
    expect([...providers].sort()).toEqual(["cloudflare", "fakeca", "gjirafa"]);
    const mine = await gw.json<V4<Certificate[]>>("GET", "/v1/certificates?provider=fakeca", {
      key: KEYS.reader,
    });
    expect(
      mine.body.result.map((c) => [c.id.split(":").slice(0, 2).join(":"), c.hosts[0], c.status]),
    ).toEqual([
      ["fakeca:space-alpha", "alpha.example.com", "active"],
      ["fakeca:space-alpha", "late.example.com", "active"],
      ["fakeca:space-beta", "beta.example.com", "active"],
    ]);
    const one = mine.body.result[0];
    const got = await gw.json<V4<Certificate>>("GET", `/v1/certificates/${one?.id}`, { key: KEYS.reader });
    expect(got.body.result).toMatchObject({ id: one?.id, provider: "fakeca", scope: { kind: "project" } });
  });

  it("is authorized by project grants: a key for one space sees that space only, and 403 for the other", async () => {
    const { gw } = setup();
    const list = await gw.json<V4<Certificate[]>>("GET", "/v1/certificates?provider=fakeca", { key: ALPHA });
    expect(list.status).toBe(200);
    expect(new Set(list.body.result.map((c) => c.scope.id))).toEqual(new Set(["space-alpha"]));
    const other = await gw.json<V4<null>>("GET", "/v1/certificates?project=space-beta", { key: ALPHA });
    expect(other.status).toBe(403);
    expect(other.body.errors[0]?.code).toBe("forbidden");
    const unmanaged = await gw.json<V4<null>>("GET", "/v1/certificates?project=space-gamma", {
      key: KEYS.reader,
    });
    expect(unmanaged.status).toBe(404);
    expect(unmanaged.body.errors[0]).toMatchObject({ code: "not_found", provider: "fakeca" });
  });

  it("is cached: the second read is a HIT without an upstream call; a write through /v1 invalidates it", async () => {
    const { gw, listCalls } = setup();
    const first = await gw.call("GET", "/v1/certificates?provider=fakeca", { key: KEYS.reader });
    expect(first.headers.get("x-cache")).toBe("MISS");
    const calls = listCalls();
    const second = await gw.call("GET", "/v1/certificates?provider=fakeca", { key: KEYS.reader });
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(listCalls()).toBe(calls);
    const created = await gw.json<V4<Certificate>>("POST", "/v1/certificates", {
      key: ALPHA,
      body: { provider: "fakeca", project: "space-alpha", host: "new.example.com" },
    });
    expect(created.status).toBe(200);
    expect(created.body.result).toMatchObject({ provider: "fakeca", hosts: ["new.example.com"] });
    const after = await gw.json<V4<Certificate[]>>("GET", "/v1/certificates?project=space-alpha", {
      key: ALPHA,
    });
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(after.body.result.map((c) => c.hosts[0])).toContain("new.example.com");
    const notMine = await gw.json<V4<null>>("POST", "/v1/certificates", {
      key: ALPHA,
      body: { provider: "fakeca", project: "space-beta", host: "x.example.com" },
    });
    expect(notMine.status).toBe(403);
  });

  it("is monitored and reported: its spaces are checked and its renewal policy applies", async () => {
    const { gw } = setup();
    const run = await gw.json<V4<ReportView>>("POST", "/v1/report/run", { key: KEYS.admin });
    expect(run.status).toBe(200);
    const scopes = run.body.result.scopes.filter((s) => s.provider === "fakeca");
    expect(scopes.map((s) => [s.scope.id, s.outcome, s.total])).toEqual([
      ["space-alpha", "checked", 2],
      ["space-beta", "checked", 1],
    ]);
    const problems = run.body.result.problems.filter((p) => p.provider === "fakeca");
    expect(problems.map((p) => [p.kind, p.hosts[0], p.severity, p.level]).sort()).toEqual([
      ["late_renewal", "late.example.com", "warning", "late"],
    ]);
    // The report, filtered for a key of one space.
    const mine = await gw.json<V4<ReportView>>("GET", "/v1/report", { key: ALPHA });
    expect(mine.body.result.scopes.map((s) => s.scope.id)).toEqual(["space-alpha"]);
  });

  it("is in /openapi.json: a provider name, a create body, the scope query", async () => {
    const { gw } = setup();
    const doc = (await gw.json<Record<string, unknown>>("GET", "/openapi.json")).text;
    const parsed = JSON.parse(doc) as {
      paths: Record<
        string,
        Record<string, { parameters: Array<{ name: string; schema: { enum?: string[] } }> }>
      >;
      components: {
        schemas: Record<string, { oneOf?: Array<{ properties?: { provider?: { const?: string } } }> }>;
      };
    };
    const provider = parsed.paths["/v1/certificates"]?.get?.parameters.find((p) => p.name === "provider");
    expect(provider?.schema.enum).toEqual(["cloudflare", "gjirafa", "fakeca"]);
    const creates = parsed.components.schemas.CreateCertificate?.oneOf?.map(
      (o) => o.properties?.provider?.const,
    );
    expect(creates).toEqual(["cloudflare", "gjirafa", "fakeca"]);
    const project = parsed.paths["/v1/certificates"]?.get?.parameters.find((p) => p.name === "project");
    expect(JSON.stringify(project?.schema)).toContain("^space-[a-z0-9]{1,16}$");
  });

  it("keeps its token secret: configured as a secret, it is redacted from what certgate logs", async () => {
    const { gw } = setup();
    await gw.call("GET", "/v1/certificates?provider=fakeca", { key: KEYS.reader });
    expect(JSON.stringify(gw.deps.logs)).not.toContain(FAKECA_TOKEN);
  });
});
