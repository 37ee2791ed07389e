/**
 * One unusable item in an upstream list is left out and REPORTED, never a failed scope: in `messages` of
 * `/v1` and of both native doors (Cloudflare's with an integer code, as its schema wants), in the monitor
 * report, and still on a cache hit (the report is stored beside the items). What an upstream says beside
 * a success reaches `/v1` callers too.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createCloudflareSimulator, createGjirafaSimulator, instantSleep } from "../../sandbox";
import { testClock } from "../helpers/deps";
import { UPSTREAM_CLOUDFLARE_TOKEN, UPSTREAM_GJIRAFA_KEY } from "../helpers/ids";
import { SCRIPTED_PROJECT as P, scriptedGateway, SCRIPTED_ZONE as Z } from "../helpers/scripted";
import { clearKv } from "./helpers";

beforeEach(clearKv);

interface Envelope<T = unknown> {
  success: boolean;
  errors: unknown[];
  messages: Array<string | { code: number; message: string }>;
  result: T;
}

/** Both simulators behind certgate, with list answers edited on the way back. */
function world(edit: {
  cloudflare?: (item: Record<string, unknown>, i: number) => unknown;
  gjirafa?: typeof edit.cloudflare;
}) {
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
  const editList =
    (sim: { fetch: (r: Request) => Promise<Response> }, change: typeof edit.cloudflare, list: RegExp) =>
    async (request: Request) => {
      const res = await sim.fetch(request);
      if (!change || request.method !== "GET" || !list.test(new URL(request.url).pathname)) return res;
      const body = (await res.json()) as { result: Array<Record<string, unknown>> };
      return Response.json({ ...body, result: body.result.map(change) });
    };
  const gw = scriptedGateway(
    {
      cloudflare: editList(cf, edit.cloudflare, /\/certificate_packs$/),
      gjirafa: editList(gj, edit.gjirafa, /\/certificates$/),
    },
    {},
    clock,
  );
  return { cf, gj, gw, clock };
}

/** The second listed item becomes unusable: hosts is not a list (Cloudflare), id is not an int32 (Gjirafa). */
const breakSecond =
  (field: string, value: unknown) =>
  (item: Record<string, unknown>, i: number): unknown =>
    i === 1 ? { ...item, [field]: value } : item;

