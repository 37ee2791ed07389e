/**
 * The native Cloudflare door: the six certificate-pack operations at their native paths under
 * /cloudflare/client/v4, native shapes and status codes, so existing tools (the official `cloudflare`
 * SDK with `baseURL` set here) work unchanged. certgate's key authenticates the caller; certgate's own
 * upstream credentials are injected by the client; the caller's credentials go nowhere.
 * Lists come from the KV cache (whole zone, status=all) and are filtered and paged here, per request;
 * packs the upstream sent that certgate could not use are reported in `messages` (integer code 71101).
 * A write's 2xx answer is returned exactly as Cloudflare sent it.
 *
 * The zone-apex rule of an order cannot be checked without the zone's name: Cloudflare enforces it and
 * its 400 (with its own code and message) reaches the caller through the error table.
 */
import type { Context } from "hono";
import * as z from "zod";
import { wantsBypass } from "../../cache";
import { cacheHeaders } from "../../cache/headers";
import type { AppEnv } from "../../context";
import { successBody } from "../../envelope";
import { AppError } from "../../errors";
import { answerJson } from "../../http/answers";
import { methodNotAllowed, type Route, route } from "../../http/route";
import { serviceContext } from "../../http/service-context";
import { describeServedStale, describeSkipped } from "../../model/list-notes";
import type { Scope } from "../../model/scope";
import { paginate } from "../../service/select";
import type { DoorContext } from "../module";
import { CLOUDFLARE_DOOR_MESSAGE_CODES } from "./envelope";
import { PackIdSchema, ZoneIdSchema } from "./ids";
import type { CloudflareInstance } from "./instance";
import { ListQuerySchema, OrderBodySchema, PatchBodySchema } from "./requests";
import type { CloudflareSettings } from "./settings";

export const CLOUDFLARE_MOUNT = "/cloudflare";
const BASE = "/cloudflare/client/v4/zones/:zone_id/ssl/certificate_packs";
const ZonePath = z.object({ zone_id: ZoneIdSchema });
const PackPath = z.object({ zone_id: ZoneIdSchema, certificate_pack_id: PackIdSchema });
/** Cloudflare's default and bounds for `per_page` on this endpoint (published schema). */
const DEFAULT_PER_PAGE = 20;

const zone = (id: string): Scope => ({ provider: "cloudflare", kind: "zone", id });

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

/** A note in `messages`: the upstream failed (or is rate limiting) and a cached copy was served. */
function servedStale(ageSeconds: number, error: unknown): { code: number; message: string } {
  return {
    code: CLOUDFLARE_DOOR_MESSAGE_CODES.served_stale,
    message: describeServedStale(ageSeconds, error),
  };
}

function statusOf(pack: unknown): unknown {
  return typeof pack === "object" && pack !== null && "status" in pack ? pack.status : undefined;
}

