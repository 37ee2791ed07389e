/**
 * Sessions of the status page (docs/status-page.md): what a signed-in browser's cookie means now.
 *
 * A session is made from the API key typed into the sign-in form and carries that key's entry name,
 * digest and grants (session-cookie.ts). On every view it is checked again against the CURRENT API_KEYS:
 * the entry with that digest must still exist under that name, and the session may do only what both the
 * cookie and the current entry grant. So removing a key from API_KEYS ends its sessions at once, and
 * narrowing its grants narrows them; widening a key's grants needs a new sign-in.
 *
 * The signing key is per deployment: STATUS_SESSION_SECRET when set, else the secret the
 * StatusSecretStore Durable Object generated once. Each isolate asks for it once.
 */
import type { ApiKeyEntry, Permission } from "../config/grants";
import { PERMISSIONS } from "../config/grants";
import type { Config } from "../config/load";
import { STATUS_SECRET_NAME } from "../durable/status-secret-store";
import { AppError } from "../errors";
import { findKeyEntry } from "./api-keys";
import { hasPermission } from "./authorize";
import { fromHex } from "./encoding";
import { type Principal, principalFromGrants } from "./principal";
import { importSessionKey, type SessionClaims } from "./session-cookie";

export interface SessionKeys {
  /** The HMAC key sessions of this deployment are signed with. */
  keyFor(config: Config, nowMs: number): Promise<CryptoKey>;
}

/** One per isolate (app.ts): the key of each configuration, fetched once. */
export function createSessionKeys(): SessionKeys {
  const keys = new WeakMap<object, Promise<CryptoKey>>();
  async function load(config: Config, nowMs: number): Promise<CryptoKey> {
    const { sessionSecret, secretStore } = config.status;
    if (sessionSecret) return importSessionKey(sessionSecret);
    if (!secretStore) {
      throw new AppError(
        "config_invalid",
        "The status page cannot sign sessions: set STATUS_SESSION_SECRET or bind STATUS_SECRET_STORE",
      );
    }
    let secret: string;
    try {
      secret = await secretStore.get(secretStore.idFromName(STATUS_SECRET_NAME)).secret({ now: nowMs });
    } catch (error) {
      throw new AppError(
        "upstream_unavailable",
        "The session secret store is unavailable; try again",
        {},
        503,
        {
          cause: error,
        },
      );
    }
    return importSessionKey(secret);
  }
  return {
    keyFor(config, nowMs) {
      let key = keys.get(config);
      if (!key) {
        key = load(config, nowMs);
        keys.set(config, key);
        // A failure is not remembered: the next request asks again.
        key.catch(() => keys.delete(config));
      }
      return key;
    },
  };
}

/** The claims of a new session of `entry`, valid `hours` from `nowMs`. */
export function sessionClaims(entry: ApiKeyEntry, nowMs: number, hours: number): SessionClaims {
  const iat = Math.floor(nowMs / 1000);
  return {
    v: 1,
    name: entry.name,
    key: entry.sha256,
    scopes: [...entry.scopes],
    zones: [...entry.zones],
    projects: [...entry.projects],
    iat,
    exp: iat + hours * 3600,
  };
}

function intersectAllowlists(a: Principal["zones"], b: Principal["zones"]): "*" | ReadonlySet<string> {
  if (a === "*") return b;
  if (b === "*") return a;
  return new Set([...a].filter((id) => b.has(id)));
}

/** What both principals may do (admin implies every permission and every scope, as in authorize.ts). */
export function intersectPrincipals(name: string, a: Principal, b: Principal): Principal {
  const permissions = new Set<Permission>(
    PERMISSIONS.filter((p) => hasPermission(a, p) && hasPermission(b, p)),
  );
  return {
    name,
    via: "status_session",
    permissions,
    zones: intersectAllowlists(a.zones, b.zones),
    projects: intersectAllowlists(a.projects, b.projects),
  };
}

/**
 * The principal of a verified session under the current API_KEYS, or null when its key is gone (removed,
 * renamed, or its digest changed): the session ends.
 */
export function sessionPrincipal(claims: SessionClaims, apiKeys: readonly ApiKeyEntry[]): Principal | null {
  const digest = fromHex(claims.key);
  if (!digest) return null;
  const entry = findKeyEntry(apiKeys, digest);
  if (!entry || entry.name !== claims.name) return null;
  const signed = principalFromGrants(claims.name, "status_session", [claims]);
  const current = principalFromGrants(entry.name, "status_session", [entry]);
  return intersectPrincipals(entry.name, signed, current);
}
