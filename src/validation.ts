/**
 * Zod at the edge: one wrapper turns zod issues into certgate's `validation_failed` error, wherever
 * input is read (a request's path, query, body and headers; a provider's mapping of a unified body).
 */
import type * as z from "zod";
import { AppError } from "./errors";
import { redactText } from "./redact";

export type Where = "path" | "query" | "body" | "header";

export function validate<T extends z.ZodType>(schema: T, data: unknown, where: Where): z.infer<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  // Messages and paths can quote caller input (zod names unrecognized keys): never echo secrets or
  // megabytes back. Redacted by shape (PEM keys, cg_ keys, bearer tokens) and cut short.
  const fields = parsed.error.issues.slice(0, 20).map((issue) => ({
    path: clip([where, ...issue.path.map(String)].join("."), 200),
    message: clip(messageOf(issue), 200),
  }));
  throw new AppError("validation_failed", `Invalid ${where}: ${fields.map((f) => f.path).join(", ")}`, {
    fields,
  });
}

/** zod quotes unrecognized key names; only plain identifiers are named back, anything else is counted. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code !== "unrecognized_keys") return issue.message;
  const plain = issue.keys.filter((k) => /^[A-Za-z0-9_.-]{1,64}$/.test(k));
  const others = issue.keys.length - plain.length;
  const named = plain.map((k) => `"${k}"`).join(", ");
  return `Unknown field${issue.keys.length === 1 ? "" : "s"}: ${[named, others ? `${others} with an unprintable name` : ""].filter(Boolean).join(", ")}`;
}

function clip(text: string, max: number): string {
  const safe = redactText(text);
  return safe.length > max ? `${safe.slice(0, max)}...` : safe;
}
