/**
 * Idempotency-Key on writes (the IETF draft "The Idempotency-Key HTTP Header Field",
 * https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/; docs/writes.md). A route
 * declares `idempotency: "creating" | "repeatable"` and the router mounts `idempotencyHook` after its
 * permission check (mount.ts): one mechanism for every write of every door, no handler code.
 *
 * Per caller identity and key, in the IdempotencyStore Durable Object (src/durable/idempotency-store.ts),
 * which keeps a SHA-256 of method, path, query and body bytes, never the request (an import carries a
 * private key):
 * - the first request runs; its answer (status, body, the headers that matter) is kept 24 h;
 * - the same key with the same request: the kept answer, `Idempotent-Replayed: true`, no upstream call;
 * - the same key with another request: 422 `idempotency_key_reused`;
 * - while the first still runs: 409 `idempotency_key_in_flight` (Retry-After);
 * - no key: the write runs as before, unless IDEMPOTENCY_REQUIRED=true (400).
 *
 * Which answers are kept (`keepsAnswer`): every success. A refusal (4xx: certgate's checks, the
 * upstream's no, a 429) is not kept: nothing happened, so the key is free for a corrected retry. A
 * failure whose outcome is unknown (5xx `upstream_outcome_unknown`, or a bug mid-write) is kept for a
 * `creating` write, so a retry with the key can never order twice: it replays the 502 that says to list
 * first; for a `repeatable` write it is not kept, and the retry runs the write again. A first attempt
 * that died without answering blocks a `creating` key until it expires (409: its outcome is unknown) and
 * is taken over for a `repeatable` one.
 */
import type { Context, MiddlewareHandler } from "hono";
import { currentPrincipal } from "../auth/authorize";
import type { AppEnv } from "../context";
import { requestFingerprint } from "../durable/digest";
import { IDEMPOTENCY_TTL_MS, IdempotencyKeySchema, type StoredResponse } from "../durable/idempotency-store";
import { AppError } from "../errors";
import { createLogger } from "../logger";
import { toAppError } from "../middleware/on-error";
import { redactText } from "../redact";
import { readBodyText } from "./body";
import type { IdempotencyKind } from "./route";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
export const REPLAYED_HEADER = "Idempotent-Replayed";

/** Response headers kept with an answer: what a client reads of a write's answer besides its body. */
const KEPT_HEADERS = ["content-type", "location", "x-should-retry", "cache-control"] as const;

/** The header's field: "the key's name" in messages and `fields`. */
const FIELD = "header.Idempotency-Key";

function invalidKey(message: string): AppError {
  return new AppError("validation_failed", `Invalid ${IDEMPOTENCY_HEADER}: ${message}`, {
    fields: [{ path: FIELD, message }],
  });
}

/**
 * The key a request carries, or null. The draft makes the value an sf-string (RFC 8941 §3.3.3:
 * `"..."`, with `\"` and `\\` escapes); a bare value is accepted too, as most clients send one. Either way
 * 1-255 printable ASCII characters.
 */
