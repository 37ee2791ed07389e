/**
 * Reading upstream SUCCESS answers leniently, for both providers ("be liberal in what you accept"):
 * - list items are parsed one by one: an unusable item is left out and reported, never a failed scope;
 * - what an upstream says beside a success (`messages`, and `errors` on a success) becomes notes;
 * - a 2xx write answer is a write that happened, whatever its shape: it is read as far as possible
 *   (fields that do not parse are left out of the normalized view) and never reported as a failure.
 * Failures (non-2xx, `success: false`) are the upstream core's business (src/upstream/request.ts).
 */
import type * as z from "zod";
import { MAX_NOTES, type SkippedItem } from "../model/list-notes";
import { redactText } from "../redact";

/** Longest note or reason kept. */
const NOTE_LIMIT = 300;

export interface ParsedItems<T> {
  items: T[];
  skipped: SkippedItem[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first schema problems, by path: never the values (an item may hold anything). */
export function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(item)"}: ${i.message}`)
    .join("; ")
    .slice(0, NOTE_LIMIT);
}

/** An item's id for a report: a short string or integer, else null (never a whole value). */
function idOf(value: unknown): string | null {
  if (!isRecord(value)) return null;
  const id = value.id;
  if (typeof id === "number" && Number.isInteger(id)) return String(id);
  if (typeof id === "string" && id.length > 0) return id.slice(0, 64);
  return null;
}

/** Every usable item of a list, and what was left out and why. */
export function parseItems<S extends z.ZodType>(
  schema: S,
  values: readonly unknown[],
): ParsedItems<z.output<S>> {
  const items: Array<z.output<S>> = [];
  const skipped: SkippedItem[] = [];
  for (const value of values) {
    const parsed = schema.safeParse(value);
    if (parsed.success) items.push(parsed.data);
    else skipped.push({ id: idOf(value), reason: issuesText(parsed.error) });
  }
  return { items, skipped };
}

/**
 * What an upstream said beside a success: its `messages` and any `errors` (the SDK reference's and the
 * Gjirafa documentation's example successes carry both). Strings or `{code, message}` objects, each
 * as "<Provider> says: <text>", redacted with the configured secrets and shortened.
 */
export function upstreamNotes(label: string, envelope: unknown, secrets: readonly string[]): string[] {
  if (!isRecord(envelope)) return [];
  const notes: string[] = [];
  for (const key of ["messages", "errors"]) {
    const entries = envelope[key];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      const text = noteText(entry);
      if (text !== null) notes.push(redactText(`${label} says: ${text}`, secrets).slice(0, NOTE_LIMIT));
    }
  }
  return [...new Set(notes)].slice(0, MAX_NOTES);
}

function noteText(entry: unknown): string | null {
  if (typeof entry === "string") return entry.trim() === "" ? null : entry.trim();
  if (!isRecord(entry) || typeof entry.message !== "string" || entry.message.trim() === "") return null;
  const code =
    typeof entry.code === "number" || typeof entry.code === "string" ? ` (code ${entry.code})` : "";
  return `${entry.message.trim()}${code}`;
}

/** A write's 2xx answer, read as far as it goes. `raw` is null when not even the id could be read. */
export interface WriteAnswer<Raw> {
  raw: Raw | null;
  messages: string[];
}

export interface WriteReading {
  /** "Cloudflare" / "Gjirafa". */
  label: string;
  /** What was asked, for the note ("order", "update", ...). */
  operation: string;
  /** Where to look when the answer is unreadable ("the zone's packs"). */
  listHint: string;
  secrets: readonly string[];
  /** The id the caller addressed (update, validate), used when the answer lacks a readable one. */
  knownId?: string | number;
}

/**
 * A 2xx write answer (any JSON): `result` parsed with `schema`; top-level fields that do not parse are
 * dropped from this view (the native door returns the body as it came), a missing or unreadable id is
 * taken from `knownId`. Notes say what was left out, plus what the upstream said.
 */
export function readWriteAnswer<S extends z.ZodType>(
  schema: S,
  body: unknown,
  reading: WriteReading,
): WriteAnswer<z.output<S>> {
  const messages = upstreamNotes(reading.label, body, reading.secrets);
  const result = isRecord(body) ? body.result : undefined;
  const salvaged = salvage(schema, result, reading.knownId);
  if (salvaged === null) {
    messages.push(
      `${reading.label} accepted the ${reading.operation}, but certgate could not read its answer; list ${reading.listHint} to see the result`,
    );
    return { raw: null, messages };
  }
  if (salvaged.dropped.length > 0) {
    messages.push(
      `${reading.label} accepted the ${reading.operation}; certgate could not read ${salvaged.dropped.join(", ")} of its answer and left ${salvaged.dropped.length === 1 ? "it" : "them"} out`,
    );
  }
  return { raw: salvaged.value, messages };
}

/**
 * `value` parsed with `schema` after removing the top-level fields that fail it (at most a few rounds),
 * with `id` replaced by `knownId` when it is missing or unusable. Null when even that does not parse.
 */
function salvage<S extends z.ZodType>(
  schema: S,
  value: unknown,
  knownId: string | number | undefined,
): { value: z.output<S>; dropped: string[] } | null {
  if (!isRecord(value)) return null;
  const candidate: Record<string, unknown> = { ...value };
  const dropped: string[] = [];
  for (let round = 0; round < 4; round += 1) {
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return { value: parsed.data, dropped };
    const keys = new Set<string>();
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if (typeof key !== "string") return null;
      keys.add(key);
    }
    for (const key of keys) {
      if (key === "id" && knownId !== undefined && candidate.id !== knownId) {
        candidate.id = knownId;
        continue;
      }
      // A required field that is absent cannot be fixed by leaving it out.
      if (!(key in candidate)) return null;
      delete candidate[key];
      dropped.push(key);
    }
  }
  return null;
}
