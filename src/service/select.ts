/**
 * Filtering, ordering and paging of normalized certificates: pure, applied per request after
 * authorization (the cache holds whole scopes, never one caller's view).
 */

import type { ListQuery } from "../api/schemas";
import type { ResultInfo } from "../envelope";
import type { Certificate } from "../model/certificate";
import { hostMatches } from "../model/hostname";

export function matchesQuery(cert: Certificate, query: ListQuery): boolean {
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
