/**
 * Conditional GETs (RFC 9110 §13.1.2 If-None-Match, §8.8.3 entity tags), as pure functions. An answer
 * whose ETag the caller already holds is a 304 without a body; `Cache-Control: private, max-age=0,
 * must-revalidate` (RFC 9111 §5.2.2) keeps shared caches out (answers depend on the caller's grants)
 * and makes every client revalidate before reusing what it holds.
 */

export const REVALIDATE = "private, max-age=0, must-revalidate";

/** `W/"x"` or `"x"`, etagc per RFC 9110 §8.8.3 (visible ASCII but `"`, and obs-text). */
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

/**
 * The opaque tags of an If-None-Match value (weak or strong alike), or "*". A member that is not an
 * entity tag is skipped: it can match nothing.
 */
export function parseIfNoneMatch(value: string): "*" | string[] {
  const trimmed = value.trim();
  if (trimmed === "*") return "*";
  const tags: string[] = [];
  // Members are comma-separated; a comma inside quotes belongs to the tag (etagc allows it).
  let i = 0;
  while (i < trimmed.length) {
    let j = i;
    let quoted = false;
    while (j < trimmed.length && (quoted || trimmed[j] !== ",")) {
      if (trimmed[j] === '"') quoted = !quoted;
      j++;
    }
    const opaque = ENTITY_TAG.exec(trimmed.slice(i, j).trim())?.[2];
    if (opaque !== undefined) tags.push(opaque);
    i = j + 1;
  }
  return tags;
}

/**
 * Whether If-None-Match `value` matches the current representation's `etag` (a strong tag, quoted):
 * "*" matches any, otherwise the WEAK comparison RFC 9110 §13.1.2 prescribes for If-None-Match (W/
 * ignored on both sides: the opaque tags are compared character by character).
 */
export function noneMatchHits(value: string | null | undefined, etag: string): boolean {
  if (value === null || value === undefined) return false;
  const tags = parseIfNoneMatch(value);
  if (tags === "*") return true;
  const match = ENTITY_TAG.exec(etag);
  const opaque = match?.[2];
  return opaque !== undefined && tags.includes(opaque);
}
