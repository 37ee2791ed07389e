/**
 * What a rotation Workflow instance is started with (start.ts), checked again when it runs: the
 * provider whose rotation capability replaces the pack, the zone, the old pack, the settings resolved
 * when the operation started (a configuration change never alters a rotation already running), and who
 * asked (the audit records of the instance's own writes name them).
 */
import * as z from "zod";
import { RotationSettingsSchema } from "./settings";

export const RotationParamsSchema = z.object({
  provider: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "a registered provider's name"),
  zone: z.string().regex(/^[0-9a-f]{32}$/, "a 32-hex zone id"),
  old_pack_id: z.string().min(1).max(32),
  settings: RotationSettingsSchema.optional(),
  /** Who started it: the audit log's actor for the order and the delete the instance makes. */
  requested_by: z
    .object({ actor: z.string().min(1).max(256), via: z.enum(["api_key", "access", "status_session"]) })
    .optional(),
});
export type RotationParams = z.input<typeof RotationParamsSchema>;
