/**
 * The rotation's judgements, as pure functions of what the port returned: which packs can be replaced,
 * what the replacement's order is, whether a pack is serving, failed or still on its way, whether it
 * covers the old hosts, which pack is the replacement a lost answer left behind, and how long to wait.
 */
import type { FailureReason } from "./operation";
import type { OrderRequest, PackView, QuotaView } from "./port";

const AUTHORITIES = ["google", "lets_encrypt", "ssl_com"] as const;
const METHODS = ["txt", "http", "email"] as const;
const VALIDITIES = [14, 30, 90, 365] as const;
/** Cloudflare's order limit on hosts per pack. */
const MAX_HOSTS = 50;

/** Statuses in which a DELETE happened or is under way (a deleted pack still answers GET for a while). */
const DELETING = new Set(["pending_deletion", "pending_cleanup", "deactivating", "deleted"]);
/**
 * Serving: `active`, and `backup_issued` (active with a backup certificate held in reserve). Anything
 * else, even "pending_expiration", is not a replacement that has just gone live.
 */
const SERVING = new Set(["active", "backup_issued"]);
/**
 * Published statuses a replacement never comes back from to serve: deleted or being deleted, expired,
 * inactive, or timed out in a step other than validation (that one has its own reason). Every other
 * status is waited on: the normal path (initializing -> pending_validation -> pending_issuance ->
 * pending_deployment, holding or staging on the way) and a status certgate does not know.
 */
const ENDED = new Set([
  "deleted",
  "pending_deletion",
  "pending_expiration",
  "expired",
  "initializing_timed_out",
  "issuance_timed_out",
  "deployment_timed_out",
  "deletion_timed_out",
  "pending_cleanup",
  "deactivating",
  "inactive",
]);

function oneOf<T extends string | number>(allowed: readonly T[], value: unknown): value is T {
  return allowed.some((a) => a === value);
}

export function isDeleting(status: string | null): boolean {
  return status !== null && DELETING.has(status);
}

export type Replaceable = { ok: true; order: OrderRequest } | { ok: false; message: string };

/**
 * A pack certgate can replace: an advanced pack (the only type an order accepts), not deleted or being
 * deleted, whose hosts, authority, validity and validation method can be ordered again as they are.
 */
export function replaceable(pack: PackView): Replaceable {
  if (pack.type !== "advanced") {
    return {
      ok: false,
      message: `only advanced packs can be rotated; this one is ${pack.type ?? "untyped"}`,
    };
  }
  if (isDeleting(pack.status)) {
    return { ok: false, message: `the pack is ${pack.status}: there is nothing left to rotate` };
  }
  const ca = pack.certificateAuthority;
  const validity = pack.validityDays;
  const method = pack.validationMethod;
  if (!oneOf(AUTHORITIES, ca))
    return { ok: false, message: "the pack names no orderable certificate authority" };
  if (!oneOf(VALIDITIES, validity))
    return { ok: false, message: "the pack names no orderable validity period" };
  if (!oneOf(METHODS, method)) return { ok: false, message: "the pack names no orderable validation method" };
  if (pack.hosts.length === 0 || pack.hosts.length > MAX_HOSTS) {
    return { ok: false, message: `the pack's hosts cannot be ordered again (${pack.hosts.length} hosts)` };
  }
  return {
    ok: true,
    order: {
      hosts: [...pack.hosts],
      certificateAuthority: ca,
      validityDays: validity,
      validationMethod: method,
    },
  };
}

/** Room for one more advanced pack. An unreadable quota is not a refusal: the order itself will tell. */
export function hasRoom(quota: QuotaView): boolean {
  if (quota.allocated === null || quota.used === null) return true;
  return quota.used < quota.allocated;
}

/** Every host of `old` is a host of `replacement` (hostnames compare lowercase, RFC 4343). */
export function missingHosts(old: readonly string[], replacement: readonly string[]): string[] {
  const have = new Set(replacement.map((h) => h.toLowerCase()));
  return old.filter((h) => !have.has(h.toLowerCase()));
}

export type Progress =
  | { kind: "serving" }
  | { kind: "waiting" }
  | { kind: "failed"; reason: FailureReason; message: string };

/**
 * Where a replacement stands. A status certgate does not know is waited on (until the deadline):
 * waiting never deletes anything, failing early would abandon a pack that may still go live.
 */
export function progressOf(pack: PackView): Progress {
  const status = pack.status;
  if (status !== null && SERVING.has(status)) return { kind: "serving" };
  if (status === "validation_timed_out") {
    return {
      kind: "failed",
      reason: "validation_timed_out",
      message: "the replacement's domain validation timed out upstream (validation_timed_out)",
    };
  }
  if (status !== null && ENDED.has(status)) {
    return { kind: "failed", reason: "new_pack_failed", message: `the replacement ended in ${status}` };
  }
  return { kind: "waiting" };
}

/**
 * The replacement an earlier attempt ordered when its answer was lost (a restart, a reset, a 5xx after
 * the upstream acted): a pack that did not exist when the rotation began, is not being deleted, and
 * matches the order: same authority, validity and method, hosts among the ordered ones. A subset is
 * accepted on purpose: a replacement that came back with fewer hosts must be found (and then fail the
 * coverage check), not ordered a second time.
 */
export function findReplacement(
  packs: readonly PackView[],
  order: OrderRequest,
  existedBefore: readonly string[],
): PackView | null {
  const before = new Set(existedBefore);
  const ordered = new Set(order.hosts.map((h) => h.toLowerCase()));
  const matches = packs.filter(
    (p) =>
      !before.has(p.id) &&
      p.type === "advanced" &&
      !isDeleting(p.status) &&
      p.certificateAuthority === order.certificateAuthority &&
      p.validityDays === order.validityDays &&
      p.validationMethod === order.validationMethod &&
      p.hosts.length > 0 &&
      p.hosts.every((h) => ordered.has(h.toLowerCase())),
  );
  return matches[0] ?? null;
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * How long a DCV token stays valid: 7 days for Let's Encrypt, 14 days for Google Trust Services and
 * SSL.com (https://developers.cloudflare.com/ssl/edge-certificates/changing-dcv-method/validation-backoff-schedule/).
 * After that the replacement cannot validate with the records it published: waiting longer is pointless.
 */
export function dcvTokenLifetimeMs(ca: OrderRequest["certificateAuthority"]): number {
  return ca === "lets_encrypt" ? 7 * DAY_MS : 14 * DAY_MS;
}

/** When the engine stops waiting: the DCV token lifetime, or the configured wait when shorter. */
export function validationDeadline(
  startedAt: number,
  ca: OrderRequest["certificateAuthority"],
  configuredMs: number | null,
): number {
  const lifetime = dcvTokenLifetimeMs(ca);
  return startedAt + (configuredMs === null ? lifetime : Math.min(configuredMs, lifetime));
}

/** The wait before poll `n + 1` (n >= 1): exponential from `initialMs`, doubling, capped at `maxMs`. */
export function pollDelayMs(n: number, initialMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(n - 1, 0), 30);
  return Math.min(initialMs * 2 ** exponent, maxMs);
}
