/**
 * Native Gjirafa pass-through: the seven certificate operations of seed 004 at their native paths
 * under /gjirafa, native shapes (string errors, `resultInfo`), so existing Gjirafa clients work with
 * certgate's key instead of an upstream key. The `{version}` segment must be the configured
 * GJIRAFA_API_VERSION. Lists come from the KV cache (whole project) and are paged here, per request.
 * The cached items are list items enriched with their detail (providers/gjirafa/enrich.ts), so a list
 * answer here carries the detail's fields too (notBefore, notAfter, issuer, dnsRecords, ...): an
 * additive superset of seed 004's list item, which existing clients ignore or can use.
 * Pages count from 0, as the documentation's `resultInfo` shows (`pageIndex: 0`): a client that asks
 * for the reported `pageIndex` + 1 walks every page. Items the upstream sent that certgate could not
 * use are reported in `messages`. A write's 2xx answer is returned exactly as Gjirafa sent it.
 */
import { type Context, Hono } from "hono";
import * as z from "zod";
import { ProjectIdSchema } from "../api/schemas";
import { requireScope } from "../auth/authorize";
import { cacheHeaders, wantsBypass } from "../cache";
import type { AppEnv } from "../context";
import { AppError } from "../errors";
import { describeSkipped } from "../model/list-notes";
import { gjirafaNative } from "../providers/gjirafa/native";
import type { CertificateService, ScopeTarget } from "../service/certificates";
import { paginate } from "../service/select";
import { queryOf, readJson, validate } from "../validation";
import { serviceContext } from "./service-context";

const BASE = "/gjirafa/api/:version/projects/:project_id/certificates";
const ProjectPath = z.object({ version: z.string().regex(/^v\d+$/), project_id: ProjectIdSchema });
const CertificatePath = ProjectPath.extend({ id: gjirafaNative.certificateId });
/** Page size when the caller names none (Gjirafa's own default is undocumented). */
const DEFAULT_PAGE_SIZE = 50;

/**
 * Checked before the rest of the path: any version other than the configured one is a path certgate
 * does not serve (404, as Gjirafa answers), whatever its shape (`v2` and `beta` alike).
 */
function versionChecked(c: Context<AppEnv>): void {
  const version = c.req.param("version") ?? "";
  const served = c.get("config").gjirafa.apiVersion;
  if (version !== served) {
    throw new AppError("not_found", `API version ${version.slice(0, 20)} is not served; use ${served}`);
  }
}

function projectOf(c: Context<AppEnv>): ScopeTarget {
  versionChecked(c);
  const path = validate(ProjectPath, c.req.param(), "path");
  return { provider: "gjirafa", scope: path.project_id };
}

function certificateOf(c: Context<AppEnv>): ScopeTarget & { id: string } {
  versionChecked(c);
  const path = validate(CertificatePath, c.req.param(), "path");
  return { provider: "gjirafa", scope: path.project_id, id: path.id };
}

/** `/import` is not a certificate id: without this, `GET .../import` answered 400 (bad id). RFC 9110 §15.5.6. */
function importMethodNotAllowed(c: Context<AppEnv>): never {
  versionChecked(c);
  c.header("Allow", "POST");
  throw new AppError("method_not_allowed", `${c.req.method} is not allowed here`);
}

const body = async (c: Context<AppEnv>) => readJson(c, c.get("config").maxBodyBytes);

export function nativeGjirafaRoutes(service: CertificateService) {
  return new Hono<AppEnv>()
    .get(BASE, requireScope("certificates:read"), async (c) => {
      const target = projectOf(c);
      const query = validate(gjirafaNative.listQuery, queryOf(c), "query");
      const read = await service.readScope(serviceContext(c), target, wantsBypass(c.req.raw.headers));
      const pageIndex = query.pageIndex ?? 0;
      // paginate() counts from 1; this door counts from 0.
      const page = paginate(read.items, pageIndex + 1, query.pageSize ?? DEFAULT_PAGE_SIZE);
      c.set("cacheOutcome", read.outcome);
      return c.json(
        {
          success: true,
          errors: [],
          messages: read.notes.skipped.map((item) => `certgate ${describeSkipped("certificate", item)}`),
          result: page.items,
          resultInfo: {
            totalCount: page.info.total_count,
            pageIndex,
            pageSize: page.info.per_page,
            totalPages: page.info.total_pages,
            hasNextPage: pageIndex + 1 < page.info.total_pages,
            hasPreviousPage: pageIndex > 0,
          },
        },
        200,
        cacheHeaders(read),
      );
    })
    .post(BASE, requireScope("certificates:write"), async (c) => {
      const target = projectOf(c);
      const input = validate(gjirafaNative.createBody, await body(c), "body");
      return c.json(
        await service.native(serviceContext(c), target, (u) => gjirafaNative.create(u, target.scope, input), {
          write: true,
          creates: "create",
        }),
      );
    })
    .post(`${BASE}/import`, requireScope("certificates:write"), async (c) => {
      const target = projectOf(c);
      const input = await body(c);
      // gjirafaNative.import validates the body and checks the PEM blocks before anything is sent.
      return c.json(
        await service.native(serviceContext(c), target, (u) => gjirafaNative.import(u, target.scope, input), {
          write: true,
          creates: "import",
        }),
      );
    })
    .all(`${BASE}/import`, importMethodNotAllowed)
    .get(`${BASE}/:id`, requireScope("certificates:read"), async (c) => {
      const cert = certificateOf(c);
      return c.json(
        await service.native(serviceContext(c), cert, (u) => gjirafaNative.get(u, cert.scope, cert.id), {
          write: false,
        }),
      );
    })
    .put(`${BASE}/:id`, requireScope("certificates:write"), async (c) => {
      const cert = certificateOf(c);
      const input = validate(gjirafaNative.updateBody, await body(c), "body");
      return c.json(
        await service.native(
          serviceContext(c),
          cert,
          (u) => gjirafaNative.update(u, cert.scope, cert.id, input),
          {
            write: true,
          },
        ),
      );
    })
    .delete(`${BASE}/:id`, requireScope("certificates:write"), async (c) => {
      const cert = certificateOf(c);
      return c.json(
        await service.native(serviceContext(c), cert, (u) => gjirafaNative.remove(u, cert.scope, cert.id), {
          write: true,
          deletedId: cert.id,
        }),
      );
    })
    .put(`${BASE}/:id/validate`, requireScope("certificates:write"), async (c) => {
      const cert = certificateOf(c);
      return c.json(
        await service.native(serviceContext(c), cert, (u) => gjirafaNative.validate(u, cert.scope, cert.id), {
          write: true,
        }),
      );
    });
}
