/**
 * Writes you can prove (docs/writes.md): the Durable Objects that remember Idempotency-Keys and keep the
 * audit log, the rotation Workflow and its ledger, and their settings. The bindings are declared in
 * wrangler.toml, so a deployment always has them; a missing one is a configuration error named here,
 * never a write that silently goes unremembered or unaudited.
 */
import * as z from "zod";
import type { AuditLog } from "../durable/audit-log";
import type { IdempotencyStore } from "../durable/idempotency-store";
import type { RotationLedger } from "../rotation/ledger";
import type { RotationParams } from "../rotation/params";
import { type RotationSettings, rotationSettingsFromEnv } from "../rotation/settings";
import { bool, int } from "./fields";

const durableObject = <T extends Rpc.DurableObjectBranded>(what: string) =>
  z.custom<DurableObjectNamespace<T>>(
    (v) => typeof v === "object" && v !== null && "idFromName" in v && "get" in v,
    `${what} Durable Object binding missing (wrangler.toml)`,
  );

const workflow = z.custom<Workflow<RotationParams>>(
  (v) => typeof v === "object" && v !== null && "create" in v && "get" in v,
  "rotation Workflow binding missing (wrangler.toml)",
);

export const writesSettings = z
  .object({
    IDEMPOTENCY: durableObject<IdempotencyStore>("IdempotencyStore"),
    AUDIT_LOG: durableObject<AuditLog>("AuditLog"),
    ROTATION_LEDGER: durableObject<RotationLedger>("RotationLedger"),
    ROTATION: workflow,
    IDEMPOTENCY_REQUIRED: bool(false),
    AUDIT_RETENTION_DAYS: int(90, 1, 3_650),
    // Read by rotationSettingsFromEnv below; listed so an unparsable value is named like any other.
    ROTATION_POLL_INITIAL_SECONDS: z.unknown().optional(),
    ROTATION_POLL_MAX_SECONDS: z.unknown().optional(),
    ROTATION_VALIDATION_TIMEOUT_HOURS: z.unknown().optional(),
  })
  .transform((p, ctx) => {
    const rotation = rotationSettingsFromEnv({
      ROTATION_POLL_INITIAL_SECONDS: p.ROTATION_POLL_INITIAL_SECONDS,
      ROTATION_POLL_MAX_SECONDS: p.ROTATION_POLL_MAX_SECONDS,
      ROTATION_VALIDATION_TIMEOUT_HOURS: p.ROTATION_VALIDATION_TIMEOUT_HOURS,
    });
    if (!rotation.ok) {
      for (const issue of rotation.settings) {
        ctx.addIssue({ code: "custom", path: [issue.name], message: issue.message });
      }
      return z.NEVER;
    }
    const settings: RotationSettings = rotation.settings;
    return {
      idempotency: { store: p.IDEMPOTENCY, required: p.IDEMPOTENCY_REQUIRED },
      audit: { log: p.AUDIT_LOG, retentionDays: p.AUDIT_RETENTION_DAYS },
      rotation: { ledger: p.ROTATION_LEDGER, workflow: p.ROTATION, settings },
    };
  });
export type WritesConfig = z.output<typeof writesSettings>;
