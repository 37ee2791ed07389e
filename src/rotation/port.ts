/**
 * The PORT the rotation engine is written against: five upstream operations on one zone's certificate
 * packs, in the engine's own words. The engine never sees a wire shape or a provider module, so the
 * provider layer can change under it; `cloudflare-port.ts` adapts today's client.
 *
 * Failures are `PortError`s with a kind the engine can act on: a `transient` one is retried (the
 * Workflow step throws), `rejected` and `not_found` are answers and are never retried.
 */

/** What the engine reads of a pack. Every field but `id` may be unknown (null) when the upstream left it out. */
export interface PackView {
  id: string;
  /** Cloudflare's pack type ("advanced", "universal", ...). */
  type: string | null;
  /** The upstream status, verbatim ("pending_validation", "active", ...). */
  status: string | null;
  /** Lowercase, in the upstream's order. */
  hosts: string[];
  validityDays: number | null;
  certificateAuthority: string | null;
  validationMethod: string | null;
  /** What must be published for DCV while the pack is pending_validation (empty otherwise). */
  validationRecords: ValidationRecord[];
  /** The delegated-DCV alternative (CNAMEs to Cloudflare), when the upstream offers it. */
  dcvDelegationRecords: ValidationRecord[];
  /** The earliest `certificates[].expires_on` (ISO 8601), or null before issuance. */
  expiresOn: string | null;
}

/** One DCV record as the upstream gave it: only the fields it sent are set. */
export interface ValidationRecord {
  txt_name?: string;
  txt_value?: string;
  http_url?: string;
  http_body?: string;
  cname?: string;
  cname_target?: string;
  emails?: string[];
  status?: string;
}

/** The order body of the replacement: the old pack's hosts, authority, validity and validation method. */
export type OrderRequest = {
  hosts: string[];
  certificateAuthority: "google" | "lets_encrypt" | "ssl_com";
  validityDays: 14 | 30 | 90 | 365;
  validationMethod: "txt" | "http" | "email";
};

export interface QuotaView {
  allocated: number | null;
  used: number | null;
}

export interface RotationPort {
  /** One pack, or null when the upstream does not know it (404). */
  getPack(zone: string, id: string): Promise<PackView | null>;
  /** Every pack of the zone in every status (to find a replacement ordered before a restart). */
  listPacks(zone: string): Promise<PackView[]>;
  quota(zone: string): Promise<QuotaView>;
  /** Orders one pack. An answer that cannot be read is a `transient` failure: the order may exist. */
  order(zone: string, request: OrderRequest): Promise<PackView>;
  /** Deletes one pack; "already_deleted" when it was gone or being deleted (a repeat is harmless). */
  deletePack(zone: string, id: string): Promise<"deleted" | "already_deleted">;
}

export type PortErrorKind =
  /** Worth another attempt later: 429, 5xx, timeouts, lost or unreadable answers. */
  | "transient"
  /** The upstream answered no (4xx other than 404/429), or certgate is misconfigured. */
  | "rejected"
  | "not_found";

export class PortError extends Error {
  readonly kind: PortErrorKind;
  /** certgate's error code or the upstream's, for the operation's `message`. */
  readonly code: string;

  /** `cause`: the provider layer's own error, for callers that answer HTTP with it. */
  constructor(kind: PortErrorKind, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PortError";
    this.kind = kind;
    this.code = code;
  }
}

export function isPortError(value: unknown): value is PortError {
  return value instanceof PortError;
}
