/**
 * One id rule per provider, the same on both doors (src/providers/cloudflare/ids.ts,
 * src/providers/gjirafa/ids.ts): a pack or certificate that a list shows can be fetched, patched and
 * deleted through `/v1` and through its native door, whatever id the upstream gave it within the
 * documented type (a pack id is a string of at most 32 characters; a certificate id an int32).
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { Handler } from "../helpers/deps";
import { answer, SCRIPTED_PROJECT as P, scriptedGateway, SCRIPTED_ZONE as Z } from "../helpers/scripted";
import { clearKv } from "./helpers";

beforeEach(clearKv);

const ok = (result: unknown) => answer({ success: true, errors: [], messages: [], result });

/** A Cloudflare zone holding one pack with id `id`; records what was asked. */
function cloudflareWithPack(id: string): { handler: Handler; paths: string[] } {
  const paths: string[] = [];
  const pack = { id, type: "advanced", hosts: ["example.com"], status: "active", certificates: [] };
  return {
    paths,
    handler: (request) => {
      const url = new URL(request.url);
      paths.push(`${request.method} ${url.pathname}`);
      if (url.pathname.endsWith("/certificate_packs")) return ok([pack]);
      if (request.method === "DELETE") return ok({ id });
      return ok(request.method === "PATCH" ? { ...pack, cloudflare_branding: true } : pack);
    },
  };
}

function gjirafaWithCertificate(id: number): { handler: Handler; paths: string[] } {
  const paths: string[] = [];
  const cert = { id, domainName: "neg.example.com", certificateStatus: "Active", scopeId: 1 };
  return {
    paths,
    handler: (request) => {
      const url = new URL(request.url);
      paths.push(`${request.method} ${url.pathname}`);
      if (url.pathname.endsWith("/certificates")) return ok([cert]);
      return answer({ success: true, errors: [], messages: [], result: cert, resultInfo: null });
    },
  };
}

describe("Cloudflare: any documented pack id, both doors", () => {
  it.each(["AbC-12_x.y~z", "0", "x".repeat(32), "023e105f4ecef8ad9ca31a8372d0c353"])(
    "pack %j: listed by /v1, then fetched, patched and deleted through /v1 and natively",
    async (id) => {
      const up = cloudflareWithPack(id);
      const gw = scriptedGateway({ cloudflare: up.handler });
      const list = await gw.json<{ result: Array<{ id: string }> }>("GET", `/v1/certificates?zone=${Z}`);
      const unified = list.body.result[0]?.id ?? "";
      expect(unified).toBe(`cloudflare:${Z}:${id}`);
      const native = `/cloudflare/client/v4/zones/${Z}/ssl/certificate_packs/${id}`;
      for (const [method, path, body] of [
        ["GET", `/v1/certificates/${unified}`],
        ["PATCH", `/v1/certificates/${unified}`, { cloudflare_branding: true }],
        ["DELETE", `/v1/certificates/${unified}`],
        ["GET", native],
        ["PATCH", native, { cloudflare_branding: true }],
        ["DELETE", native],
      ] as const) {
        const res = await gw.json(method, path, { body });
        expect(res.status, `${method} ${path}`).toBe(200);
      }
      expect(up.paths.filter((p) => p.endsWith(`/certificate_packs/${id}`))).not.toHaveLength(0);
    },
  );

  // (A bare "." segment is resolved away by the URL parser before certgate sees it.)
  it.each(["x".repeat(33), "a:b", "a b", "a/b", ".."])(
    "refuses %j on both doors before any upstream call",
    async (id) => {
      const up = cloudflareWithPack("unused");
      const gw = scriptedGateway({ cloudflare: up.handler });
      const enc = encodeURIComponent(id);
      const v1 = await gw.json("GET", `/v1/certificates/cloudflare:${Z}:${enc}`);
      const native = await gw.json("GET", `/cloudflare/client/v4/zones/${Z}/ssl/certificate_packs/${enc}`);
      expect([v1.status, native.status].every((s) => s === 400 || s === 404)).toBe(true);
      expect(up.paths).toEqual([]);
    },
  );
});

describe("Gjirafa: any int32 certificate id, both doors", () => {
  it.each([-5, 0, 2_147_483_647, -2_147_483_648])(
    "certificate %i: listed, fetched, updated, deleted on both doors",
    async (id) => {
      const up = gjirafaWithCertificate(id);
      const gw = scriptedGateway({ gjirafa: up.handler });
      const list = await gw.json<{ result: Array<{ id: string }> }>("GET", `/v1/certificates?project=${P}`);
      const unified = list.body.result[0]?.id ?? "";
      expect(unified).toBe(`gjirafa:${P}:${id}`);
      const native = `/gjirafa/api/v1/projects/${P}/certificates/${id}`;
      for (const [method, path, body] of [
        ["GET", `/v1/certificates/${unified}`],
        ["PATCH", `/v1/certificates/${unified}`, { scope_id: 2 }],
        ["DELETE", `/v1/certificates/${unified}`],
        ["GET", native],
        ["PUT", native, { scopeId: 2 }],
        ["DELETE", native],
      ] as const) {
        const res = await gw.json(method, path, { body });
        expect(res.status, `${method} ${path}`).toBe(200);
      }
      expect(up.paths).toContain(`DELETE /api/v1/projects/${P}/certificates/${id}`);
    },
  );

  it("a non-canonical id (leading zeros) is sent in its canonical form", async () => {
    const up = gjirafaWithCertificate(7);
    const gw = scriptedGateway({ gjirafa: up.handler });
    expect((await gw.json("GET", `/v1/certificates/gjirafa:${P}:007`)).status).toBe(200);
    expect((await gw.json("GET", `/gjirafa/api/v1/projects/${P}/certificates/0007`)).status).toBe(200);
    expect(up.paths).toEqual([
      `GET /api/v1/projects/${P}/certificates/7`,
      `GET /api/v1/projects/${P}/certificates/7`,
    ]);
  });
});
