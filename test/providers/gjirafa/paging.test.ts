/**
 * Gjirafa paging that cannot lose items. The paging query is undocumented, so certgate sends the
 * documented request first (no paging parameters), then follows resultInfo: the reported pageIndex + 1
 * and the reported pageSize, whichever base the server counts from, until totalCount. A walk that cannot
 * be complete is an upstream fault with a clear message (the cache then serves its last copy), never a
 * silent partial list.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createGjirafaSimulator, instantSleep } from "../../../sandbox";
import { testClock } from "../../helpers/deps";
import { PROJECT_P, UPSTREAM_GJIRAFA_KEY } from "../../helpers/ids";
import { SCRIPTED_PROJECT, scriptedGateway } from "../../helpers/scripted";
import { clearKv } from "../../routes/helpers";
import { failure } from "../../upstream/failure";
import { gjirafaInstance, gjirafaSetup } from "./setup";

/** The Gjirafa provider of the fixture configuration. */
const gj = gjirafaInstance();

beforeEach(clearKv);

type Sim = ReturnType<typeof gjirafaSetup>["sim"];

function seed(sim: Sim, n: number): number[] {
  return Array.from(
    { length: n },
    (_, i) => sim.seedCertificate(PROJECT_P, { domainName: `p${i}.example.com`, status: "Active" }).id,
  );
}

const listQueries = (sim: Sim) =>
  sim
    .calls({ method: "GET" })
    .filter((c) => c.path.endsWith("/certificates"))
    .map((c) => c.query);

describe("the walk follows what the server reports", () => {
  it.each([
    [0, 2, [{}, { pageIndex: "1", pageSize: "2" }]],
    [1, 2, [{}, { pageIndex: "2", pageSize: "2" }]],
  ] as const)(
    "pages from %i capped at %i: 3 certificates in 2 requests, all listed",
    async (base, cap, queries) => {
      const { sim, ctx } = gjirafaSetup({
        sim: { maxPageSize: cap, paging: { firstPageIndex: base, oversize: "cap" } },
      });
      const ids = seed(sim, 3);
      const list = await gj.listAll(ctx, PROJECT_P);
      expect(list.items.map((c) => c.id)).toEqual(ids);
      expect(listQueries(sim)).toEqual(queries);
    },
  );

  it("a server that ignores the paging query but fits the project in one page: one request", async () => {
    const { sim, ctx } = gjirafaSetup({ sim: { paging: { ignoreQuery: true } } });
    seed(sim, 4);
    expect((await gj.listAll(ctx, PROJECT_P)).items).toHaveLength(4);
    expect(listQueries(sim)).toEqual([{}]);
  });

  it("the documentation's own resultInfo (totalCount 0 and hasNextPage true beside one item) stops at totalCount", async () => {
    const { ctx, fetch } = gjirafaSetup({
      wrap: () => (request) =>
        /\/certificates\/\d+$/.test(new URL(request.url).pathname)
          ? Response.json({ success: true, errors: ["string"], messages: ["string"], result: { id: 0 } })
          : Response.json({
              success: true,
              errors: ["string"],
              messages: ["string"],
              result: [{ id: 0, domainName: "string" }],
              resultInfo: {
                totalCount: 0,
                pageIndex: 0,
                pageSize: 0,
                totalPages: 0,
                hasNextPage: true,
                hasPreviousPage: true,
              },
            }),
    });
    const list = await gj.listAll(ctx, PROJECT_P);
    expect(list.items.map((c) => c.id)).toEqual([0]);
    expect(list.notes.messages).toEqual(["Gjirafa says: string"]);
    // One list request and one detail.
    expect(fetch.requests).toHaveLength(2);
  });
});

