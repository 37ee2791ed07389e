/**
 * Gjirafa's listAll enriches every list item with its detail (seed 004: the list item has no
 * notBefore/notAfter/issuer/dnsRecords): merge rules, cost (1 + N, + pages), at most 6 in flight, a
 * 404 drops the item, any other failure fails the whole load, and cached shapes old and new parse.
 */
import { describe, expect, it } from "vitest";
import { mergeDetail } from "../../../src/providers/gjirafa/enrich";
import type { GjirafaCertificate } from "../../../src/providers/gjirafa/schemas";
import type { Handler } from "../../helpers/deps";
import { PROJECT_P, UPSTREAM_GJIRAFA_KEY } from "../../helpers/ids";
import { failure } from "../../upstream/failure";
import { GJ_ORIGIN, gjirafaInstance, gjirafaSetup } from "./setup";

/** The Gjirafa provider of the fixture configuration. */
const gj = gjirafaInstance();

const DAY = 86_400_000;
const DETAIL_PATH = /\/certificates\/(\d+)$/;

type Sim = ReturnType<typeof gjirafaSetup>["sim"];

function seedActive(sim: Sim, n: number): number[] {
  return Array.from(
    { length: n },
    (_, i) => sim.seedCertificate(PROJECT_P, { domainName: `h${i}.example.com`, status: "Active" }).id,
  );
}

/** Rewrites the JSON `result` of list answers and of detail answers on their way back. */
function rewrite(change: {
  list?: (item: Record<string, unknown>) => object;
  detail?: (d: Record<string, unknown>) => object;
}): (sim: Handler) => Handler {
  return (sim) => async (request) => {
    const isDetail = DETAIL_PATH.test(new URL(request.url).pathname);
    const response = await sim(request);
    const body = (await response.json()) as { result: unknown };
    if (isDetail && change.detail && body.result) {
      body.result = change.detail(body.result as Record<string, unknown>);
    } else if (!isDetail && change.list && Array.isArray(body.result)) {
      body.result = body.result.map((item: Record<string, unknown>) => change.list?.(item) ?? item);
    }
    return Response.json(body, { status: response.status });
  };
}

describe("merge", () => {
  it("list item fields + detail fields, the detail winning on overlap, unknown fields of both kept", async () => {
    const { sim, ctx, clock } = gjirafaSetup({
      wrap: rewrite({
        list: (item) => ({ ...item, certificateStatus: "active (list)", listOnlyField: "kept" }),
        detail: (d) => ({ ...d, detailOnlyField: 7 }),
      }),
    });
    sim.seedCertificate(PROJECT_P, {
      domainName: "a.example.com",
      status: "Active",
      distributionId: "dist-1",
      notBefore: clock.now() - 10 * DAY,
    });
    const [cert] = (await gj.listAll(ctx, PROJECT_P)).items;
    expect(cert).toMatchObject({
      // list only
      distributionId: "dist-1",
      scope: "Project",
      lastModified: expect.any(String),
      listOnlyField: "kept",
      // detail only
      projectId: PROJECT_P,
      notAfter: new Date(clock.now() + 80 * DAY).toISOString(),
      issuer: expect.any(String),
      detailOnlyField: 7,
      // both: the detail's value
      certificateStatus: "Active",
    });
  });

  it.each([
    [
      "detail wins",
      { id: 1, domainName: "a", certificateStatus: "x" },
      { id: 1, domainName: "a", certificateStatus: "y" },
      "y",
    ],
    [
      "a detail null overrides",
      { id: 1, domainName: "a", certificateStatus: "x" },
      { id: 1, domainName: "a", certificateStatus: null },
      null,
    ],
    [
      "absent in detail keeps the item's",
      { id: 1, domainName: "a", certificateStatus: "x" },
      { id: 1, domainName: "a" },
      "x",
    ],
  ] as const)("mergeDetail: %s", (_name, item, detail, status) => {
    const merged = mergeDetail(item as GjirafaCertificate, detail as GjirafaCertificate);
    expect(merged.certificateStatus).toBe(status);
  });
});

