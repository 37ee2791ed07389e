/**
 * Operation ids: `rot-{zone}-{16 hex}`. The same string is the Workflow instance id (at most 64 of
 * `[A-Za-z0-9_-]`, https://developers.cloudflare.com/workflows/reference/limits/) and the ledger key; the
 * zone inside it names the ledger object (`idFromName(zone)`) and lets a route check the caller's zone
 * before anything is read.
 */
const OPERATION_ID = /^rot-([0-9a-f]{32})-([0-9a-f]{16})$/;

/** A new operation id for `zone` (a 32-hex Cloudflare zone id). `randomHex`: 16 lowercase hex digits. */
export function newOperationId(zone: string, randomHex: string = defaultRandomHex()): string {
  const id = `rot-${zone}-${randomHex}`;
  if (!OPERATION_ID.test(id)) throw new TypeError("newOperationId: zone must be 32 hex, randomHex 16 hex");
  return id;
}

/** The zone of a well-formed operation id, or null for anything else. */
export function zoneOfOperation(id: string): string | null {
  return OPERATION_ID.exec(id)?.[1] ?? null;
}

function defaultRandomHex(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 16);
}
