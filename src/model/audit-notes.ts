/**
 * What an audited request did, as the service learns it: which provider and scope it reached, which
 * certificate it acted on or created, and the upstream's own request id. The route's audit hook
 * (http/audit.ts) makes one `AuditNotes` per request and turns it into the audit record once the answer
 * is known; the service fills it at the few places every use case passes through (authorization, the
 * writes, the upstream fetch), so no handler writes audit code.
 *
 * Only certgate's own words go here: ids that passed their schemas, never a body or a header value.
 */
import { certificateId } from "./certificate";
import type { Scope } from "./scope";

export interface AuditNotes {
  provider: string | null;
  scope: string | null;
  /** The unified id (`{provider}:{scope}:{id}`) of the certificate acted on. */
  certificate_id: string | null;
  /** The unified id of what the request created (a certificate, an operation). */
  created_id: string | null;
  upstream_request_id: string | null;
}

export function newAuditNotes(): AuditNotes {
  return { provider: null, scope: null, certificate_id: null, created_id: null, upstream_request_id: null };
}

/** What a route's input names, for its audit record (http/route.ts `auditTarget`). */
export interface AuditTarget {
  scope: Scope;
  /** The provider's id of the certificate acted on. */
  certificate?: string;
}

export function noteTarget(notes: AuditNotes, target: AuditTarget | undefined): void {
  if (!target) return;
  if (target.certificate === undefined) noteScope(notes, target.scope);
  else noteCertificate(notes, target.scope, target.certificate);
}

/** The scope a request was authorized for (or refused for): the first one named wins. */
export function noteScope(notes: AuditNotes | undefined, scope: Scope): void {
  if (!notes || notes.scope !== null) return;
  notes.provider = scope.provider;
  notes.scope = scope.id;
}

/** The certificate a request acts on, by the provider's own id within `scope`. */
export function noteCertificate(notes: AuditNotes | undefined, scope: Scope, id: string): void {
  if (!notes) return;
  noteScope(notes, scope);
  notes.certificate_id = certificateId(scope.provider, scope.id, id);
}

/** What a request created: a certificate (the provider's id within `scope`) or another resource's id. */
export function noteCreated(
  notes: AuditNotes | undefined,
  created: { scope: Scope; id: string } | string,
): void {
  if (!notes) return;
  notes.created_id =
    typeof created === "string"
      ? created
      : certificateId(created.scope.provider, created.scope.id, created.id);
}

/**
 * Response headers that carry an upstream's own request id: Cloudflare's edge answers every request with
 * `CF-Ray`; many APIs send `X-Request-Id`. Only a value of a plain id's shape is kept.
 */
const REQUEST_ID_HEADERS = ["cf-ray", "x-request-id", "request-id"] as const;
const REQUEST_ID_SHAPE = /^[A-Za-z0-9._:-]{1,128}$/;

export function upstreamRequestIdOf(headers: Headers): string | null {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name)?.trim();
    if (value && REQUEST_ID_SHAPE.test(value)) return value;
  }
  return null;
}
