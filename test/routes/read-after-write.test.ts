/**
 * What a caller reads right after a write through certgate: the quota and the list of the written
 * scope, through both doors, are never a cache hit from before the write, and show the write.
 * Every case first proves the read WAS cached (a HIT before the write), so "not a HIT after" means the
 * write invalidated it, not that nothing was cached.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { Certificate, Quota } from "../../src/model/certificate";
import {
  cfPacks,
  clearKv,
  EXAMPLE,
  type Gateway,
  gateway,
  ORDER,
  PROJECT,
  packId,
  ROUTE_KEYS,
  unifiedId,
  type V4Envelope,
  type Wire,
} from "./helpers";

const writer = ROUTE_KEYS.writer;
beforeEach(clearKv);

const UNIFIED_QUOTA = `/v1/quotas?zone=${EXAMPLE}`;
const NATIVE_QUOTA = `${cfPacks()}/quota`;

async function unifiedQuota(gw: Gateway): Promise<{ used: number | null; cache: string | null }> {
  const res = await gw.json<V4Envelope<Quota[]>>("GET", UNIFIED_QUOTA, { key: writer });
  expect(res.status).toBe(200);
  expect(res.body.result).toHaveLength(1);
  return { used: res.body.result[0]?.used ?? null, cache: res.headers.get("x-cache") };
}

async function nativeUsed(gw: Gateway): Promise<number> {
  const res = await gw.json<V4Envelope<{ advanced?: { used: number } }>>("GET", NATIVE_QUOTA, {
    key: writer,
  });
  expect(res.status).toBe(200);
  const used = res.body.result.advanced?.used;
  if (used === undefined) throw new Error("native quota without advanced.used");
  return used;
}

/** Reads the unified quota twice: the second read must be a HIT (the cache is warm). */
async function warmQuota(gw: Gateway): Promise<number> {
  const first = await unifiedQuota(gw);
  const second = await unifiedQuota(gw);
  expect(second.cache, "the quota is cached before the write").toBe("HIT");
  expect(second.used).toBe(first.used);
  if (second.used === null) throw new Error("demo zone without a quota");
  return second.used;
}

const activePack = (gw: Gateway) =>
  packId(gw, EXAMPLE, (p) => p.status === "active" && p.type === "advanced");

interface QuotaWrite {
  name: string;
  /** Performs the write; resolves to its HTTP status. */
  write: (gw: Gateway) => Promise<number>;
  /** How `used` moves. */
  delta: number;
}

const QUOTA_WRITES: readonly QuotaWrite[] = [
  {
    name: "an order through /v1",
    delta: 1,
    write: async (gw) =>
      (
        await gw.call("POST", "/v1/certificates", {
          key: writer,
          body: { provider: "cloudflare", zone: EXAMPLE, ...withoutType(ORDER) },
        })
      ).status,
  },
  {
    name: "an order through the native door",
    delta: 1,
    write: async (gw) => (await gw.call("POST", `${cfPacks()}/order`, { key: writer, body: ORDER })).status,
  },
  {
    name: "a delete through /v1",
    delta: -1,
    write: async (gw) =>
      (
        await gw.call("DELETE", `/v1/certificates/${unifiedId("cloudflare", EXAMPLE, activePack(gw))}`, {
          key: writer,
        })
      ).status,
  },
  {
    name: "a delete through the native door",
    delta: -1,
    write: async (gw) => (await gw.call("DELETE", `${cfPacks()}/${activePack(gw)}`, { key: writer })).status,
  },
];

function withoutType(order: typeof ORDER) {
  const { type: _type, ...rest } = order;
  return rest;
}

describe("the quota after a write", () => {
  it.each(QUOTA_WRITES)(
    "after $name, /v1/quotas and the native quota show the new `used`, not a cached one",
    async ({ write, delta }) => {
      const gw = gateway();
      const before = await warmQuota(gw);
      expect(await nativeUsed(gw)).toBe(before);
      expect(before).toBe(gw.sims.cloudflare.quota(EXAMPLE).used);

      expect(await write(gw)).toBe(200);
      expect(gw.sims.cloudflare.quota(EXAMPLE).used, "the upstream counted the write").toBe(before + delta);

      const quotaCalls = gw.sims.cloudflare.count("GET", `/zones/${EXAMPLE}/ssl/certificate_packs/quota`);
      const after = await unifiedQuota(gw);
      expect(after.cache, "not served from the pre-write cache").not.toBe("HIT");
      expect(after.used).toBe(before + delta);
      expect(
        gw.sims.cloudflare.count("GET", `/zones/${EXAMPLE}/ssl/certificate_packs/quota`),
        "the quota was read from the upstream again",
      ).toBe(quotaCalls + 1);
      expect(await nativeUsed(gw)).toBe(before + delta);
      // And once re-read, it is cached again with the new value.
      expect(await unifiedQuota(gw)).toEqual({ used: before + delta, cache: "HIT" });
    },
  );
});

