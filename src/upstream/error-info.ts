/**
 * Reads the provider's own error code and message out of a failure body, whichever dialect it speaks:
 * - the v4 envelope (Cloudflare's): `errors: [{code: 1406, message: "..."}]`, with `documentation_url`
 *   and `source.pointer` where given;
 * - plain strings (Gjirafa's envelope): `errors: ["..."]`; the code is then the HTTP status;
 * - ASP.NET problem details (`title`/`detail`), which a .NET upstream such as Gjirafa's may send on
 *   errors its envelope does not cover.
 * Up to three messages are joined; the caller redacts and shortens the result.
 */
export interface UpstreamErrorInfo {
  code?: number | string;
  message?: string;
  /** The first error object's `documentation_url` (Cloudflare v4), kept for the caller. */
  documentationUrl?: string;
  /** The first error object's `source.pointer` (Cloudflare v4), kept for the caller. */
  sourcePointer?: string;
}

export function upstreamErrorInfo(body: unknown): UpstreamErrorInfo {
  if (!isPlainObject(body)) return {};
  const record = body;
  const info: UpstreamErrorInfo = {};
  const messages: string[] = [];
  if (Array.isArray(record.errors)) {
    for (const entry of record.errors.slice(0, 3)) {
      if (typeof entry === "string" && entry.trim() !== "") messages.push(entry.trim());
      if (typeof entry === "object" && entry !== null) {
        const e = entry as Record<string, unknown>;
        if (info.code === undefined && (typeof e.code === "number" || typeof e.code === "string")) {
          info.code = e.code;
          if (typeof e.documentation_url === "string" && e.documentation_url.trim() !== "")
            info.documentationUrl = e.documentation_url.trim();
          const pointer = isPlainObject(e.source) ? e.source.pointer : undefined;
          if (typeof pointer === "string" && pointer.trim() !== "") info.sourcePointer = pointer.trim();
        }
        if (typeof e.message === "string" && e.message.trim() !== "") messages.push(e.message.trim());
      }
    }
  }
  if (messages.length === 0 && isPlainObject(record.errors)) {
    // ASP.NET ValidationProblemDetails: `errors: {"DomainName": ["The DomainName field is required."]}`.
    for (const value of Object.values(record.errors)) {
      if (Array.isArray(value)) messages.push(...value.filter((m): m is string => typeof m === "string"));
      if (messages.length >= 3) break;
    }
    messages.splice(3);
  }
  if (messages.length === 0) {
    for (const key of ["detail", "title", "message"]) {
      const value = record[key];
      if (typeof value === "string" && value.trim() !== "") {
        messages.push(value.trim());
        break;
      }
    }
  }
  if (messages.length > 0) info.message = messages.join("; ");
  return info;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
