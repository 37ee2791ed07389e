/**
 * Conditional reads (RFC 9110 §13.1.2): every list and single-certificate answer of both doors carries a
 * strong ETag and `Cache-Control: private, max-age=0, must-revalidate`; If-None-Match with the current
 * tag is a 304 without a body. The tag follows what the answer is made of: the cache entry (a write
 * invalidates it: a new tag), the query (filters, paging, include=raw), the caller's grants, and the
 * clock where the answer shows it (days_remaining). A caller that may not see a scope gets its 401/403,
 * never a 304, whatever tag it sends.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { TestKey } from "../helpers/keys";
import {
  cfPacks,
  clearKv,
  EXAMPLE,
  type Gateway,
  gateway,
  gjCerts,
  PROJECT,
  packId,
  ROUTE_KEYS,
  SHOP,
  unifiedId,
} from "./helpers";

beforeEach(clearKv);

const REVALIDATE = "private, max-age=0, must-revalidate";
const { reader, writer, exampleOnly, projectOnly } = ROUTE_KEYS;

/** A pack of the example zone, by the simulator (the demo has several). */
const examplePack = (gw: Gateway) => packId(gw, EXAMPLE, (p) => p.status === "active");

interface Read {
  name: string;
  /** The path, given the gateway (ids come from the simulator). */
  path: (gw: Gateway) => string;
  /** Reads that make the answer come from the cache (a single read comes from the cached list). */
  warm?: (gw: Gateway) => Promise<void>;
}

const warmExampleList = async (gw: Gateway) => {
  expect((await gw.call("GET", `${cfPacks()}?status=all`, { key: reader })).status).toBe(200);
};

const READS: readonly Read[] = [
  { name: "the native Cloudflare list", path: () => `${cfPacks()}?status=all&per_page=5` },
  {
    name: "a native Cloudflare pack (from the cached list)",
    path: (gw) => `${cfPacks()}/${examplePack(gw)}`,
    warm: warmExampleList,
  },
  { name: "a native Cloudflare pack (from the upstream)", path: (gw) => `${cfPacks()}/${examplePack(gw)}` },
  { name: "the native Gjirafa list", path: () => `${gjCerts()}?pageSize=2` },
  {
    name: "a native Gjirafa certificate (from the upstream)",
    path: (gw) => `${gjCerts()}/${gw.sims.gjirafa.certificates(PROJECT)[0]?.id}`,
  },
  { name: "the /v1 list", path: () => "/v1/certificates?per_page=7" },
  {
    name: "a /v1 certificate (from the cached list)",
    path: (gw) => `/v1/certificates/${unifiedId("cloudflare", EXAMPLE, examplePack(gw))}`,
    warm: warmExampleList,
  },
];

async function get(
  gw: Gateway,
  path: string,
  key: TestKey | undefined,
  headers: Record<string, string> = {},
) {
  const res = await gw.call("GET", path, { key, headers });
  return { status: res.status, etag: res.headers.get("etag"), headers: res.headers, text: await res.text() };
}

/** The tag of a 200 answer (it must have one, and the revalidation Cache-Control). */
async function tagOf(gw: Gateway, path: string, key: TestKey = reader): Promise<string> {
  const res = await get(gw, path, key);
  expect(res.status, path).toBe(200);
  expect(res.headers.get("cache-control"), path).toBe(REVALIDATE);
  expect(res.etag, path).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
  return res.etag ?? "";
}