describe("a walk that cannot be complete is an upstream fault, never a partial list", () => {
  const fault = async (ctx: ReturnType<typeof gjirafaSetup>["ctx"]) => {
    const err = await failure(gj.listAll(ctx, PROJECT_P));
    expect(err).toMatchObject({ code: "upstream_invalid_response", details: { provider: "gjirafa" } });
    expect(err.message).toMatch(/the list would be incomplete/);
    return err;
  };

  it("a server that ignores the paging query and holds more than a page", async () => {
    const { sim, ctx } = gjirafaSetup({ sim: { paging: { ignoreQuery: true } } });
    seed(sim, 12);
    expect((await fault(ctx)).message).toMatch(/answered page 1 when asked for page 2/);
    expect(listQueries(sim)).toHaveLength(2);
  });

  it("the pages end before totalCount", async () => {
    const { sim, ctx } = gjirafaSetup({
      wrap: (handler) => async (request) => {
        const res = await handler(request);
        if (!new URL(request.url).pathname.endsWith("/certificates")) return res;
        const body = (await res.json()) as { resultInfo: Record<string, unknown> };
        return Response.json({ ...body, resultInfo: { ...body.resultInfo, totalCount: 4 } });
      },
    });
    seed(sim, 3);
    expect((await fault(ctx)).message).toMatch(/after 3 of the 4 certificates/);
  });

  it("an empty page that announces another", async () => {
    const { ctx } = gjirafaSetup({
      wrap: () => () =>
        Response.json({
          success: true,
          errors: [],
          messages: [],
          result: [],
          resultInfo: { pageIndex: 0, pageSize: 10, hasNextPage: true },
        }),
    });
    expect((await fault(ctx)).message).toMatch(/another page after an empty one/);
  });

  it("another page announced without saying which page this one was", async () => {
    const { sim, ctx } = gjirafaSetup({
      wrap: (handler) => async (request) => {
        const res = await handler(request);
        if (!new URL(request.url).pathname.endsWith("/certificates")) return res;
        const body = (await res.json()) as { resultInfo: Record<string, unknown> };
        return Response.json({ ...body, resultInfo: { hasNextPage: true } });
      },
    });
    seed(sim, 2);
    expect((await fault(ctx)).message).toMatch(/without saying which page/);
  });
});

describe("done means: 3 certificates on 0-based pages capped at 2, through both doors", () => {
  function world() {
    const clock = testClock();
    const sim = createGjirafaSimulator({
      projects: [{ id: SCRIPTED_PROJECT }],
      apiKeys: [{ key: UPSTREAM_GJIRAFA_KEY }],
      maxPageSize: 2,
      paging: { firstPageIndex: 0, oversize: "cap" },
      now: clock.now,
      sleep: instantSleep,
    });
    const ids = [1, 2, 3].map(
      (i) => sim.seedCertificate(SCRIPTED_PROJECT, { domainName: `c${i}.example.com`, status: "Active" }).id,
    );
    return { sim, ids, gw: scriptedGateway({ gjirafa: (r) => sim.fetch(r) }, {}, clock) };
  }

  it("/v1 lists all 3", async () => {
    const { ids, gw } = world();
    const res = await gw.json<{ result: Array<{ id: string }>; errors: unknown[] }>(
      "GET",
      `/v1/certificates?project=${SCRIPTED_PROJECT}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);
    expect(res.body.result.map((c) => c.id)).toEqual(ids.map((id) => `gjirafa:${SCRIPTED_PROJECT}:${id}`));
  });

  it("the native door lists all 3, in one page or walked page by page", async () => {
    const { ids, gw } = world();
    const path = `/gjirafa/api/v1/projects/${SCRIPTED_PROJECT}/certificates`;
    const all = await gw.json<{ result: Array<{ id: number }> }>("GET", path);
    expect(all.body.result.map((c) => c.id)).toEqual(ids);
    const walked: number[] = [];
    let query = "?pageSize=2";
    for (let i = 0; i < 5; i++) {
      const page = await gw.json<{
        result: Array<{ id: number }>;
        resultInfo: { pageIndex: number; pageSize: number; hasNextPage: boolean };
      }>("GET", `${path}${query}`);
      walked.push(...page.body.result.map((c) => c.id));
      if (!page.body.resultInfo.hasNextPage) break;
      query = `?pageIndex=${page.body.resultInfo.pageIndex + 1}&pageSize=${page.body.resultInfo.pageSize}`;
    }
    expect(walked).toEqual(ids);
  });

  it("when the walk breaks, the last complete copy is served as STALE with the failure in messages", async () => {
    const { sim, gw, ids } = world();
    const first = await gw.json("GET", `/v1/certificates?project=${SCRIPTED_PROJECT}`);
    expect(first.headers.get("x-cache")).toBe("MISS");
    // Past the minimum refresh interval, so the no-cache read below does load (CACHE_MIN_REFRESH_SECONDS).
    gw.clock.advance(5_000);
    // The server starts ignoring pageIndex: page 2 repeats page 1.
    const broken = scriptedGateway(
      {
        gjirafa: (request) => {
          const url = new URL(request.url);
          url.searchParams.delete("pageIndex");
          return sim.fetch(new Request(url, request));
        },
      },
      {},
      gw.clock,
    );
    const res = await broken.json<{ result: Array<{ id: string }>; messages: string[] }>(
      "GET",
      `/v1/certificates?project=${SCRIPTED_PROJECT}`,
      { headers: { "Cache-Control": "no-cache" } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("STALE");
    expect(res.body.result).toHaveLength(ids.length);
    expect(res.body.messages.join("\n")).toMatch(
      /upstream failed, served a cached copy \d+ s old \(upstream_invalid_response: Gjirafa answered page 0 when asked for page 1 .*incomplete\)/,
    );
  });
});
