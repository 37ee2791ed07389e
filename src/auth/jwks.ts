/**
 * Cloudflare Access signing keys, fetched from `${teamDomain}/cdn-cgi/access/certs` through the injected
 * fetch and cached per isolate (the cache object lives in the authenticator's closure, never in module
 * scope); each usable key is imported once with `jose`'s `importJWK`.
 *
 * Why not `jose`'s createRemoteJWKSet: it times its cache and its refetch cooldown with the wall clock
 * (`Date.now()`), so neither the injected clock nor the tests that pin the 10-minute reuse and the 30 s
 * throttle could drive it; the same policy is kept here, on `deps.now`.
 *
 * Access rotates its keys every six weeks and keeps the old key valid for a while
 * (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json/), so:
 * - keys are reused for `ttlMs`; after that they are refreshed, and kept if the refresh fails;
 * - a token with an unknown `kid` triggers one refetch, but at most one fetch per team every
 *   `minRefetchMs`, so a flood of forged `kid`s cannot turn into a fetch storm;
 * - concurrent requests share one in-flight fetch.
 */
import { importJWK } from "jose";
import * as z from "zod";
import type { Deps } from "../deps";
import { AppError } from "../errors";
import { createLogger } from "../logger";

const JwkSchema = z.looseObject({
  kid: z.string().min(1),
  kty: z.string(),
  n: z.string().optional(),
  e: z.string().optional(),
  alg: z.string().optional(),
  use: z.string().optional(),
});
const JwksSchema = z.looseObject({ keys: z.array(z.looseObject({})).max(100) });

export interface JwksOptions {
  /** How long fetched keys are used without refreshing. */
  ttlMs?: number;
  /** Minimum time between two fetches for the same team (unknown `kid`, failures). */
  minRefetchMs?: number;
  /** Deadline of one JWKS fetch. */
  timeoutMs?: number;
}

export interface JwksCache {
  /** The verification key for `kid`, or `null` if the team does not publish it. Throws 401 if unreachable. */
  keyFor(teamDomain: string, kid: string): Promise<CryptoKey | null>;
}

interface TeamKeys {
  keys: Map<string, CryptoKey>;
  fetchedAt: number | null;
  lastAttemptAt: number | null;
  inFlight: Promise<void> | null;
}

export function createJwksCache(
  deps: Pick<Deps, "fetch" | "now" | "log">,
  options: JwksOptions = {},
): JwksCache {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const minRefetchMs = options.minRefetchMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const teams = new Map<string, TeamKeys>();
  const logger = createLogger(deps);

  /** One warning per failed fetch (fetches are throttled, so this cannot flood the log). */
  function failed(teamDomain: string, reason: string): AppError {
    logger.log("warn", "access_jwks_unavailable", { team_domain: teamDomain, reason });
    return unavailable();
  }

  async function load(teamDomain: string): Promise<Map<string, CryptoKey>> {
    const url = `${teamDomain}/cdn-cgi/access/certs`;
    let response: Response;
    try {
      response = await deps.fetch(url, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw failed(teamDomain, err instanceof Error ? err.name : "network error");
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw failed(teamDomain, `HTTP ${response.status}`);
    }
    let data: unknown;
    try {
      data = await response.json();
    } catch {
      throw failed(teamDomain, "body is not JSON");
    }
    const parsed = JwksSchema.safeParse(data);
    if (!parsed.success) throw failed(teamDomain, "body is not a JWKS");
    const keys = new Map<string, CryptoKey>();
    for (const raw of parsed.data.keys) {
      const jwk = JwkSchema.safeParse(raw);
      // Only RSA signing keys can verify RS256 (RFC 7518 §3.3); anything else is skipped, not fatal.
      if (!jwk.success || jwk.data.kty !== "RSA" || !jwk.data.n || !jwk.data.e) continue;
      if (jwk.data.use !== undefined && jwk.data.use !== "sig") continue;
      if (jwk.data.alg !== undefined && jwk.data.alg !== "RS256") continue;
      try {
        const key = await importJWK({ kty: "RSA", n: jwk.data.n, e: jwk.data.e, alg: "RS256" }, "RS256");
        if (key instanceof CryptoKey) keys.set(jwk.data.kid, key);
      } catch {
        // A key that does not import cannot verify anything; the others still can.
      }
    }
    if (keys.size === 0) throw failed(teamDomain, "no usable RS256 key");
    return keys;
  }

  function team(teamDomain: string): TeamKeys {
    let entry = teams.get(teamDomain);
    if (!entry) {
      entry = { keys: new Map(), fetchedAt: null, lastAttemptAt: null, inFlight: null };
      teams.set(teamDomain, entry);
    }
    return entry;
  }

  /** Fetches unless one is in flight (joined) or the last attempt is too recent (skipped). */
  async function refresh(teamDomain: string, entry: TeamKeys): Promise<void> {
    if (entry.inFlight) return entry.inFlight;
    const now = deps.now();
    if (entry.lastAttemptAt !== null && now - entry.lastAttemptAt < minRefetchMs) {
      if (entry.fetchedAt === null) throw unavailable();
      return;
    }
    entry.lastAttemptAt = now;
    entry.inFlight = load(teamDomain)
      .then((keys) => {
        entry.keys = keys;
        entry.fetchedAt = deps.now();
      })
      .finally(() => {
        entry.inFlight = null;
      });
    return entry.inFlight;
  }

  return {
    async keyFor(teamDomain, kid) {
      const entry = team(teamDomain);
      const stale = entry.fetchedAt === null || deps.now() - entry.fetchedAt >= ttlMs;
      if (stale) {
        try {
          await refresh(teamDomain, entry);
        } catch (err) {
          // Keep serving the keys we have when a refresh fails; without any, the caller gets 401.
          if (entry.fetchedAt === null) throw err;
        }
      }
      const known = entry.keys.get(kid);
      if (known) return known;
      if (!stale) {
        try {
          await refresh(teamDomain, entry);
        } catch {
          return null;
        }
      }
      return entry.keys.get(kid) ?? null;
    },
  };
}

function unavailable(): AppError {
  return new AppError(
    "unauthorized",
    "Cannot verify the Cloudflare Access token: the team's signing keys are unavailable",
  );
}
