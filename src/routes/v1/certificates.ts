/**
 * /v1/certificates: list every certificate the key may see, create one, import one. Thin: the
 * declaration validates, one service call, the answer shaped in certgate's envelope.
 */
import * as z from "zod";
import { cacheHeaders, wantsBypass } from "../../cache";
import { successBody } from "../../envelope";
import { answerJson } from "../../http/answers";
import { type Route, route } from "../../http/route";
import { serviceContext } from "../../http/service-context";
import { CertificateSchema } from "../../model/certificate";
import type { CertificateService } from "../../service/certificates";
import { WriteResultSchema } from "./answers";
import type { V1Schemas } from "./schemas";

export function certificatesRoutes(service: CertificateService, schemas: V1Schemas): Route[] {
  return [
    route({
      method: "GET",
      path: "/v1/certificates",
      access: "certificates:read",
      summary: "List certificates across every zone and project the key may see",
      query: schemas.ListQuerySchema,
      result: z.array(CertificateSchema),
      list: true,
      cached: true,
      async handler({ query }, c) {
        const ctx = serviceContext(c);
        const list = await service.readCertificateList(ctx, query, wantsBypass(c.req.raw.headers));
        c.set("cacheOutcome", list.cache.outcome);
        return answerJson(c, {
          route: "v1.list",
          version: list.version,
          query,
          headers: cacheHeaders(list.cache),
          build() {
            const built = list.build(ctx.deps.now());
            const body = successBody(built.items, {
              result_info: built.page,
              errors: built.errors,
              messages: built.messages,
            });
            return { body, until: built.until };
          },
        });
      },
    }),
    route({
      method: "POST",
      path: "/v1/certificates/import",
      access: "certificates:write",
      summary: "Import a PEM certificate and key (providers that import)",
      audit: "certificate.import",
      idempotency: "creating",
      auditTarget: ({ body }) => {
        const scope = service.scopeOfBody(body);
        return scope ? { scope } : undefined;
      },
      body: schemas.ImportBodySchema,
      result: WriteResultSchema,
      async handler({ body }, c) {
        const answer = await service.importCertificate(serviceContext(c), body);
        return c.json(successBody(answer.result, { messages: answer.messages }));
      },
    }),
    route({
      method: "POST",
      path: "/v1/certificates",
      access: "certificates:write",
      summary: "Order or create a certificate (the provider's create)",
      audit: "certificate.create",
      idempotency: "creating",
      auditTarget: ({ body }) => {
        const scope = service.scopeOfBody(body);
        return scope ? { scope } : undefined;
      },
      body: schemas.CreateBodySchema,
      result: WriteResultSchema,
      async handler({ body }, c) {
        const answer = await service.createCertificate(serviceContext(c), body);
        return c.json(successBody(answer.result, { messages: answer.messages }));
      },
    }),
  ];
}
