/**
 * RPC input checks. The objects' callers are certgate's own code, which validated the request at the
 * edge; a bad input here is a bug, so it throws. The error names the method and the fields (never
 * their values: a field could hold something that must not reach a log).
 */
import type * as z from "zod";

export function parseInput<T extends z.ZodType>(schema: T, input: unknown, method: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(input)"}: ${issue.message}`);
  throw new TypeError(`${method}: invalid input (${fields.join("; ")})`);
}
