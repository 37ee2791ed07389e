/**
 * Native Cloudflare pass-through: the six certificate-pack operations at their native paths under
 * /cloudflare/client/v4, native shapes and status codes, so existing tools (the official `cloudflare`
 * SDK with `baseURL` set here) work unchanged. certgate's key authenticates the caller; certgate's own
 * upstream credentials are injected by the provider client; the caller's credentials go nowhere.
 * Lists come from the KV cache (whole zone, status=all) and are filtered and paged here, per request;
 * packs the upstream sent that certgate could not use are reported in `messages` (integer code 71101).
 * A write's 2xx answer is returned exactly as Cloudflare sent it.
 */
import { type Context, Hono } from "hono";
import * as z from "zod";
import { ZoneIdSchema } from "../api/schemas";
import { requireScope } from "../auth/authorize";
import { cacheHeaders, wantsBypass } from "../cache";
import type { AppEnv } from "../context";
import { successBody } from "../envelope";
import { AppError, CLOUDFLARE_DOOR_MESSAGE_CODES } from "../errors";
import { describeSkipped } from "../model/list-notes";
import { cloudflareNative } from "../providers/cloudflare/native";
import type { CertificateService, ScopeTarget } from "../service/certificates";
import { paginate } from "../service/select";
import { queryOf, readJson, validate } from "../validation";
import { serviceContext } from "./service-context";

const BASE = "/cloudflare/client/v4/zones/:zone_id/ssl/certificate_packs";
const ZonePath = z.object({ zone_id: ZoneIdSchema });
const PackPath = z.object({ zone_id: ZoneIdSchema, certificate_pack_id: cloudflareNative.packId });
/** Cloudflare's default and bounds for `per_page` on this endpoint (published schema). */
const DEFAULT_PER_PAGE = 20;

/**
 * `/order` and `/quota` are not pack ids: without these, `GET .../order` or `PATCH .../quota` matched
 * `/:certificate_pack_id` and went upstream. RFC 9110 §15.5.6: 405 with the methods the path has.
 */
function methodNotAllowed(allow: string) {
  return (c: Context<AppEnv>): never => {
    c.header("Allow", allow);
    throw new AppError("method_not_allowed", `${c.req.method} is not allowed here`);
  };
}

/**
 * Runs a write. When it fails with its upstream outcome unknown (5xx, `upstream_outcome_unknown`: the
 * order may have been placed), `X-Should-Retry: false` tells Stainless-generated clients (the official
 * `cloudflare` SDK) not to repeat it: their default is two retries on 5xx, which would order a second pack.
 */
async function writeOnce<T>(c: Context<AppEnv>, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) c.header("X-Should-Retry", "false");
    throw err;
  }
}

function zoneOf(c: Context<AppEnv>): ScopeTarget {
  return { provider: "cloudflare", scope: validate(ZonePath, c.req.param(), "path").zone_id };
}

function packOf(c: Context<AppEnv>): ScopeTarget & { id: string } {
  const p = validate(PackPath, c.req.param(), "path");
  return { provider: "cloudflare", scope: p.zone_id, id: p.certificate_pack_id };
}

export function nativeCloudflareRoutes(service: CertificateService) {
  return new Hono<AppEnv>()
    .get(BASE, requireScope("certificates:read"), async (c) => {
      const target = zoneOf(c);
      const query = validate(cloudflareNative.listQuery, queryOf(c), "query");
      const ctx = serviceContext(c);
      if (query.deploy) {
        // A deployment-environment view is not what the cache holds: pass it through as asked.
        return c.json(
          await service.native(ctx, target, (u) => cloudflareNative.list(u, target.scope, query), {
            write: false,
          }),
        );
      }
      const read = await service.readScope(ctx, target, wantsBypass(c.req.raw.headers));
      // Without status=all Cloudflare lists only active packs (domain.md); the cache holds all of them.
      const packs =
        query.status === "all" ? read.items : read.items.filter((p: unknown) => statusOf(p) === "active");
      const page = paginate(packs, query.page ?? 1, query.per_page ?? DEFAULT_PER_PAGE);
      c.set("cacheOutcome", read.outcome);
      // Cloudflare's message items are {code, message} with an integer code (published schema).
      const messages = read.notes.skipped.map((item) => ({
        code: CLOUDFLARE_DOOR_MESSAGE_CODES.skipped_item,
        message: `certgate ${describeSkipped("pack", item)}`,
      }));
      return c.json(
        { ...successBody(page.items, { result_info: page.info }), messages },
        200,
        cacheHeaders(read),
      );
    })
    .post(`${BASE}/order`, requireScope("certificates:write"), async (c) => {
      const target = zoneOf(c);
      const body = validate(
        cloudflareNative.orderBody,
        await readJson(c, c.get("config").maxBodyBytes),
        "body",
      );
      const result = await writeOnce(c, () =>
        service.native(serviceContext(c), target, (u) => cloudflareNative.order(u, target.scope, body), {
          write: true,
          creates: "order",
        }),
      );
      return c.json(result);
    })
    .all(`${BASE}/order`, methodNotAllowed("POST"))
    .get(`${BASE}/quota`, requireScope("certificates:read"), async (c) => {
      const target = zoneOf(c);
      return c.json(
        await service.native(serviceContext(c), target, (u) => cloudflareNative.quota(u, target.scope), {
          write: false,
        }),
      );
    })
    .all(`${BASE}/quota`, methodNotAllowed("GET"))
    .get(`${BASE}/:certificate_pack_id`, requireScope("certificates:read"), async (c) => {
      const pack = packOf(c);
      return c.json(
        await service.native(serviceContext(c), pack, (u) => cloudflareNative.get(u, pack.scope, pack.id), {
          write: false,
        }),
      );
    })
    .patch(`${BASE}/:certificate_pack_id`, requireScope("certificates:write"), async (c) => {
      const pack = packOf(c);
      const body = validate(
        cloudflareNative.patchBody,
        await readJson(c, c.get("config").maxBodyBytes, true),
        "body",
      );
      const result = await writeOnce(c, () =>
        service.native(serviceContext(c), pack, (u) => cloudflareNative.patch(u, pack.scope, pack.id, body), {
          write: true,
        }),
      );
      return c.json(result);
    })
    .delete(`${BASE}/:certificate_pack_id`, requireScope("certificates:write"), async (c) => {
      const pack = packOf(c);
      const result = await writeOnce(c, () =>
        service.native(serviceContext(c), pack, (u) => cloudflareNative.remove(u, pack.scope, pack.id), {
          write: true,
          deletedId: pack.id,
        }),
      );
      return c.json(result);
    });
}

function statusOf(pack: unknown): unknown {
  return typeof pack === "object" && pack !== null && "status" in pack ? pack.status : undefined;
}
