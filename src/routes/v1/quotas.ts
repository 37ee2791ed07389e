/** /v1/quotas: certificate quotas of every zone and project the key may see. Thin. */
import * as z from "zod";
import { cacheHeaders, wantsBypass } from "../../cache";
import { successBody } from "../../envelope";
import { type Route, route } from "../../http/route";
import { serviceContext } from "../../http/service-context";
import { QuotaSchema } from "../../model/certificate";
import type { CertificateService } from "../../service/certificates";
import type { V1Schemas } from "./schemas";

export function quotasRoutes(service: CertificateService, schemas: V1Schemas): Route[] {
  return [
    route({
      method: "GET",
      path: "/v1/quotas",
      access: "certificates:read",
      summary: "Certificate quotas per zone and project",
      query: schemas.QuotaQuerySchema,
      result: z.array(QuotaSchema),
      list: true,
      cached: true,
      async handler({ query }, c) {
        const quotas = await service.listQuotas(serviceContext(c), query, wantsBypass(c.req.raw.headers));
        c.set("cacheOutcome", quotas.cache.outcome);
        return c.json(successBody(quotas.items, { errors: quotas.errors }), 200, cacheHeaders(quotas.cache));
      },
    }),
  ];
}