export function cloudflareRoutes(door: DoorContext<CloudflareSettings, CloudflareInstance>): Route[] {
  const { service } = door;
  const client = (c: Context<AppEnv>) => door.instance(c).client;
  return [
    route({
      method: "GET",
      path: BASE,
      access: "certificates:read",
      summary: "List certificate packs (Cloudflare's shape)",
      params: ZonePath,
      query: ListQuerySchema,
      async handler({ params, query }, c) {
        const scope = zone(params.zone_id);
        const ctx = serviceContext(c);
        // The effective query: what decides the answer besides the cached list and the caller's grants.
        const effective = {
          zone: scope.id,
          status: query.status ?? "active",
          page: query.page ?? 1,
          per_page: query.per_page ?? DEFAULT_PER_PAGE,
        };
        if (query.deploy) {
          // A deployment-environment view is not what the cache holds: pass it through as asked.
          const answer = await service.native(
            ctx,
            scope,
            (u) => client(c).listCertificatePacks(u, scope.id, query),
            { write: false },
          );
          const deploy = { ...effective, deploy: query.deploy };
          return answerJson(c, {
            route: "cloudflare.list",
            version: null,
            query: deploy,
            build: () => ({ body: answer }),
          });
        }
        const read = await service.readList(ctx, scope, wantsBypass(c.req.raw.headers));
        c.set("cacheOutcome", read.outcome);
        return answerJson(c, {
          route: "cloudflare.list",
          // A stale copy served for a failed load says how old it is: an answer of its own, not remembered.
          version: read.refreshFailed ? null : read.version,
          query: effective,
          headers: cacheHeaders(read),
          build() {
            // Without status=all Cloudflare lists only active packs; the cache holds all of them.
            const packs =
              effective.status === "all"
                ? read.items
                : read.items.filter((p: unknown) => statusOf(p) === "active");
            const page = paginate(packs, effective.page, effective.per_page);
            // Cloudflare's message items are {code, message} with an integer code (published schema).
            const messages: Array<{ code: number; message: string }> = read.notes.skipped.map((item) => ({
              code: CLOUDFLARE_DOOR_MESSAGE_CODES.skipped_item,
              message: `certgate ${describeSkipped("pack", item)}`,
            }));
            if (read.refreshFailed) messages.unshift(servedStale(read.ageSeconds, read.error));
            return { body: { ...successBody(page.items, { result_info: page.info }), messages } };
          },
        });
      },
    }),
    route({
      method: "POST",
      path: `${BASE}/order`,
      access: "certificates:write",
      summary: "Order an advanced certificate pack (Cloudflare's shape)",
      audit: "certificate.create",
      idempotency: "creating",
      auditTarget: ({ params }) => ({ scope: zone(params.zone_id) }),
      params: ZonePath,
      body: OrderBodySchema,
      async handler({ params, body }, c) {
        const scope = zone(params.zone_id);
        const result = await writeOnce(c, () =>
          service.native(serviceContext(c), scope, (u) => client(c).orderCertificatePack(u, scope.id, body), {
            write: true,
            creates: "order",
          }),
        );
        return c.json(result);
      },
    }),
    methodNotAllowed(`${BASE}/order`, "POST"),
    route({
      method: "GET",
      path: `${BASE}/quota`,
      access: "certificates:read",
      summary: "The zone's advanced certificate quota (Cloudflare's shape)",
      params: ZonePath,
      async handler({ params }, c) {
        const scope = zone(params.zone_id);
        // Through the quota cache, like GET /v1/quotas: Cloudflare's shape made from the cached quota.
        const read = await service.readQuota(serviceContext(c), scope, wantsBypass(c.req.raw.headers));
        if (read === null) throw new AppError("internal_error", "Cloudflare quotas are always read upstream");
        const [quota] = read.items;
        const advanced =
          quota === undefined || (quota.allocated === null && quota.used === null)
            ? null
            : { allocated: quota.allocated, used: quota.used };
        c.set("cacheOutcome", read.outcome);
        const messages = read.refreshFailed ? [servedStale(read.ageSeconds, read.error)] : [];
        return c.json({ ...successBody({ advanced }), messages }, 200, cacheHeaders(read));
      },
    }),
    methodNotAllowed(`${BASE}/quota`, "GET"),
    route({
      method: "GET",
      path: `${BASE}/:certificate_pack_id`,
      access: "certificates:read",
      summary: "Get a certificate pack (Cloudflare's shape)",
      params: PackPath,
      async handler({ params }, c) {
        const scope = zone(params.zone_id);
        const id = params.certificate_pack_id;
        const ctx = serviceContext(c);
        const bypass = wantsBypass(c.req.raw.headers);
        // A listed pack is the object this GET answers: served from a fresh cached list of the zone.
        const effective = { zone: scope.id, id };
        const cached = await service.cachedItem(ctx, scope, id, bypass);
        if (cached) {
          c.set("cacheOutcome", cached.cache.outcome);
          return answerJson(c, {
            route: "cloudflare.get",
            version: cached.version,
            query: effective,
            headers: cacheHeaders(cached.cache),
            build: () => ({ body: successBody(cached.raw) }),
          });
        }
        const answer = await service.native(
          ctx,
          scope,
          (u) => client(c).getCertificatePack(u, scope.id, id),
          {
            write: false,
          },
        );
        return answerJson(c, {
          route: "cloudflare.get",
          version: null,
          query: effective,
          headers: cacheHeaders({ outcome: bypass ? "BYPASS" : "MISS", ageSeconds: 0 }),
          build: () => ({ body: answer }),
        });
      },
    }),
    route({
      method: "PATCH",
      path: `${BASE}/:certificate_pack_id`,
      access: "certificates:write",
      summary: "Restart validation ({}) or add branding (Cloudflare's shape)",
      audit: "certificate.update",
      idempotency: "repeatable",
      auditTarget: ({ params }) => ({ scope: zone(params.zone_id), certificate: params.certificate_pack_id }),
      params: PackPath,
      body: PatchBodySchema,
      emptyBody: "allowed",
      async handler({ params, body }, c) {
        const scope = zone(params.zone_id);
        const id = params.certificate_pack_id;
        const result = await writeOnce(c, () =>
          service.native(
            serviceContext(c),
            scope,
            (u) => client(c).patchCertificatePack(u, scope.id, id, body),
            { write: true, certificate: id },
          ),
        );
        return c.json(result);
      },
    }),
    route({
      method: "DELETE",
      path: `${BASE}/:certificate_pack_id`,
      access: "certificates:write",
      summary: "Delete a certificate pack (Cloudflare's shape)",
      audit: "certificate.delete",
      idempotency: "repeatable",
      auditTarget: ({ params }) => ({ scope: zone(params.zone_id), certificate: params.certificate_pack_id }),
      params: PackPath,
      async handler({ params }, c) {
        const scope = zone(params.zone_id);
        const id = params.certificate_pack_id;
        const result = await writeOnce(c, () =>
          service.native(serviceContext(c), scope, (u) => client(c).deleteCertificatePack(u, scope.id, id), {
            write: true,
            deletedId: id,
          }),
        );
        return c.json(result);
      },
    }),
  ];
}
