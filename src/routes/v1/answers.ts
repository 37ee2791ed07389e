/** What the unified API's single-certificate answers hold, for /openapi.json. */
import * as z from "zod";
import { CertificateSchema } from "../../model/certificate";

/**
 * A write the upstream accepted always answers 200. When its answer cannot be read in full, `result`
 * holds what could be read (null when not even the id) and `messages` says so: list to see the result.
 */
export const WriteResultSchema = CertificateSchema.nullable().meta({
  description:
    "The certificate as the upstream answered; null when the upstream accepted the write but its answer named no readable certificate (see messages)",
});

export const DeleteResultSchema = z.object({ id: z.string(), already_deleted: z.boolean() });
