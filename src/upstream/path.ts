/**
 * Builds upstream URLs from identifiers safely, as Cloudflare's SDK `path` tag does
 * (cloudflare-typescript src/internal/utils/path.ts): every id is percent-encoded, and `.`/`..` (which a
 * URL parser would resolve into another path) and empty ids are refused before anything is sent.
 */
import { AppError } from "../errors";

export function pathSegment(value: string, field: string): string {
  if (value === "" || value === "." || value === "..") {
    throw new AppError("validation_failed", `Invalid ${field}`, {
      fields: [{ path: `path.${field}`, message: "must be a non-empty identifier other than . or .." }],
    });
  }
  return encodeURIComponent(value);
}

/** Joins a base URL (no trailing slash) and pre-encoded segments; adds the query when given. */
export function joinUrl(base: string, segments: readonly string[], query?: Record<string, string>): string {
  const url = `${base}/${segments.join("/")}`;
  if (!query || Object.keys(query).length === 0) return url;
  return `${url}?${new URLSearchParams(query).toString()}`;
}