describe("If-None-Match on every read answer", () => {
  it.each(READS)("$name: the current tag is a 304 without a body; an old one is a 200", async (read) => {
    const gw = gateway();
    await read.warm?.(gw);
    const path = read.path(gw);
    const first = await get(gw, path, reader);
    expect(first.status).toBe(200);
    const etag = first.etag ?? "";
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(first.headers.get("cache-control")).toBe(REVALIDATE);

    const cases: ReadonlyArray<{ header: string; status: number }> = [
      { header: etag, status: 304 },
      { header: `W/${etag}`, status: 304 }, // weak comparison (RFC 9110 §13.1.2)
      { header: `"nope", ${etag}`, status: 304 },
      { header: `"a,b" , W/${etag}`, status: 304 },
      { header: "*", status: 304 },
      { header: '"an-old-tag"', status: 200 },
      { header: etag.slice(1, -1), status: 200 }, // not an entity tag: matches nothing
      { header: `${etag.slice(0, -2)}x"`, status: 200 },
    ];
    for (const { header, status } of cases) {
      const res = await get(gw, path, reader, { "If-None-Match": header });
      expect(res.status, header).toBe(status);
      expect(res.etag, header).toBe(etag);
      expect(res.headers.get("cache-control"), header).toBe(REVALIDATE);
      if (status === 304) expect(res.text, header).toBe("");
      else expect(res.text, header).toBe(first.text);
    }
  });

  it("a 304 keeps X-Cache and Age; the SDK's shape stays JSON on a 200", async () => {
    const gw = gateway();
    const path = `${cfPacks()}?status=all`;
    const etag = await tagOf(gw, path);
    const res = await get(gw, path, reader, { "If-None-Match": etag });
    expect(res.status).toBe(304);
    expect(res.headers.get("x-cache")).toBe("HIT");
    expect(res.headers.get("age")).toBe("0");
    expect(res.headers.get("content-type")).toBeNull();
    const full = await get(gw, path, reader);
    expect(full.headers.get("content-type")).toMatch(/^application\/json/);
    expect(JSON.parse(full.text)).toMatchObject({ success: true, errors: [] });
  });

  // Answers made from a cache entry (a read from the upstream costs its call, 304 or not).
  it.each(READS.filter((r) => !r.name.includes("from the upstream")))(
    "$name: a poll from fetch() (If-None-Match with its own no-cache) is a 304 without an upstream call",
    async (read) => {
      const gw = gateway();
      await read.warm?.(gw);
      const path = read.path(gw);
      const etag = (await get(gw, path, reader)).etag ?? "";
      const before = gw.sims.cloudflare.count() + gw.sims.gjirafa.count();
      // What the Fetch standard sends for a request given If-None-Match (cache mode "no-store").
      const headers = { "If-None-Match": etag, "Cache-Control": "no-cache", Pragma: "no-cache" };
      for (let i = 0; i < 3; i++) expect((await get(gw, path, reader, headers)).status).toBe(304);
      expect(gw.sims.cloudflare.count() + gw.sims.gjirafa.count()).toBe(before);
    },
  );

  it("errors carry no ETag", async () => {
    const gw = gateway();
    for (const path of [
      `${cfPacks("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")}`,
      "/v1/certificates/cloudflare:x:y",
    ]) {
      const res = await get(gw, path, reader, { "If-None-Match": "*" });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.etag, path).toBeNull();
    }
  });
});

