/**
 * Filtering, ordering and paging of normalized certificates, and the rule for answers built from many
 * scopes: pure, applied per request after authorization (the cache holds whole scopes, never one
 * caller's view).
 */
import type { ResultInfo } from "../envelope";
import type { AppError } from "../errors";
import type { Certificate, NormalizedStatus } from "../model/certificate";
import { hostMatches } from "../model/hostname";

/** What GET /v1/certificates filters by (its query, validated). */
export interface CertificateFilter {
  status?: readonly NormalizedStatus[];
  host?: string;
  expiring_within?: number;
}

export function matchesQuery(cert: Certificate, query: CertificateFilter): boolean {
  if (query.status && !query.status.includes(cert.status)) return false;
  if (query.host) {
    const wanted = query.host;
    if (!cert.hosts.some((h) => hostMatches(h, wanted) || h.toLowerCase() === wanted)) return false;
  }
  if (query.expiring_within !== undefined) {
    if (cert.days_remaining === null || cert.days_remaining > query.expiring_within) return false;
  }
  return true;
}

/** Stable order: by unified id (provider, scope, provider id), so pages never shuffle between calls. */
export function byId(a: Certificate, b: Certificate): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function paginate<T>(
  items: readonly T[],
  page: number,
  perPage: number,
): { items: T[]; info: ResultInfo } {
  const start = (page - 1) * perPage;
  const slice = items.slice(start, start + perPage);
  return {
    items: slice,
    info: {
      page,
      per_page: perPage,
      count: slice.length,
      total_count: items.length,
      total_pages: Math.max(1, Math.ceil(items.length / perPage)),
    },
  };
}

/**
 * The partial-failure rule of an answer over several scopes: failed scopes are reported beside the
 * others' items; when EVERY scope failed, the failure is the answer (the first one's error), not an
 * empty 200. Null when the answer stands.
 */
export function wholeFailure(attempted: number, failures: readonly AppError[]): AppError | null {
  const [first] = failures;
  if (attempted > 0 && failures.length === attempted && first) return first;
  return null;
}
