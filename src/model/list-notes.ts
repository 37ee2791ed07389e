/**
 * What a scope's list load found besides its items: upstream items it could not use (left out of the
 * list, never a reason to fail the whole scope) and what the upstream said beside its answer (its
 * `messages`, and `errors` on a success). Stored with the items in the list cache, so a cache hit reports
 * them as the load did; shown in `messages` of the list answers and in the monitor report.
 */
import * as z from "zod";

export const SkippedItemSchema = z
  .object({
    /** The item's id as the upstream sent it, when it had a readable one. */
    id: z.string().nullable(),
    /** Why it could not be used (the first schema problems, never the item's content). */
    reason: z.string(),
  })
  .meta({ id: "SkippedItem", description: "An upstream list item certgate could not use, left out" });
export type SkippedItem = z.infer<typeof SkippedItemSchema>;

export const ListNotesSchema = z.object({
  skipped: z.array(SkippedItemSchema),
  /** Upstream notes ("Gjirafa says: ..."), redacted and shortened. */
  messages: z.array(z.string()),
});
export type ListNotes = z.infer<typeof ListNotesSchema>;

/** Most notes kept per load: a list where every item is unusable still makes a short answer. */
export const MAX_NOTES = 20;

export function emptyNotes(): ListNotes {
  return { skipped: [], messages: [] };
}

/** `a` and `b` together, deduplicated and capped at MAX_NOTES each. */
export function mergeNotes(a: ListNotes, b: ListNotes): ListNotes {
  return {
    skipped: [...a.skipped, ...b.skipped].slice(0, MAX_NOTES),
    messages: [...new Set([...a.messages, ...b.messages])].slice(0, MAX_NOTES),
  };
}

/** One line per skipped item, for a `messages` array ("left out an unusable pack (id x): hosts: ..."). */
export function describeSkipped(noun: string, item: SkippedItem): string {
  return `left out an unusable ${noun}${item.id === null ? "" : ` (id ${item.id})`}: ${item.reason}`;
}

/** Every note of a load as `messages` lines, each prefixed (e.g. with the provider and scope). */
export function notesAsMessages(prefix: string, noun: string, notes: ListNotes): string[] {
  return [
    ...notes.skipped.map((item) => `${prefix}: ${describeSkipped(noun, item)}`),
    ...notes.messages.map((message) => `${prefix}: ${message}`),
  ];
}

/**
 * Why a list or quota answer is a cached copy: the upstream failed or is rate limiting (stale-if-error),
 * for a native door's `messages`. `error` is what the load threw; only an AppError's code and message
 * (certgate's own words, already redacted) are quoted.
 */
export function describeServedStale(ageSeconds: number, error: unknown): string {
  const known =
    typeof error === "object" && error !== null && "code" in error && "message" in error
      ? ` (${String(error.code)}: ${String(error.message)})`
      : "";
  return `certgate served a cached copy ${ageSeconds} s old: the upstream could not be asked${known}`;
}
