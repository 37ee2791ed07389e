/**
 * The stored form of one scope's list: compact JSON `{"v":1,"fetched_at":<epoch ms>,"items":[...]}`,
 * plus `"notes":{"skipped":[...],"messages":[...]}` when the load left items out or the upstream said
 * something (src/model/list-notes.ts), so a hit reports them as the load did. `notes` is optional and
 * an older worker ignores it: entries stay readable both ways, so `v` stays 1.
 *
 * `v` lets two worker versions share the namespace during a gradual deploy: an entry of another
 * version is a miss (and is replaced), never a crash. Items are the provider's validated wire
 * objects; they are checked again with the caller's `parse` on the way out of KV (zod at both edges),
 * so a corrupt or foreign entry is a miss, not a 500.
 */
import * as z from "zod";
import { emptyNotes, type ListNotes, ListNotesSchema } from "../model/list-notes";

export const ENTRY_VERSION = 1;

/**
 * KV refuses values above 25 MiB. Anything near it is not stored (logged and skipped): a list that
 * large is also too slow to parse on every request. Measured in UTF-8 bytes.
 */
export const MAX_ENTRY_BYTES = 20 * 1024 * 1024;

export interface ListEntry<T> {
  /** When the upstream load that produced `items` started (epoch ms): the conservative age origin. */
  fetchedAt: number;
  items: T[];
  /** What the load left out and what the upstream said (empty when nothing). */
  notes: ListNotes;
}

export type DecodeFailure = "not_json" | "bad_shape" | "wrong_version" | "invalid_item";

export type Decoded<T> = { ok: true; entry: ListEntry<T> } | { ok: false; reason: DecodeFailure };

const EntrySchema = z.object({
  v: z.number(),
  fetched_at: z.number().int().nonnegative(),
  items: z.array(z.unknown()),
  notes: ListNotesSchema.optional(),
});

export function encodeEntry<T>(entry: ListEntry<T>): string {
  const { notes } = entry;
  const hasNotes = notes.skipped.length > 0 || notes.messages.length > 0;
  return JSON.stringify({
    v: ENTRY_VERSION,
    fetched_at: entry.fetchedAt,
    items: entry.items,
    ...(hasNotes ? { notes } : {}),
  });
}

export function decodeEntry<T>(text: string, parse: (value: unknown) => T | null): Decoded<T> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not_json" };
  }
  const shape = EntrySchema.safeParse(data);
  if (!shape.success) return { ok: false, reason: "bad_shape" };
  if (shape.data.v !== ENTRY_VERSION) return { ok: false, reason: "wrong_version" };
  const items = parseAll(shape.data.items, parse);
  if (!items) return { ok: false, reason: "invalid_item" };
  return {
    ok: true,
    entry: { fetchedAt: shape.data.fetched_at, items, notes: shape.data.notes ?? emptyNotes() },
  };
}

/** Every item through `parse`, or null when one fails (a list with a hole is not a list). */
export function parseAll<T>(values: readonly unknown[], parse: (value: unknown) => T | null): T[] | null {
  const out: T[] = [];
  for (const value of values) {
    const item = parse(value);
    if (item === null) return null;
    out.push(item);
  }
  return out;
}

/** UTF-8 size of `text`, measured only when the cheap bound (3 bytes per UTF-16 unit) is not enough. */
export function exceedsBytes(text: string, maxBytes: number): boolean {
  if (text.length * 3 <= maxBytes) return false;
  if (text.length > maxBytes) return true;
  return new TextEncoder().encode(text).byteLength > maxBytes;
}