type List = V4Envelope<Certificate[]>;

async function list(gw: Gateway, query: string): Promise<{ certs: Certificate[]; cache: string | null }> {
  const res = await gw.json<List>("GET", `/v1/certificates?per_page=200&${query}`, { key: writer });
  expect(res.status).toBe(200);
  expect(res.body.errors).toEqual([]);
  return { certs: res.body.result, cache: res.headers.get("x-cache") };
}

async function warmList(gw: Gateway, query: string): Promise<Certificate[]> {
  await list(gw, query);
  const warm = await list(gw, query);
  expect(warm.cache, "the list is cached before the write").toBe("HIT");
  expect(warm.certs.length).toBeGreaterThan(0);
  return warm.certs;
}

describe("the list after a DELETE through /v1", () => {
  it("a deleted Gjirafa certificate is gone from the next list, which is not a cache hit", async () => {
    const gw = gateway();
    const query = `project=${PROJECT}`;
    const active = gw.sims.gjirafa.certificates(PROJECT).find((c) => c.certificateStatus === "Active");
    if (!active) throw new Error("demo project without an active certificate");
    const ref = unifiedId("gjirafa", PROJECT, active.id);
    const before = await warmList(gw, query);
    expect(before.map((c) => c.id)).toContain(ref);

    const res = await gw.json<V4Envelope>("DELETE", `/v1/certificates/${ref}`, { key: writer });
    expect([res.status, res.body.result]).toEqual([200, { id: ref, already_deleted: false }]);

    const after = await list(gw, query);
    expect(after.cache).not.toBe("HIT");
    expect(after.certs.map((c) => c.id)).not.toContain(ref);
    expect(after.certs).toHaveLength(before.length - 1);
  });

  it("a deleted Cloudflare pack shows as deleted in the next list, which is not a cache hit", async () => {
    const gw = gateway();
    const query = `zone=${EXAMPLE}`;
    const ref = unifiedId("cloudflare", EXAMPLE, activePack(gw));
    const before = await warmList(gw, query);
    expect(before.find((c) => c.id === ref)?.status).toBe("active");

    const res = await gw.json<V4Envelope>("DELETE", `/v1/certificates/${ref}`, { key: writer });
    expect([res.status, res.body.result]).toEqual([200, { id: ref, already_deleted: false }]);

    const after = await list(gw, query);
    expect(after.cache).not.toBe("HIT");
    // Cloudflare keeps a deleted pack listed (status deleted) for a while: the list says what the
    // upstream says now, not what it said before the delete.
    const upstream = await gw.json<V4Envelope<Certificate>>("GET", `/v1/certificates/${ref}`, {
      key: writer,
    });
    expect(upstream.body.result.status).not.toBe("active");
    expect(after.certs.find((c) => c.id === ref)?.status).toBe(upstream.body.result.status);
  });
});

interface ListWrite {
  name: string;
  query: string;
  /** Performs the write; resolves to its status and the unified id of the certificate it wrote. */
  write: (gw: Gateway) => Promise<{ status: number; id: string }>;
  /** What the next list must show: the write's effect on that certificate. */
  shows: (after: Certificate[], before: Certificate[], id: string) => void;
}

const gjId = (gw: Gateway, status: string) => {
  const cert = gw.sims.gjirafa.certificates(PROJECT).find((c) => c.certificateStatus === status);
  if (!cert) throw new Error(`no demo certificate in ${status}`);
  return String(cert.id);
};

/** Sends a write; the id is the answer's (`toUnified` maps a native id) or the one given. */
async function send(
  gw: Gateway,
  method: string,
  path: string,
  options: { body?: unknown; id?: string; toUnified?: (nativeId: string) => string },
): Promise<{ status: number; id: string }> {
  const res = await gw.json<{ result: { id?: string | number } | null }>(method, path, {
    key: writer,
    body: options.body,
  });
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  const answered = String(res.body.result?.id ?? "");
  return {
    status: res.status,
    id: options.id ?? (options.toUnified ? options.toUnified(answered) : answered),
  };
}

const listed = (after: Certificate[], _before: Certificate[], id: string) =>
  expect(after.map((c) => c.id)).toContain(id);
const gone = (after: Certificate[], before: Certificate[], id: string) => {
  expect(before.map((c) => c.id)).toContain(id);
  expect(after.map((c) => c.id)).not.toContain(id);
};