describe("cost and concurrency", () => {
  it.each([
    [0, 1],
    [1, 2],
    [7, 8],
    // Pages of the server's size (the simulator's default, 10), no longer of a size certgate chose.
    [100, 110],
    [101, 112],
  ])("%i certificates cost %i requests (pages + 1 detail each), all metered", async (n, total) => {
    const { sim, ctx } = gjirafaSetup();
    const ids = seedActive(sim, n);
    const { items: certs } = await gj.listAll(ctx, PROJECT_P);
    expect(certs.map((c) => c.id)).toEqual(ids);
    expect(sim.count()).toBe(total);
    expect(ctx.meter.calls).toBe(total);
    expect(sim.count("GET", "/certificates/*")).toBe(n);
  });

  it("never has more than 6 details in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const { sim, ctx } = gjirafaSetup({
      wrap: (handler) => async (request) => {
        if (!DETAIL_PATH.test(new URL(request.url).pathname)) return handler(request);
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        try {
          return await handler(request);
        } finally {
          inFlight -= 1;
        }
      },
    });
    seedActive(sim, 20);
    expect((await gj.listAll(ctx, PROJECT_P)).items).toHaveLength(20);
    expect(peak).toBe(6);
  });
});

describe("failures", () => {
  it("a detail answering 404 (deleted between list and get) drops that item only", async () => {
    let deleted: number | null = null;
    const { sim, ctx } = gjirafaSetup({
      wrap: (handler) => async (request) => {
        const response = await handler(request);
        const path = new URL(request.url).pathname;
        if (deleted === null && path.endsWith("/certificates")) {
          deleted = ids[1] ?? null;
          await handler(
            new Request(`${request.url.split("?")[0]}/${deleted}`, {
              method: "DELETE",
              headers: { "X-API-Key": UPSTREAM_GJIRAFA_KEY },
            }),
          );
        }
        return response;
      },
    });
    const ids = seedActive(sim, 3);
    const { items: certs } = await gj.listAll(ctx, PROJECT_P);
    expect(certs.map((c) => c.id)).toEqual([ids[0], ids[2]]);
    expect(certs.every((c) => typeof c.notAfter === "string")).toBe(true);
  });

  it.each([
    ["500 (after its retries)", { kind: "status", status: 500 }, "upstream_unavailable"],
    ["a broken body", { kind: "truncated" }, "upstream_invalid_response"],
    ["success: false", { kind: "unsuccessful" }, "upstream_invalid_response"],
  ] as const)(
    "a detail failing with %s fails the whole load, never a partial list",
    async (_n, fault, code) => {
      const { sim, ctx } = gjirafaSetup();
      const ids = seedActive(sim, 40);
      sim.faults.add({ method: "GET", path: `/certificates/${ids[0]}`, fault });
      const err = await failure(gj.listAll(ctx, PROJECT_P));
      expect(err).toMatchObject({ code, details: { provider: "gjirafa" } });
      // Once one detail has failed no new ones start: the 5 others in flight finish, the rest are not asked.
      expect(sim.count("GET", "/certificates/*")).toBeLessThan(40);
      expect(ctx.meter.calls).toBe(sim.count());
    },
  );

  it("a refused key on the details is upstream_auth_failed", async () => {
    const { sim, ctx } = gjirafaSetup({
      wrap: (handler) => (request) =>
        DETAIL_PATH.test(new URL(request.url).pathname)
          ? Response.json({ success: false, errors: ["Forbidden"], messages: [] }, { status: 403 })
          : handler(request),
    });
    seedActive(sim, 2);
    expect((await failure(gj.listAll(ctx, PROJECT_P))).code).toBe("upstream_auth_failed");
  });

  it("a detail for another id is an invalid response", async () => {
    const { sim, ctx } = gjirafaSetup({ wrap: rewrite({ detail: (d) => ({ ...d, id: 999 }) }) });
    seedActive(sim, 1);
    expect((await failure(gj.listAll(ctx, PROJECT_P))).code).toBe("upstream_invalid_response");
  });

  it("details run within ctx.deadline: hanging details end the load at the deadline", async () => {
    const { sim, ctx, clock } = gjirafaSetup();
    seedActive(sim, 10);
    sim.faults.add({ method: "GET", path: "/certificates/*", fault: { kind: "hang" } });
    const started = Date.now();
    const err = await failure(gj.listAll({ ...ctx, deadline: clock.now() + 100 }, PROJECT_P));
    expect(err.code).toBe("upstream_timeout");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sim.count("GET", "/certificates/*")).toBeLessThanOrEqual(6);
  });
});

