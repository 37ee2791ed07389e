/**
 * Rotation (docs/writes.md "Rotation"): POST /v1/certificates/{id}/rotate starts one and answers 202
 * with the operation; GET /v1/operations/{id} shows its state; DELETE /v1/operations/{id} cancels it
 * (never deleting the old certificate). Thin: validate, one service call, the envelope.
 */
import * as z from "zod";
import { successBody } from "../../envelope";
import { type Route, route } from "../../http/route";
import { serviceContext } from "../../http/service-context";
import { FAILURE_REASONS, ROTATION_STATES, ValidationRecordSchema } from "../../rotation/operation";
import type { Rotations } from "../../service/rotations";
import type { V1Schemas } from "./schemas";

const OperationIdSchema = z
  .string()
  .regex(/^rot-[0-9a-f]{32}-[0-9a-f]{16}$/, "an operation id (rot-{zone}-{16 hex})")
  .meta({ description: "The id POST /v1/certificates/{id}/rotate answered" });

const OperationPath = z.object({ id: OperationIdSchema });

/** What rotation/view.ts answers, for /openapi.json. */
const OperationSchema = z
  .object({
    id: z.string(),
    kind: z.literal("rotation"),
    provider: z.string(),
    zone: z.string(),
    state: z.enum(ROTATION_STATES),
    reason: z.enum(FAILURE_REASONS).nullable(),
    message: z.string().nullable(),
    old_certificate: z.object({ id: z.string(), hosts: z.array(z.string()), deleted: z.boolean() }),
    new_certificate: z
      .object({ id: z.string(), provider_status: z.string().nullable(), left_in_place: z.boolean() })
      .nullable(),
    validation_records: z.array(ValidationRecordSchema).meta({
      description: "What to publish for domain validation while the replacement is pending_validation",
    }),
    dcv_delegation_records: z.array(ValidationRecordSchema),
    validation_deadline: z.string().nullable(),
    created_at: z.string().nullable(),
    updated_at: z.string().nullable(),
    history: z.array(z.object({ state: z.enum(ROTATION_STATES), at: z.string().nullable() })),
  })
  .meta({ id: "Operation" });

export function operationsRoutes(rotations: Rotations, schemas: V1Schemas): Route[] {
  return [
    route({
      method: "POST",
      path: "/v1/certificates/:id/rotate",
      access: "certificates:write",
      summary:
        "Replace a certificate without downtime: order the same, wait until it is active and covers every host, then delete the old one (providers that can guarantee it; 409 when the zone's quota has no room)",
      params: schemas.CertificatePathSchema,
      audit: "certificate.rotate",
      idempotency: "creating",
      auditTarget: ({ params: { id } }) => ({ scope: id.scope, certificate: id.id }),
      result: OperationSchema,
      status: 202,
      async handler({ params }, c) {
        const operation = await rotations.start(serviceContext(c), params.id);
        return c.json(successBody(operation), 202, { Location: `/v1/operations/${operation.id}` });
      },
    }),
    route({
      method: "GET",
      path: "/v1/operations/:id",
      access: "certificates:read",
      summary: "A rotation's state, the records to publish while it validates, and how it ended",
      params: OperationPath,
      result: OperationSchema,
      async handler({ params }, c) {
        const operation = await rotations.read(serviceContext(c), params.id);
        return c.json(successBody(operation), 200, { "Cache-Control": "no-store" });
      },
    }),
    route({
      method: "DELETE",
      path: "/v1/operations/:id",
      access: "certificates:write",
      summary:
        "Cancel a rotation before it deletes the old certificate (never deletes it; a replacement already ordered is left in place)",
      params: OperationPath,
      audit: "operation.cancel",
      idempotency: "repeatable",
      result: OperationSchema,
      async handler({ params }, c) {
        return c.json(successBody(await rotations.cancel(serviceContext(c), params.id)));
      },
    }),
  ];
}
