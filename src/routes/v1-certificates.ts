/**
 * Unified single-certificate routes: get, create, import, update, validate, delete.
 * Thin: validate with the schemas of api/schemas.ts, ask the service, shape the envelope. What the
 * upstream said beside its answer goes to `messages`. A write the upstream accepted always answers 200:
 * when its answer could not be read in full, `result` holds what could be (null when not even the id)
 * and `messages` says so.
 */
import { type Context, Hono } from "hono";
import {
  CertificatePathSchema,
  type CertificateRef,
  CreateBodySchema,
  GetQuerySchema,
  ImportBodySchema,
  UpdateBodySchema,
} from "../api/schemas";
import { requireScope } from "../auth/authorize";
import type { AppEnv } from "../context";
import { successBody } from "../envelope";
import { AppError } from "../errors";
import { assertImportPem } from "../providers/gjirafa/pem";
import type { ReadAnswer, WriteAnswer } from "../providers/types";
import type { CertificateService, ScopeTarget } from "../service/certificates";
import { queryOf, readJson, validate } from "../validation";
import { serviceContext } from "./service-context";

function refOf(c: Context<AppEnv>): CertificateRef {
  return validate(CertificatePathSchema, { id: c.req.param("id") }, "path").id;
}

export function certificateRoutes(service: CertificateService) {
  const shape = (
    c: Context<AppEnv>,
    target: ScopeTarget,
    answer: ReadAnswer<unknown> | WriteAnswer<unknown>,
    includeRaw = false,
  ) => {
    const result =
      answer.raw === null ? null : service.normalize(target, answer.raw, c.get("deps").now(), includeRaw);
    return c.json(successBody(result, { messages: answer.messages }));
  };

  return new Hono<AppEnv>()
    .post("/v1/certificates/import", requireScope("certificates:write"), async (c) => {
      const body = validate(ImportBodySchema, await readJson(c, c.get("config").maxBodyBytes), "body");
      const ctx = serviceContext(c);
      if (body.provider === "cloudflare") {
        throw new AppError(
          "not_supported_by_provider",
          "Cloudflare advanced certificate packs cannot be imported; order one with POST /v1/certificates",
          { provider: "cloudflare" },
        );
      }
      if (!body.project) {
        throw new AppError("validation_failed", "Invalid body: body.project", {
          fields: [{ path: "body.project", message: "required for provider gjirafa" }],
        });
      }
      const target: ScopeTarget = { provider: "gjirafa", scope: body.project };
      service.authorizeScope(ctx, target);
      assertImportPem(body);
      const answer = await service.importCertificate(ctx, target, {
        certificate: body.certificate,
        private_key: body.private_key,
        chain: body.chain,
        scope_id: body.scope_id,
      });
      return shape(c, target, answer);
    })
    .post("/v1/certificates", requireScope("certificates:write"), async (c) => {
      const body = validate(CreateBodySchema, await readJson(c, c.get("config").maxBodyBytes), "body");
      const target: ScopeTarget =
        body.provider === "cloudflare"
          ? { provider: "cloudflare", scope: body.zone }
          : { provider: "gjirafa", scope: body.project };
      return shape(c, target, await service.create(serviceContext(c), target, body));
    })
    .get("/v1/certificates/:id", requireScope("certificates:read"), async (c) => {
      const ref = refOf(c);
      const query = validate(GetQuerySchema, queryOf(c), "query");
      const answer = await service.get(serviceContext(c), ref, ref.id);
      return shape(c, ref, answer, query.include === "raw");
    })
    .patch("/v1/certificates/:id", requireScope("certificates:write"), async (c) => {
      const ref = refOf(c);
      const body = validate(UpdateBodySchema, await readJson(c, c.get("config").maxBodyBytes), "body");
      const ctx = serviceContext(c);
      // Authorization before anything else about the resource: a caller without the zone/project gets
      // the one 403, not a 422 that depends on what it asked to change.
      service.authorizeScope(ctx, ref);
      if (ref.provider === "cloudflare" && body.scope_id !== undefined) {
        throw new AppError("not_supported_by_provider", "scope_id applies to Gjirafa certificates only", {
          provider: "cloudflare",
        });
      }
      if (ref.provider === "gjirafa" && body.cloudflare_branding !== undefined) {
        throw new AppError(
          "not_supported_by_provider",
          "cloudflare_branding applies to Cloudflare packs only",
          {
            provider: "gjirafa",
          },
        );
      }
      return shape(c, ref, await service.update(ctx, ref, ref.id, body));
    })
    .post("/v1/certificates/:id/validate", requireScope("certificates:write"), async (c) => {
      const ref = refOf(c);
      return shape(c, ref, await service.validate(serviceContext(c), ref, ref.id));
    })
    .delete("/v1/certificates/:id", requireScope("certificates:write"), async (c) => {
      const ref = refOf(c);
      const outcome = await service.remove(serviceContext(c), ref, ref.id);
      return c.json(
        successBody(
          { id: `${ref.provider}:${ref.scope}:${ref.id}`, already_deleted: outcome.already_deleted },
          { messages: outcome.messages },
        ),
      );
    });
}