describe("an unusable list item", () => {
  it("Cloudflare: left out of /v1 and the native list, reported in both, also on a cache hit", async () => {
    const { cf, gw } = world({ cloudflare: breakSecond("hosts", "example.com") });
    const ids = [0, 1, 2].map((i) =>
      String(cf.seedPack(Z, { hosts: ["example.com", `h${i}.example.com`], status: "active" }).id),
    );
    const note = new RegExp(`cloudflare ${Z}: left out an unusable pack \\(id ${ids[1]}\\): hosts: .*array`);

    for (const expected of ["MISS", "HIT"]) {
      const v1 = await gw.json<Envelope<Array<{ id: string }>>>("GET", `/v1/certificates?zone=${Z}`);
      expect(v1.status).toBe(200);
      expect(v1.headers.get("x-cache")).toBe(expected);
      expect(v1.body.errors).toEqual([]);
      expect(v1.body.result.map((c) => c.id)).toEqual(
        [ids[0], ids[2]].map((id) => `cloudflare:${Z}:${id}`).sort(),
      );
      expect(v1.body.messages).toEqual([expect.stringMatching(note)]);
    }
    const native = await gw.json<Envelope<Array<{ id: string }>>>(
      "GET",
      `/cloudflare/client/v4/zones/${Z}/ssl/certificate_packs?status=all`,
    );
    expect(native.headers.get("x-cache")).toBe("HIT");
    expect(native.body.result.map((p) => p.id)).toEqual([ids[0], ids[2]]);
    // Cloudflare's messages are {code, message} with an integer code (>= 1000).
    expect(native.body.messages).toEqual([
      {
        code: 71101,
        message: expect.stringMatching(new RegExp(`certgate left out an unusable pack \\(id ${ids[1]}\\)`)),
      },
    ]);
  });

  it("Gjirafa: left out of /v1 and the native list, reported in both", async () => {
    const { gj, gw } = world({ gjirafa: breakSecond("id", "not-an-int") });
    for (let i = 0; i < 3; i++) gj.seedCertificate(P, { domainName: `g${i}.example.com` });
    const v1 = await gw.json<Envelope<Array<{ id: string }>>>("GET", `/v1/certificates?project=${P}`);
    expect(v1.status).toBe(200);
    expect(v1.body.result).toHaveLength(2);
    expect(v1.body.messages).toEqual([
      expect.stringMatching(
        new RegExp(`gjirafa ${P}: left out an unusable certificate \\(id not-an-int\\): id: `),
      ),
    ]);
    const native = await gw.json<Envelope<unknown[]>>("GET", `/gjirafa/api/v1/projects/${P}/certificates`);
    expect(native.body.result).toHaveLength(2);
    expect(native.body.messages).toEqual([
      expect.stringMatching(/^certgate left out an unusable certificate \(id not-an-int\)/),
    ]);
  });

  it("the monitor reports it on the scope, which still counts as checked", async () => {
    const { cf, gw } = world({ cloudflare: breakSecond("status", 42) });
    for (let i = 0; i < 3; i++) cf.seedPack(Z, { hosts: ["example.com"], status: "active" });
    const run = await gw.json<{
      result: {
        scopes: Array<{
          provider: string;
          outcome: string;
          total: number;
          skipped: Array<{ id: string; reason: string }>;
        }>;
      };
    }>("POST", "/v1/report/run");
    expect(run.status).toBe(200);
    const zone = run.body.result.scopes.find((s) => s.provider === "cloudflare");
    expect(zone).toMatchObject({ outcome: "checked", total: 2 });
    expect(zone?.skipped).toEqual([{ id: expect.any(String), reason: expect.stringMatching(/^status: /) }]);
    // The report is what GET /v1/report serves afterwards, too.
    const report = await gw.json<{ result: { scopes: Array<{ provider: string; skipped: unknown[] }> } }>(
      "GET",
      "/v1/report",
    );
    expect(report.body.result.scopes.find((s) => s.provider === "cloudflare")?.skipped).toHaveLength(1);
  });
});

describe("what an upstream says beside a success reaches /v1 callers", () => {
  it("Gjirafa's messages on a validate and a delete", async () => {
    const { gj, gw } = world({});
    const pending = gj.seedCertificate(P, { domainName: "v.example.com", status: "Pending Validation" }).id;
    const validated = await gw.json<Envelope>("POST", `/v1/certificates/gjirafa:${P}:${pending}/validate`);
    expect(validated.status).toBe(200);
    expect(validated.body.messages.length).toBeGreaterThan(0);
    expect(
      validated.body.messages.every((m) => typeof m === "string" && m.startsWith("Gjirafa says: ")),
    ).toBe(true);
    const deleted = await gw.json<Envelope>("DELETE", `/v1/certificates/gjirafa:${P}:${pending}`);
    expect(deleted.body.messages).toEqual(["Gjirafa says: The certificate was deleted."]);
  });

  it("Cloudflare's errors and messages on a success (simulator switch successNotes), on a get", async () => {
    const clock = testClock();
    const cf = createCloudflareSimulator({
      zones: [{ id: Z, name: "example.com" }],
      credentials: [{ token: UPSTREAM_CLOUDFLARE_TOKEN, permission: "edit" }],
      successNotes: true,
      now: clock.now,
    });
    const id = String(cf.seedPack(Z, { hosts: ["example.com"], status: "active" }).id);
    const gw = scriptedGateway({ cloudflare: (r) => cf.fetch(r) }, {}, clock);
    const res = await gw.json<Envelope>("GET", `/v1/certificates/cloudflare:${Z}:${id}`);
    expect(res.status).toBe(200);
    expect(res.body.messages).toEqual(["Cloudflare says: message (code 1000)"]);
    const list = await gw.json<Envelope>("GET", `/v1/certificates?zone=${Z}`);
    expect(list.body.messages).toEqual([`cloudflare ${Z}: Cloudflare says: message (code 1000)`]);
  });
});