describe("the ETag changes with the entry", () => {
  const WRITES: ReadonlyArray<{ name: string; path: string; write: (gw: Gateway) => Promise<Response> }> = [
    {
      name: "native Cloudflare list, after a native delete",
      path: `${cfPacks()}?status=all`,
      write: (gw) => gw.call("DELETE", `${cfPacks()}/${examplePack(gw)}`, { key: writer }),
    },
    {
      name: "/v1 list, after a /v1 delete",
      path: `/v1/certificates?zone=${EXAMPLE}`,
      write: (gw) =>
        gw.call("DELETE", `/v1/certificates/${unifiedId("cloudflare", EXAMPLE, examplePack(gw))}`, {
          key: writer,
        }),
    },
    {
      name: "native Gjirafa list, after a native delete",
      path: gjCerts(),
      write: (gw) =>
        gw.call("DELETE", `${gjCerts()}/${gw.sims.gjirafa.certificates(PROJECT)[0]?.id}`, { key: writer }),
    },
  ];

  it.each(WRITES)("$name: a new tag; the old one gets the new answer", async ({ path, write }) => {
    const gw = gateway();
    const before = await tagOf(gw, path);
    expect((await get(gw, path, reader, { "If-None-Match": before })).status).toBe(304);
    expect((await write(gw)).status).toBe(200);
    const after = await get(gw, path, reader, { "If-None-Match": before });
    expect(after.status, "the old tag is not current").toBe(200);
    expect(after.etag).not.toBe(before);
    expect((await get(gw, path, reader, { "If-None-Match": after.etag ?? "" })).status).toBe(304);
  });

  it("a cached /v1 certificate's tag follows the clock: days_remaining changes, so does the tag", async () => {
    const gw = gateway({ CACHE_FRESH_SECONDS: "86400", CACHE_STALE_SECONDS: "604800" });
    await warmExampleList(gw);
    const path = `/v1/certificates/${unifiedId("cloudflare", EXAMPLE, examplePack(gw))}`;
    const first = await get(gw, path, reader);
    const cert = JSON.parse(first.text).result as { days_remaining: number; expires_at: string };
    const before = cert.days_remaining;
    // To the first millisecond of the next day count: still within the list's fresh window (a HIT).
    const expires = Date.parse(cert.expires_at);
    gw.clock.advance(expires - before * 86_400_000 + 1 - gw.clock.now());
    const later = await get(gw, path, reader, { "If-None-Match": first.etag ?? "" });
    expect(later.status).toBe(200);
    expect(later.headers.get("x-cache")).toBe("HIT");
    expect(JSON.parse(later.text).result.days_remaining).toBe(before - 1);
    expect(later.etag).not.toBe(first.etag);
  });
});

describe("the ETag changes with the query", () => {
  const PAIRS: ReadonlyArray<{ name: string; a: string; b: string }> = [
    {
      name: "native list: page",
      a: `${cfPacks()}?status=all&per_page=5`,
      b: `${cfPacks()}?status=all&per_page=5&page=2`,
    },
    { name: "native list: status=all", a: cfPacks(), b: `${cfPacks()}?status=all` },
    {
      name: "native list: per_page",
      a: `${cfPacks()}?status=all&per_page=5`,
      b: `${cfPacks()}?status=all&per_page=6`,
    },
    {
      name: "Gjirafa list: pageIndex",
      a: `${gjCerts()}?pageSize=1`,
      b: `${gjCerts()}?pageSize=1&pageIndex=1`,
    },
    { name: "/v1 list: page", a: "/v1/certificates?per_page=3", b: "/v1/certificates?per_page=3&page=2" },
    { name: "/v1 list: status filter", a: "/v1/certificates", b: "/v1/certificates?status=active" },
    { name: "/v1 list: zone filter", a: "/v1/certificates", b: `/v1/certificates?zone=${EXAMPLE}` },
    { name: "/v1 list: include=raw", a: "/v1/certificates", b: "/v1/certificates?include=raw" },
  ];

  it.each(PAIRS)("$name", async ({ a, b }) => {
    const gw = gateway();
    const tagA = await tagOf(gw, a);
    const tagB = await tagOf(gw, b);
    expect(tagA).not.toBe(tagB);
    // Each is current for its own URL only, and stays current.
    expect((await get(gw, b, reader, { "If-None-Match": tagA })).status).toBe(200);
    expect((await get(gw, a, reader, { "If-None-Match": tagA })).status).toBe(304);
    expect((await get(gw, b, reader, { "If-None-Match": tagB })).status).toBe(304);
  });

  it("/v1 certificate: include=raw", async () => {
    const gw = gateway();
    await warmExampleList(gw);
    const path = `/v1/certificates/${unifiedId("cloudflare", EXAMPLE, examplePack(gw))}`;
    const plain = await tagOf(gw, path);
    const raw = await tagOf(gw, `${path}?include=raw`);
    expect(plain).not.toBe(raw);
    expect((await get(gw, `${path}?include=raw`, reader, { "If-None-Match": plain })).status).toBe(200);
  });
});

