/**
 * Cloudflare's id rules: zones, and THE certificate pack id rule, used by every door (native paths, `/v1` ids) and by the wire
 * schema, so an id certgate lists can always be fetched, patched and deleted again.
 *
 * The published identifier is "a string of at most 32 characters" (`maxLength: 32`). certgate accepts the
 * widest set that needs no percent-encoding in a path segment: RFC 3986 §2.3 unreserved characters
 * (letters, digits, `-`, `.`, `_`, `~`), except the segments `.` and `..`, which a URL parser resolves
 * into another path. No `:`, so the unified id `cloudflare:{zone_id}:{pack_id}` splits unambiguously.
 */
import * as z from "zod";

const PACK_ID = /^[A-Za-z0-9._~-]{1,32}$/;

export function isPackId(value: string): boolean {
  return PACK_ID.test(value) && value !== "." && value !== "..";
}

export const PACK_ID_RULE =
  "must be a certificate pack id: 1-32 letters, digits, '-', '.', '_' or '~' (not '.' or '..')";

export const PackIdSchema = z
  .string()
  .refine(isPackId, PACK_ID_RULE)
  .meta({ example: "3822ff90ea344c6fb7f7e8e0e0b1c2d3" });

/** A zone id: 32 lowercase hex characters (Cloudflare's zone identifier). */
export const ZONE_ID = /^[0-9a-f]{32}$/;

export const ZoneIdSchema = z
  .string()
  .regex(ZONE_ID, "must be a 32-hex Cloudflare zone id")
  .meta({ example: "023e105f4ecef8ad9ca31a8372d0c353" });