describe("parseRaw (cache entries)", () => {
  const listItem = {
    id: 12,
    distributionId: "dist-1",
    sslCertificateId: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    domainName: "a.example.com",
    additionalNames: "b.example.com,c.example.com",
    certificateType: "Gjirafa Issued",
    certificateStatus: "Active",
    scope: "Project",
    lastModified: "2026-11-01T00:00:00.000Z",
  };
  const merged = {
    ...listItem,
    projectId: PROJECT_P,
    scopeId: 1,
    issuer: "CN=R11, O=Let's Encrypt, C=US",
    notBefore: "2026-11-01T00:00:00.000Z",
    notAfter: "2027-01-30T00:00:00.000Z",
    dnsRecords: [{ key: "_acme-challenge.a.example.com", value: "token" }],
    certificateChallenge: "token",
    futureField: { kept: true },
  };
  const now = Date.parse("2026-11-23T12:00:00Z");

  it("accepts the merged shape, keeping unknown fields, and normalizes its expiry", () => {
    const raw = gj.parseRaw(merged);
    expect(raw).toMatchObject({ futureField: { kept: true } });
    if (raw === null) throw new Error("rejected");
    expect(gj.normalize(PROJECT_P, raw, now)).toMatchObject({
      expires_at: "2027-01-30T00:00:00.000Z",
      not_before: "2026-11-01T00:00:00.000Z",
      days_remaining: 67,
      validity_days: 90,
      issuer: "CN=R11, O=Let's Encrypt, C=US",
      hosts: ["a.example.com", "b.example.com", "c.example.com"],
      updated_at: "2026-11-01T00:00:00.000Z",
    });
  });

  it("still accepts a plain list item (an entry cached before enrichment), normalizing it with nulls", () => {
    const raw = gj.parseRaw(listItem);
    if (raw === null) throw new Error("rejected");
    const cert = gj.normalize(PROJECT_P, raw, now);
    expect(cert).toMatchObject({
      status: "active",
      expires_at: null,
      not_before: null,
      days_remaining: null,
      validity_days: null,
      issuer: null,
    });
    expect(cert.validation.records).toEqual([]);
  });

  it.each([
    ["no id", { ...listItem, id: undefined }],
    ["a string id", { ...listItem, id: "12" }],
    ["dnsRecords not a list", { ...merged, dnsRecords: "x" }],
    ["not an object", "x"],
  ])("refuses %s", (_name, value) => {
    expect(gj.parseRaw(value)).toBeNull();
  });
});

describe("reusing known details (previous list)", () => {
  it("an unchanged project costs only its list page; a changed or new certificate gets a fresh detail", async () => {
    const { sim, ctx, clock } = gjirafaSetup();
    const ids = seedActive(sim, 5);
    const { items: first } = await gj.listAll(ctx, PROJECT_P);
    expect(sim.count("GET", "/certificates/*")).toBe(5);

    const { items: again } = await gj.listAll(ctx, PROJECT_P, { previous: first });
    expect(sim.count("GET", "/certificates/*"), "no detail asked again").toBe(5);
    expect(again).toEqual(first);

    clock.advance(60_000);
    ctx.deadline = clock.now() + 25_000;
    const changed = ids[2] ?? 0;
    sim.seedCertificate(PROJECT_P, { id: 900, domainName: "new.example.com", status: "Active" });
    // The simulator stamps lastModified on every change (seed 004's list field).
    await sim.fetch(
      new Request(`${GJ_ORIGIN}/api/v1/projects/${PROJECT_P}/certificates/${changed}`, {
        method: "PUT",
        headers: { "X-API-Key": UPSTREAM_GJIRAFA_KEY, "Content-Type": "application/json" },
        body: JSON.stringify({ scopeId: 2 }),
      }),
    );
    const before = sim.count("GET", "/certificates/*");
    const { items: third } = await gj.listAll(ctx, PROJECT_P, { previous: again });
    const fetched = sim
      .calls({ method: "GET" })
      .slice(-(sim.count("GET", "/certificates/*") - before))
      .map((c) => c.path.split("/").pop());
    expect(fetched.sort()).toEqual([String(changed), "900"].sort());
    expect(third.find((c) => c.id === changed)).toMatchObject({ scopeId: 2 });
    expect(third.map((c) => c.id)).toEqual([...ids, 900]);
  });

  it("old plain list items (no detail fields) are never taken for details", async () => {
    const { sim, ctx } = gjirafaSetup();
    seedActive(sim, 3);
    const plain = (await gj.listAll(ctx, PROJECT_P)).items.map(
      ({ id, domainName, certificateStatus, lastModified }) =>
        ({ id, domainName, certificateStatus, lastModified }) as GjirafaCertificate,
    );
    const before = sim.count("GET", "/certificates/*");
    const { items: certs } = await gj.listAll(ctx, PROJECT_P, { previous: plain });
    expect(sim.count("GET", "/certificates/*") - before).toBe(3);
    expect(certs).toHaveLength(3);
    expect(certs.every((c) => typeof c.notAfter === "string")).toBe(true);
  });
});