describe("the ETag changes with the grants", () => {
  const KEY_PAIRS: ReadonlyArray<{ name: string; path: string; a: TestKey; b: TestKey; sameBody: boolean }> =
    [
      // Same answer, different permissions: still two tags.
      {
        name: "reader vs writer, native list",
        path: `${cfPacks()}?status=all`,
        a: reader,
        b: writer,
        sameBody: true,
      },
      {
        name: "reader vs example-only, native list",
        path: `${cfPacks()}?status=all`,
        a: reader,
        b: exampleOnly,
        sameBody: true,
      },
      // Different scopes: a different answer.
      {
        name: "reader vs example-only, /v1 list",
        path: "/v1/certificates",
        a: reader,
        b: exampleOnly,
        sameBody: false,
      },
      {
        name: "reader vs project-only, /v1 list",
        path: "/v1/certificates",
        a: reader,
        b: projectOnly,
        sameBody: false,
      },
    ];

  it.each(KEY_PAIRS)("$name", async ({ path, a, b, sameBody }) => {
    const gw = gateway();
    const first = await get(gw, path, a);
    const second = await get(gw, path, b);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.text === second.text).toBe(sameBody);
    expect(first.etag).not.toBe(second.etag);
    // A tag another key got is not current for this one, in either order.
    expect((await get(gw, path, b, { "If-None-Match": first.etag ?? "" })).status).toBe(200);
    expect((await get(gw, path, a, { "If-None-Match": second.etag ?? "" })).status).toBe(200);
    // And each key's own tag is.
    expect((await get(gw, path, a, { "If-None-Match": first.etag ?? "" })).status).toBe(304);
  });
});

describe("no 304 without authorization", () => {
  const REFUSED: ReadonlyArray<{
    name: string;
    path: (gw: Gateway) => string;
    key?: TestKey;
    status: number;
  }> = [
    { name: "no key, native list", path: () => `${cfPacks(SHOP)}?status=all`, status: 401 },
    {
      name: "another zone's key, native list",
      path: () => `${cfPacks(SHOP)}?status=all`,
      key: exampleOnly,
      status: 403,
    },
    {
      name: "a project key, native list",
      path: () => `${cfPacks(SHOP)}?status=all`,
      key: projectOnly,
      status: 403,
    },
    {
      name: "another zone's key, native pack",
      path: (gw) => `${cfPacks(SHOP)}/${packId(gw, SHOP, () => true)}`,
      key: exampleOnly,
      status: 403,
    },
    {
      name: "another zone's key, /v1 certificate",
      path: (gw) =>
        `/v1/certificates/${unifiedId(
          "cloudflare",
          SHOP,
          packId(gw, SHOP, () => true),
        )}`,
      key: exampleOnly,
      status: 403,
    },
    {
      name: "another zone's key, /v1 list of that zone",
      path: () => `/v1/certificates?zone=${SHOP}`,
      key: exampleOnly,
      status: 403,
    },
    { name: "a zone key, Gjirafa list", path: () => gjCerts(), key: exampleOnly, status: 403 },
    { name: "no key, /v1 list", path: () => "/v1/certificates", status: 401 },
    // Every zone, but not the permission to read certificates.
    {
      name: "a key without certificates:read, native list",
      path: () => `${cfPacks(SHOP)}?status=all`,
      key: ROUTE_KEYS.reports,
      status: 403,
    },
    {
      name: "a key without certificates:read, /v1 list",
      path: () => "/v1/certificates",
      key: ROUTE_KEYS.reports,
      status: 403,
    },
  ];

  it.each(REFUSED)("$name: $status even with the current tag", async ({ path, key, status }) => {
    const gw = gateway();
    const url = path(gw);
    // A key that may see it gets the current tag (and warms every cache and memo on the way).
    const current = await tagOf(gw, url, ROUTE_KEYS.admin);
    for (const header of [current, "*", `W/${current}`]) {
      const res = await get(gw, url, key, { "If-None-Match": header });
      expect(res.status, header).toBe(status);
      expect(res.etag, header).toBeNull();
    }
  });
});
