/**
 * Gjirafa's id rules: projects (uuids), and THE certificate id rule, used by every door (native paths, `/v1` ids) and by the wire schema:
 * an `integer($int32)` (the API documentation's type for `id`), negative values included. In a path it is
 * decimal digits with an optional `-`; certgate sends and shows its canonical form (no leading zeros).
 */
import * as z from "zod";

export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;

export const CERTIFICATE_ID_RULE = "must be an int32 certificate id";

/** The id a path segment names, or null when it is not an int32. */
export function parseCertificateIdText(value: string): number | null {
  if (!/^-?\d{1,10}$/.test(value)) return null;
  const id = Number(value);
  return id >= INT32_MIN && id <= INT32_MAX ? id + 0 : null;
}

/** A wire id (a number). */
export const WireCertificateIdSchema = z.number().int().min(INT32_MIN).max(INT32_MAX);

/** A path id, turned into its canonical text ("007" -> "7", "-0" -> "0"). */
export const CertificateIdTextSchema = z.string().transform((value, ctx) => {
  const id = parseCertificateIdText(value);
  if (id === null) {
    ctx.addIssue({ code: "custom", message: CERTIFICATE_ID_RULE });
    return z.NEVER;
  }
  return String(id);
});

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A project id: a uuid, compared and sent in lowercase. */
export const ProjectIdSchema = z
  .string()
  .regex(UUID, "must be a project uuid")
  .transform((s) => s.toLowerCase())
  .meta({ example: "3fa85f64-5717-4562-b3fc-2c963f66afa6" });
