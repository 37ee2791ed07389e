/**
 * The native Gjirafa door: the seven certificate operations of Gjirafa's API at their native paths under
 * /gjirafa, native shapes (string errors, `resultInfo`), so existing Gjirafa clients work with certgate's
 * key instead of an upstream key. The `{version}` segment must be the configured GJIRAFA_API_VERSION.
 * Lists come from the KV cache (whole project) and are paged here, per request. The cached items are
 * list items enriched with their detail (enrich.ts), so a list answer here carries the detail's fields
 * too (notBefore, notAfter, issuer, dnsRecords, ...): an additive superset of Gjirafa's list item, which
 * existing clients ignore or can use. Pages count from 0, as Gjirafa's `resultInfo` shows
 * (`pageIndex: 0`): a client that asks for the reported `pageIndex` + 1 walks every page. Items the
 * upstream sent that certgate could not use are reported in `messages`. A write's 2xx answer is returned
 * exactly as Gjirafa sent it. Import bodies are PEM-checked before anything is sent; a failure names the
 * field (body.certificateBody, body.certificatePrivateKey, body.certificateChain) and never echoes it.
 */
import type { Context } from "hono";
import * as z from "zod";
import { cacheHeaders, wantsBypass } from "../../cache";
import type { AppEnv } from "../../context";
import { AppError } from "../../errors";
import { answerJson } from "../../http/answers";
import { methodNotAllowed, type Route, route } from "../../http/route";
import { serviceContext } from "../../http/service-context";
import { describeServedStale, describeSkipped } from "../../model/list-notes";
import type { Scope } from "../../model/scope";
import { paginate } from "../../service/select";
import type { UpstreamContext } from "../../upstream/context";
import type { DoorContext } from "../module";
import { CertificateIdTextSchema, ProjectIdSchema } from "./ids";
import type { GjirafaInstance } from "./instance";
import { assertPemFields, chainToSend } from "./pem";
import { CreateBodySchema, ImportBodySchema, ListQuerySchema, UpdateBodySchema } from "./requests";
import type { GjirafaSettings } from "./settings";

export const GJIRAFA_MOUNT = "/gjirafa";
const BASE = "/gjirafa/api/:version/projects/:project_id/certificates";
const ProjectPath = z.object({ version: z.string().regex(/^v\d+$/), project_id: ProjectIdSchema });
const CertificatePath = ProjectPath.extend({ id: CertificateIdTextSchema });
/** Page size when the caller names none (Gjirafa's own default is undocumented). */
const DEFAULT_PAGE_SIZE = 50;

const project = (id: string): Scope => ({ provider: "gjirafa", kind: "project", id });

