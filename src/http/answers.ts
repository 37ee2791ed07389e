/**
 * Read answers with an ETag, served from this isolate's memory when nothing they are made of changed:
 * one concept, used by every list and single-certificate read of both doors.
 *
 * What an answer is made of: the cache entries it was built from (their per-isolate versions,
 * cache/list-cache.ts), the request's effective query (path and query after defaults) and the caller's
 * grants (auth/principal.ts `grantsKey`), plus the clock where it shows (`days_remaining`: `until`). Those
 * name the answer in the memo; the first request to need an answer builds it, serializes it once and
 * derives its ETag once, from the grants, the query and the bytes (SHA-256, 128 bits). Later requests with
 * the same entries, query and grants reuse both: a hit neither rebuilds, re-serializes nor re-hashes.
 * Deriving the tag from the bytes (once per build) keeps it strong across isolates, entry refreshes that
 * change nothing, and deploys that change the answer's shape; mixing in the grants and the query keeps two
 * callers or two queries from ever sharing a tag.
 *
 * An answer made of no cache entry (`version: null`: a deployment view or a single read from the upstream,
 * a stale copy served for a failed load, a list with a failed scope) is built, serialized and tagged per
 * request, never remembered: its tag is still correct, never an older answer's.
 *
 * This runs inside the route's handler, after authentication, the route's permission check and the
 * service's scope authorization: a caller that may not see a scope gets its 401/403 and never a 304.
 *
 * The memo is bounded in bytes (byte-lru.ts; `MAX_ANSWER_BYTES`): an entry is charged its body plus its
 * key (two bytes a character), and entries of versions no longer read age out as least recently used.
 */
import type { Context } from "hono";
import { currentPrincipal } from "../auth/authorize";
import { encodeBase64Url } from "../auth/encoding";
import { grantsKey, type Principal } from "../auth/principal";
import { createByteLru } from "../cache/byte-lru";
import type { AppEnv } from "../context";
import { noneMatchHits, REVALIDATE } from "./conditional";

/** Default bound of the remembered answers: 8 MiB of the isolate's 128 MB (lists take up to 32 MiB). */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
/** What a remembered answer costs besides its body and key (objects, the tag). */
const ENTRY_OVERHEAD_BYTES = 200;

interface Made {
  /** The serialized JSON body (the runtime encodes it as UTF-8). */
  body: string;
  etag: string;
  /** The answer holds until this time (epoch ms; exclusive): the clock changes it then. */
  until: number;
}

export function createAnswerMemo(maxBytes: number = MAX_ANSWER_BYTES) {
  const made = createByteLru<Made>(maxBytes);
  // Per principal object: API-key principals are remembered per isolate (auth/principal-memo.ts).
  const grants = new WeakMap<Principal, string>();
  return {
    get: (key: string) => made.get(key),
    set: (key: string, answer: Made) =>
      made.set(key, answer, (answer.body.length + key.length) * 2 + ENTRY_OVERHEAD_BYTES),
    grantsOf(principal: Principal): string {
      let known = grants.get(principal);
      if (known === undefined) {
        known = grantsKey(principal);
        grants.set(principal, known);
      }
      return known;
    },
    bytes: () => made.bytes(),
  };
}

export type AnswerMemo = ReturnType<typeof createAnswerMemo>;

export interface AnswerSpec {
  /** Which answer of which route ("cloudflare.list"): routes never share a remembered answer. */
  route: string;
  /**
   * The version(s) of the cache entries the answer is made of (ListRead `version`, joined in a fixed
   * order), or null when it is made of anything else: then it is not remembered.
   */
  version: string | null;
  /** Everything of the request besides the entries and the grants that decides the bytes, after defaults. */
  query: Record<string, unknown>;
  /** The answer's headers besides ETag and Cache-Control (X-Cache, Age). */
  headers?: Record<string, string>;
  /** The JSON body; `until`: when the clock alone would change it (epoch ms; default never). */
  build(): { body: unknown; until?: number };
}

/** The ETag of an answer: SHA-256 over the grants, the route and query, and the body; 128 bits, quoted. */
async function etagOf(named: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(named));
  return `"${encodeBase64Url(new Uint8Array(digest).subarray(0, 16))}"`;
}

/** 200 with the answer, or 304 without a body when If-None-Match holds its ETag (conditional.ts). */
export async function answerJson(c: Context<AppEnv>, spec: AnswerSpec): Promise<Response> {
  const memo = c.get("answers");
  const principal = currentPrincipal(c);
  const grants = memo ? memo.grantsOf(principal) : grantsKey(principal);
  const query = JSON.stringify(spec.query);
  const now = c.get("deps").now();
  const key = memo && spec.version !== null ? [spec.route, spec.version, query, grants].join("\n") : null;
  let answer = key === null ? undefined : memo?.get(key);
  if (answer === undefined || now >= answer.until) {
    const built = spec.build();
    const body = JSON.stringify(built.body);
    answer = {
      body,
      etag: await etagOf([grants, spec.route, query, body].join("\n")),
      until: built.until ?? Number.POSITIVE_INFINITY,
    };
    if (key !== null) memo?.set(key, answer);
  }
  const headers = { ...spec.headers, ETag: answer.etag, "Cache-Control": REVALIDATE };
  if (noneMatchHits(c.req.header("if-none-match"), answer.etag)) return c.body(null, 304, headers);
  return c.body(answer.body, 200, { ...headers, "Content-Type": "application/json" });
}
