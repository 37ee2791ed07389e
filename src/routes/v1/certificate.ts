/**
 * /v1/certificates/{id}: one certificate by its unified id: read, update, ask for validation, delete.
 * Thin: the declaration validates, one service call, the answer shaped in certgate's envelope. What the
 * upstream said beside its answer goes to `messages`.
 */
import { cacheHeaders, wantsBypass } from "../../cache";
import { successBody } from "../../envelope";
import { answerJson } from "../../http/answers";
import { type Route, route } from "../../http/route";
import { serviceContext } from "../../http/service-context";
import { CertificateSchema, daysRemainingChangesAt } from "../../model/certificate";
import type { CertificateService } from "../../service/certificates";
import { DeleteResultSchema, WriteResultSchema } from "./answers";
import type { V1Schemas } from "./schemas";

export function certificateRoutes(service: CertificateService, schemas: V1Schemas): Route[] {
  const params = schemas.CertificatePathSchema;
  return [
    route({
      method: "GET",
      path: "/v1/certificates/:id",
      access: "certificates:read",
      summary: "Get one certificate",
      params,
      query: schemas.GetQuerySchema,
      result: CertificateSchema,
      cached: true,
      async handler(input, c) {
        const answer = await service.getCertificate(
          serviceContext(c),
          input.params.id,
          input.query.include === "raw",
          wantsBypass(c.req.raw.headers),
        );
        c.set("cacheOutcome", answer.cache.outcome);
        const expires = answer.result?.expires_at ?? null;
        return answerJson(c, {
          route: "v1.get",
          version: answer.version,
          query: { id: input.params.id, include: input.query.include ?? null },
          headers: cacheHeaders(answer.cache),
          build: () => ({
            body: successBody(answer.result, { messages: answer.messages }),
            until: daysRemainingChangesAt(expires === null ? null : Date.parse(expires), c.get("deps").now()),
          }),
        });
      },
    }),
    route({
      method: "PATCH",
      path: "/v1/certificates/:id",
      access: "certificates:write",
      summary: "Update what the provider lets change (e.g. branding, scope)",
      audit: "certificate.update",
      idempotency: "repeatable",
      auditTarget: ({ params: { id } }) => ({ scope: id.scope, certificate: id.id }),
      params,
      body: schemas.UpdateBodySchema,
      result: WriteResultSchema,
      async handler({ params: { id }, body }, c) {
        const answer = await service.updateCertificate(serviceContext(c), id, body);
        return c.json(successBody(answer.result, { messages: answer.messages }));
      },
    }),
    route({
      method: "POST",
      path: "/v1/certificates/:id/validate",
      access: "certificates:write",
      summary: "Ask the provider to run validation now (restart it, or check the DNS challenge)",
      audit: "certificate.validate",
      idempotency: "repeatable",
      auditTarget: ({ params: { id } }) => ({ scope: id.scope, certificate: id.id }),
      params,
      result: WriteResultSchema,
      async handler({ params: { id } }, c) {
        const answer = await service.requestValidation(serviceContext(c), id);
        return c.json(successBody(answer.result, { messages: answer.messages }));
      },
    }),
    route({
      method: "DELETE",
      path: "/v1/certificates/:id",
      access: "certificates:write",
      summary: "Delete (idempotent)",
      audit: "certificate.delete",
      idempotency: "repeatable",
      auditTarget: ({ params: { id } }) => ({ scope: id.scope, certificate: id.id }),
      params,
      result: DeleteResultSchema,
      async handler({ params: { id } }, c) {
        const answer = await service.deleteCertificate(serviceContext(c), id);
        return c.json(successBody(answer.result, { messages: answer.messages }));
      },
    }),
  ];
}
