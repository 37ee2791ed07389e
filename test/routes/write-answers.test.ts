/**
 * A write the upstream accepted is never reported as failed: a 2xx answer certgate cannot fully read is
 * returned as it came on the native doors and as far as it goes on `/v1` (at least the id, and `messages`
 * saying what was left out); the scope's cached list and quota are invalidated either way. A write that
 * ends with its outcome unknown (no answer, a reset, a 5xx) invalidates the scope too, answers
 * `upstream_outcome_unknown` for orders, creates and imports, and the next list and monitor run show
 * whatever was created.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createCloudflareSimulator, createGjirafaSimulator, instantSleep } from "../../sandbox";
import { type Handler, testClock } from "../helpers/deps";
import { UPSTREAM_CLOUDFLARE_TOKEN, UPSTREAM_GJIRAFA_KEY } from "../helpers/ids";
import { SCRIPTED_PROJECT as P, scriptedGateway, SCRIPTED_ZONE as Z } from "../helpers/scripted";
import { clearKv } from "./helpers";

beforeEach(clearKv);

interface Envelope<T = unknown> {
  success: boolean;
  errors: Array<Record<string, unknown>>;
  messages: string[];
  result: T;
}

const CF = `/cloudflare/client/v4/zones/${Z}/ssl/certificate_packs`;
const ORDER = {
  type: "advanced",
  hosts: ["example.com", "w.example.com"],
  validation_method: "txt",
  validity_days: 90,
  certificate_authority: "lets_encrypt",
};
const V1_ORDER = { ...ORDER, type: undefined, provider: "cloudflare", zone: Z };

function world(rewriteWrite?: (body: Record<string, unknown>) => unknown) {
  const clock = testClock();
  const cf = createCloudflareSimulator({
    zones: [{ id: Z, name: "example.com" }],
    credentials: [{ token: UPSTREAM_CLOUDFLARE_TOKEN, permission: "edit" }],
    now: clock.now,
    sleep: instantSleep,
  });
  const gj = createGjirafaSimulator({
    projects: [{ id: P }],
    apiKeys: [{ key: UPSTREAM_GJIRAFA_KEY }],
    now: clock.now,
    sleep: instantSleep,
  });
  let lists = 0;
  const edited =
    (sim: { fetch: (r: Request) => Promise<Response> }): Handler =>
    async (request) => {
      if (
        request.method === "GET" &&
        /\/(certificate_packs|certificates)$/.test(new URL(request.url).pathname)
      ) {
        lists += 1;
      }
      const res = await sim.fetch(request);
      if (!rewriteWrite || request.method === "GET") return res;
      return Response.json(rewriteWrite((await res.json()) as Record<string, unknown>), {
        status: res.status,
      });
    };
  const gw = scriptedGateway({ cloudflare: edited(cf), gjirafa: edited(gj) }, {}, clock);
  return { cf, gj, gw, lists: () => lists };
}

describe("a 2xx write answer certgate cannot fully read", () => {
  const unreadableHosts = (body: Record<string, unknown>) => ({
    ...body,
    result: { ...(body.result as object), hosts: "example.com", extra_field: { kept: true } },
  });

  it("native order: the answer exactly as Cloudflare sent it", async () => {
    const { gw } = world(unreadableHosts);
    const res = await gw.json<Envelope<Record<string, unknown>>>("POST", `${CF}/order`, { body: ORDER });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({
      hosts: "example.com",
      extra_field: { kept: true },
      status: "initializing",
    });
  });

  it("/v1 order: what could be read (the id first), what was left out in messages, the zone invalidated", async () => {
    const { gw, lists } = world(unreadableHosts);
    await gw.json("GET", `/v1/certificates?zone=${Z}`);
    const res = await gw.json<Envelope<{ id: string; hosts: string[]; provider_status: string }>>(
      "POST",
      "/v1/certificates",
      { body: V1_ORDER },
    );
    expect(res.status).toBe(200);
    expect(res.body.result.id).toMatch(new RegExp(`^cloudflare:${Z}:[0-9a-f]{32}$`));
    expect(res.body.result).toMatchObject({ hosts: [], provider_status: "initializing" });
    expect(res.body.messages).toEqual([
      "Cloudflare accepted the order; certgate could not read hosts of its answer and left it out",
    ]);
    const after = await gw.json<Envelope<Array<{ id: string }>>>("GET", `/v1/certificates?zone=${Z}`);
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(after.body.result.map((c) => c.id)).toContain(res.body.result.id);
    expect(lists()).toBe(2);
  });

  it("/v1 validate on Gjirafa with an unreadable answer: the addressed id, and a note", async () => {
    const { gj, gw } = world((body) => ({
      ...body,
      result: { ...(body.result as object), id: "x", dnsRecords: "?" },
    }));
    const id = gj.seedCertificate(P, { domainName: "v.example.com", status: "Pending Validation" }).id;
    const res = await gw.json<Envelope<{ id: string }>>(
      "POST",
      `/v1/certificates/gjirafa:${P}:${id}/validate`,
    );
    expect(res.status).toBe(200);
    expect(res.body.result.id).toBe(`gjirafa:${P}:${id}`);
    expect(res.body.messages).toContain(
      "Gjirafa accepted the validation; certgate could not read dnsRecords of its answer and left it out",
    );
  });

  it("/v1 create whose answer names no certificate: result null, told to list, project invalidated", async () => {
    const { gw, lists } = world((body) => ({ ...body, result: "created" }));
    await gw.json("GET", `/v1/certificates?project=${P}`);
    const res = await gw.json<Envelope<null>>("POST", "/v1/certificates", {
      body: { provider: "gjirafa", project: P, domain_name: "n.example.com", scope_id: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.body.result).toBeNull();
    expect(res.body.messages).toEqual([
      `Gjirafa accepted the create, but certgate could not read its answer; list the project's certificates (GET /v1/certificates?project=${P}) to see the result`,
    ]);
    const after = await gw.json<Envelope<Array<{ hosts: string[] }>>>("GET", `/v1/certificates?project=${P}`);
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(after.body.result.flatMap((c) => c.hosts)).toContain("n.example.com");
    expect(lists()).toBe(2);
  });
});

describe("a write whose outcome is unknown", () => {
  it("an order reset after Cloudflare placed it: 502 upstream_outcome_unknown, the next list and monitor run show the pack", async () => {
    const { cf, gw } = world();
    const before = await gw.json<Envelope<unknown[]>>("GET", `/v1/certificates?zone=${Z}`);
    expect(before.body.result).toHaveLength(0);
    cf.faults.once({ kind: "reset", afterProcessing: true }, { method: "POST" });
    const res = await gw.json<Envelope>("POST", "/v1/certificates", { body: V1_ORDER });
    expect(res.status).toBe(502);
    expect(res.body.errors[0]).toMatchObject({
      code: "upstream_outcome_unknown",
      provider: "cloudflare",
      scope: Z,
    });
    expect(String(res.body.errors[0]?.message)).toContain(
      `List the zone's certificates (GET /v1/certificates?zone=${Z}) before retrying`,
    );
    expect(cf.packs(Z)).toHaveLength(1);
    // Nothing stale hides the pack that may exist: the cached list was invalidated.
    const after = await gw.json<Envelope<unknown[]>>("GET", `/v1/certificates?zone=${Z}`);
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(after.body.result).toHaveLength(1);
    const run = await gw.json<{ result: { scopes: Array<{ provider: string; total: number }> } }>(
      "POST",
      "/v1/report/run",
    );
    expect(run.body.result.scopes.find((s) => s.provider === "cloudflare")?.total).toBe(1);
  });

  it("native order with a 503: Cloudflare's envelope, integer code, X-Should-Retry: false", async () => {
    const { cf, gw } = world();
    cf.faults.once({ kind: "status", status: 503 }, { method: "POST" });
    const res = await gw.json<Envelope>("POST", `${CF}/order`, { body: ORDER });
    expect(res.status).toBe(502);
    expect(res.headers.get("x-should-retry")).toBe("false");
    expect(res.body.errors[0]).toMatchObject({
      code: 71020,
      certgate_code: "upstream_outcome_unknown",
      provider: "cloudflare",
    });
  });

  it("a DELETE without an answer keeps its error but invalidates the zone's list", async () => {
    const { cf, gw } = world();
    const id = String(cf.seedPack(Z, { hosts: ["example.com"], status: "active" }).id);
    await gw.json("GET", `/v1/certificates?zone=${Z}`);
    cf.faults.once({ kind: "reset", afterProcessing: true }, { method: "DELETE" });
    const res = await gw.json<Envelope>("DELETE", `/v1/certificates/cloudflare:${Z}:${id}`);
    expect(res.status).toBe(502);
    expect(res.body.errors[0]).toMatchObject({ code: "upstream_unavailable" });
    const after = await gw.json<Envelope<Array<{ provider_status: string }>>>(
      "GET",
      `/v1/certificates?zone=${Z}`,
    );
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(after.body.result[0]?.provider_status).toBe("deleted");
  });

  it("a refused order (4xx) is a known outcome: its own code, the cached list kept", async () => {
    const { gw } = world();
    await gw.json("GET", `/v1/certificates?zone=${Z}`);
    const res = await gw.json<Envelope>("POST", "/v1/certificates", {
      body: { ...V1_ORDER, hosts: ["www.example.com"] },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: "upstream_rejected" });
    expect((await gw.json("GET", `/v1/certificates?zone=${Z}`)).headers.get("x-cache")).toBe("HIT");
  });
});