const LIST_WRITES: readonly ListWrite[] = [
  {
    name: "an order through /v1",
    query: `zone=${EXAMPLE}`,
    write: (gw) =>
      send(gw, "POST", "/v1/certificates", {
        body: { provider: "cloudflare", zone: EXAMPLE, ...withoutType(ORDER) },
      }),
    shows: listed,
  },
  {
    name: "an order through the native door",
    query: `zone=${EXAMPLE}`,
    write: (gw) =>
      send(gw, "POST", `${cfPacks()}/order`, {
        body: ORDER,
        toUnified: (id) => unifiedId("cloudflare", EXAMPLE, id),
      }),
    shows: listed,
  },
  {
    name: "a Gjirafa create through /v1",
    query: `project=${PROJECT}`,
    write: (gw) =>
      send(gw, "POST", "/v1/certificates", {
        body: { provider: "gjirafa", project: PROJECT, domain_name: "after.demo.certgate.test", scope_id: 1 },
      }),
    shows: listed,
  },
  {
    name: "a Gjirafa create through the native door",
    query: `project=${PROJECT}`,
    write: (gw) =>
      send(gw, "POST", `/gjirafa/api/v1/projects/${PROJECT}/certificates`, {
        body: { domainName: "after.demo.certgate.test", additionalDomainNames: [], scopeId: 1 },
        toUnified: (id) => unifiedId("gjirafa", PROJECT, id),
      }),
    shows: listed,
  },
  {
    name: "a restart of validation through /v1",
    query: `zone=${EXAMPLE}`,
    write: (gw) => {
      const id = unifiedId(
        "cloudflare",
        EXAMPLE,
        packId(gw, EXAMPLE, (p) => p.status === "validation_timed_out"),
      );
      return send(gw, "POST", `/v1/certificates/${id}/validate`, { id });
    },
    shows: (after, before, id) => {
      expect(before.find((c) => c.id === id)?.provider_status).toBe("validation_timed_out");
      expect(after.find((c) => c.id === id)?.provider_status).not.toBe("validation_timed_out");
    },
  },
  {
    name: "a Gjirafa scope change through /v1",
    query: `project=${PROJECT}&include=raw`,
    write: (gw) => {
      const id = unifiedId("gjirafa", PROJECT, gjId(gw, "Active"));
      return send(gw, "PATCH", `/v1/certificates/${id}`, { body: { scope_id: 2 }, id });
    },
    shows: (after, before, id) => {
      const scopeOf = (certs: Certificate[]) =>
        (certs.find((c) => c.id === id)?.raw as { scopeId?: unknown } | undefined)?.scopeId;
      expect(scopeOf(before)).not.toBe(2);
      expect(scopeOf(after)).toBe(2);
    },
  },
  {
    name: "a Gjirafa delete through /v1",
    query: `project=${PROJECT}`,
    write: (gw) => {
      const id = unifiedId("gjirafa", PROJECT, gjId(gw, "Active"));
      return send(gw, "DELETE", `/v1/certificates/${id}`, { id });
    },
    shows: gone,
  },
  {
    name: "a Gjirafa delete through the native door",
    query: `project=${PROJECT}`,
    write: (gw) => {
      const native = gjId(gw, "Active");
      return send(gw, "DELETE", `/gjirafa/api/v1/projects/${PROJECT}/certificates/${native}`, {
        id: unifiedId("gjirafa", PROJECT, native),
      });
    },
    shows: gone,
  },
];

describe("the list after every kind of write", () => {
  it.each(LIST_WRITES)(
    "after $name the next /v1 list is not a cache hit and shows it",
    async ({ query, write, shows }) => {
      const gw = gateway();
      const before = await warmList(gw, query);
      gw.clock.advance(1_000); // inside the fresh window: only the write can make the next read a miss
      const { id } = await write(gw);
      const after = await list(gw, query);
      expect(after.cache).not.toBe("HIT");
      shows(after.certs, before, id);
    },
  );
});

describe("the native Cloudflare list after a /v1 write", () => {
  it("a pack ordered through /v1 is in the next native list (status=all), which is not a cache hit", async () => {
    const gw = gateway();
    await gw.call("GET", `${cfPacks()}?status=all&per_page=50`, { key: writer });
    const warm = await gw.call("GET", `${cfPacks()}?status=all&per_page=50`, { key: writer });
    expect(warm.headers.get("x-cache")).toBe("HIT");
    const order = await gw.json<V4Envelope<Certificate>>("POST", "/v1/certificates", {
      key: writer,
      body: { provider: "cloudflare", zone: EXAMPLE, ...withoutType(ORDER) },
    });
    expect(order.status).toBe(200);
    const after = await gw.json<V4Envelope<Wire[]>>("GET", `${cfPacks()}?status=all&per_page=50`, {
      key: writer,
    });
    expect(after.headers.get("x-cache")).not.toBe("HIT");
    expect(after.body.result.map((p) => unifiedId("cloudflare", EXAMPLE, String(p.id)))).toContain(
      order.body.result.id,
    );
  });
});