export function gjirafaRoutes(door: DoorContext<GjirafaSettings, GjirafaInstance>): Route[] {
  const { service } = door;
  const client = (c: Context<AppEnv>) => door.instance(c).client;

  /**
   * Checked before the rest of the path: any version other than the configured one is a path certgate
   * does not serve (404, as Gjirafa answers), whatever its shape (`v2` and `beta` alike).
   */
  function versionChecked(c: Context<AppEnv>): void {
    const version = c.req.param("version") ?? "";
    const served = door.settings(c).apiVersion;
    if (version !== served) {
      throw new AppError("not_found", `API version ${version.slice(0, 20)} is not served; use ${served}`);
    }
  }

  return [
    route({
      method: "GET",
      path: BASE,
      access: "certificates:read",
      summary: "List certificates (Gjirafa's shape)",
      before: versionChecked,
      params: ProjectPath,
      query: ListQuerySchema,
      async handler({ params, query }, c) {
        const read = await service.readList(
          serviceContext(c),
          project(params.project_id),
          wantsBypass(c.req.raw.headers),
        );
        const pageIndex = query.pageIndex ?? 0;
        const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
        c.set("cacheOutcome", read.outcome);
        return answerJson(c, {
          route: "gjirafa.list",
          // A stale copy served for a failed load says how old it is: an answer of its own, not remembered.
          version: read.refreshFailed ? null : read.version,
          query: { project: params.project_id, pageIndex, pageSize },
          headers: cacheHeaders(read),
          build() {
            // paginate() counts from 1; this door counts from 0.
            const page = paginate(read.items, pageIndex + 1, pageSize);
            const body = {
              success: true,
              errors: [],
              messages: [
                ...(read.refreshFailed ? [describeServedStale(read.ageSeconds, read.error)] : []),
                ...read.notes.skipped.map((item) => `certgate ${describeSkipped("certificate", item)}`),
              ],
              result: page.items,
              resultInfo: {
                totalCount: page.info.total_count,
                pageIndex,
                pageSize: page.info.per_page,
                totalPages: page.info.total_pages,
                hasNextPage: pageIndex + 1 < page.info.total_pages,
                hasPreviousPage: pageIndex > 0,
              },
            };
            return { body };
          },
        });
      },
    }),
    route({
      method: "POST",
      path: BASE,
      access: "certificates:write",
      summary: "Create a certificate (Gjirafa's shape)",
      audit: "certificate.create",
      idempotency: "creating",
      auditTarget: ({ params }) => ({ scope: project(params.project_id) }),
      before: versionChecked,
      params: ProjectPath,
      body: CreateBodySchema,
      async handler({ params, body }, c) {
        const scope = project(params.project_id);
        return c.json(
          await service.native(
            serviceContext(c),
            scope,
            (u) => client(c).createCertificate(u, scope.id, body),
            {
              write: true,
              creates: "create",
            },
          ),
        );
      },
    }),
    route({
      method: "POST",
      path: `${BASE}/import`,
      access: "certificates:write",
      summary: "Import a PEM certificate (Gjirafa's shape)",
      audit: "certificate.import",
      idempotency: "creating",
      auditTarget: ({ params }) => ({ scope: project(params.project_id) }),
      before: versionChecked,
      params: ProjectPath,
      body: ImportBodySchema,
      async handler({ params, body }, c) {
        const scope = project(params.project_id);
        // The PEM blocks are checked once the caller is known to hold the project, before anything is sent.
        const send = (u: UpstreamContext) => {
          assertPemFields([
            { path: "body.certificateBody", value: body.certificateBody, kind: "certificate" },
            { path: "body.certificatePrivateKey", value: body.certificatePrivateKey, kind: "private_key" },
            { path: "body.certificateChain", value: body.certificateChain, kind: "chain" },
          ]);
          return client(c).importCertificate(u, scope.id, {
            ...body,
            certificateChain: chainToSend(body.certificateChain),
          });
        };
        return c.json(
          await service.native(serviceContext(c), scope, send, { write: true, creates: "import" }),
        );
      },
    }),
    // `/import` is not a certificate id: without this, `GET .../import` answered 400 (bad id). RFC 9110 §15.5.6.
    methodNotAllowed(`${BASE}/import`, "POST", versionChecked),
    route({
      method: "GET",
      path: `${BASE}/:id`,
      access: "certificates:read",
      summary: "Get a certificate (Gjirafa's shape)",
      before: versionChecked,
      params: CertificatePath,
      async handler({ params }, c) {
        const scope = project(params.project_id);
        const answer = await service.native(
          serviceContext(c),
          scope,
          (u) => client(c).getCertificate(u, scope.id, params.id),
          { write: false },
        );
        // Read from the upstream (this door keeps no single objects): tagged, never remembered.
        return answerJson(c, {
          route: "gjirafa.get",
          version: null,
          query: { project: scope.id, id: params.id },
          build: () => ({ body: answer }),
        });
      },
    }),
    route({
      method: "PUT",
      path: `${BASE}/:id`,
      access: "certificates:write",
      summary: "Update a certificate's scope (Gjirafa's shape)",
      audit: "certificate.update",
      idempotency: "repeatable",
      auditTarget: ({ params }) => ({ scope: project(params.project_id), certificate: params.id }),
      before: versionChecked,
      params: CertificatePath,
      body: UpdateBodySchema,
      async handler({ params, body }, c) {
        const scope = project(params.project_id);
        return c.json(
          await service.native(
            serviceContext(c),
            scope,
            (u) => client(c).updateCertificate(u, scope.id, params.id, body),
            { write: true, certificate: params.id },
          ),
        );
      },
    }),
    route({
      method: "DELETE",
      path: `${BASE}/:id`,
      access: "certificates:write",
      summary: "Delete a certificate (Gjirafa's shape)",
      audit: "certificate.delete",
      idempotency: "repeatable",
      auditTarget: ({ params }) => ({ scope: project(params.project_id), certificate: params.id }),
      before: versionChecked,
      params: CertificatePath,
      async handler({ params }, c) {
        const scope = project(params.project_id);
        return c.json(
          await service.native(
            serviceContext(c),
            scope,
            (u) => client(c).deleteCertificate(u, scope.id, params.id),
            {
              write: true,
              deletedId: params.id,
            },
          ),
        );
      },
    }),
    route({
      method: "PUT",
      path: `${BASE}/:id/validate`,
      access: "certificates:write",
      summary: "Ask Gjirafa to check the DNS challenge (Gjirafa's shape)",
      audit: "certificate.validate",
      idempotency: "repeatable",
      auditTarget: ({ params }) => ({ scope: project(params.project_id), certificate: params.id }),
      before: versionChecked,
      params: CertificatePath,
      async handler({ params }, c) {
        const scope = project(params.project_id);
        return c.json(
          await service.native(
            serviceContext(c),
            scope,
            (u) => client(c).validateCertificate(u, scope.id, params.id),
            { write: true, certificate: params.id },
          ),
        );
      },
    }),
  ];
}