export function idempotencyKeyOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  const value = header.trim();
  let key = value;
  if (value.startsWith('"')) {
    const match = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/.exec(value);
    if (!match) throw invalidKey('a quoted value must be an sf-string ("...", escapes \\" and \\\\ only)');
    key = (match[1] ?? "").replace(/\\(["\\])/g, "$1");
  }
  const parsed = IdempotencyKeySchema.safeParse(key);
  if (!parsed.success) throw invalidKey("must be 1-255 printable ASCII characters");
  return parsed.data;
}

/** Whether an answer is kept for the key (see the header). */
export function keepsAnswer(kind: IdempotencyKind, status: number, error: unknown): boolean {
  if (status < 400) return true;
  if (kind === "repeatable" || status < 500) return false;
  if (error === undefined) return true;
  const { code } = toAppError(error);
  return code === "upstream_outcome_unknown" || code === "internal_error";
}

/**
 * How long a first attempt may run before a repeat stops being told "in flight": a write's upstream
 * work ends by its deadline (UPSTREAM_DEADLINE_MS, twice for a rotation's start, which reads the pack
 * and the quota), plus a minute for the cache invalidation and the stores.
 */
function leaseMs(c: Context<AppEnv>): number {
  return 2 * c.get("config").upstream.deadlineMs + 60_000;
}

function storeOf(c: Context<AppEnv>) {
  const principal = currentPrincipal(c);
  const namespace = c.get("config").idempotency.store;
  // Keys are the caller's: two callers' "1" are different keys. Key names and Access identities
  // live in separate namespaces.
  return namespace.get(namespace.idFromName(`${principal.via}:${principal.name}`));
}

function replay(stored: StoredResponse): Response {
  const headers = new Headers(stored.headers);
  headers.set(REPLAYED_HEADER, "true");
  return new Response(stored.body, { status: stored.status, headers });
}

/** What the client was sent, to keep: never a secret the request carried, even if the upstream echoed it. */
async function storable(c: Context<AppEnv>, response: Response): Promise<StoredResponse> {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const body = redactText(await response.clone().text(), c.get("config").secrets);
  return { status: response.status, body, headers };
}

export function idempotencyHook(kind: IdempotencyKind): MiddlewareHandler<AppEnv> {
  return async function idempotencyMiddleware(c, next) {
    const config = c.get("config");
    const deps = c.get("deps");
    const key = idempotencyKeyOf(c.req.header(IDEMPOTENCY_HEADER));
    if (key === null) {
      if (config.idempotency.required) {
        throw new AppError(
          "validation_failed",
          `This write needs an ${IDEMPOTENCY_HEADER} header (IDEMPOTENCY_REQUIRED is on)`,
          { fields: [{ path: FIELD, message: "required" }] },
        );
      }
      return next();
    }
    c.set("idempotencyKey", key);
    const url = new URL(c.req.url);
    const fingerprint = await requestFingerprint({
      method: c.req.method,
      path: `${c.req.path}${url.search}`,
      body: await readBodyText(c, config.maxBodyBytes),
    });
    const store = storeOf(c);
    const now = deps.now();
    const begun = await store.begin({
      now,
      key,
      fingerprint,
      ttlMs: IDEMPOTENCY_TTL_MS,
      leaseMs: leaseMs(c),
      takeOverExpired: kind === "repeatable",
    });
    switch (begun.state) {
      case "replay":
        c.set("idempotentReplay", true);
        return replay(begun.response);
      case "mismatch":
        throw new AppError(
          "idempotency_key_reused",
          `This ${IDEMPOTENCY_HEADER} was used for another request (method, path or body differ); use a new key for a new request`,
        );
      case "in_flight":
        throw new AppError(
          "idempotency_key_in_flight",
          `A request with this ${IDEMPOTENCY_HEADER} is still being processed; retry when it has answered`,
          { retry_after: Math.max(1, Math.min(10, Math.ceil((begun.leaseUntil - now) / 1000))) },
        );
      case "expired_in_flight":
        throw new AppError(
          "idempotency_key_in_flight",
          `The first request with this ${IDEMPOTENCY_HEADER} stopped without an answer, so whether it was carried out is unknown; list before retrying, with a new key`,
        );
      case "new":
        break;
    }
    await next();
    const log = createLogger(deps, config.secrets);
    try {
      if (keepsAnswer(kind, c.res.status, c.error)) {
        const stored = await store.complete({
          now: deps.now(),
          key,
          fingerprint,
          attempt: begun.attempt,
          response: await storable(c, c.res),
        });
        if (stored !== "stored") {
          log.log("warn", "idempotency_not_stored", { request_id: c.get("requestId"), outcome: stored });
        }
      } else {
        await store.abandon({ key, fingerprint, attempt: begun.attempt });
      }
    } catch (error) {
      // The write's answer goes out whatever the store says; the key then ends as an expired attempt.
      log.log("error", "idempotency_store_failed", {
        request_id: c.get("requestId"),
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
}
