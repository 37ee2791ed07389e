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
 * The memo (cache/answer-memo.ts) is bounded in bytes; answers of versions no longer read age out as least
 * recently used.
 */
import type { Context } from "hono";
import { currentPrincipal } from "../auth/authorize";
import { encodeBase64Url } from "../auth/encoding";
import { grantsKey } from "../auth/principal";
import type { RememberedAnswer } from "../cache/answer-memo";
import type { AppEnv } from "../context";
import { noneMatchHits, REVALIDATE } from "./conditional";

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
  const grants = memo ? memo.derivedOf(principal, grantsKey) : grantsKey(principal);
  const query = JSON.stringify(spec.query);
  const now = c.get("deps").now();
  const key = memo && spec.version !== null ? [spec.route, spec.version, query, grants].join("\n") : null;
  let answer: RememberedAnswer | undefined = key === null ? undefined : memo?.get(key);
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
