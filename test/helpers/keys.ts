/**
 * API key fixtures. Plaintext keys exist only in tests; API_KEYS carries their digests, as in production.
 */
import { createHash } from "node:crypto";
import { PROJECT_P, ZONE_A } from "./ids";

export interface TestKey {
  key: string;
  entry: {
    name: string;
    sha256: string;
    scopes: string[];
    zones: string[];
    projects: string[];
    upstream_per_minute?: number;
  };
}

/** A key and its API_KEYS entry; `extra` adds entry fields (its own `upstream_per_minute`). */
export function makeKey(
  name: string,
  scopes: string[],
  zones: string[],
  projects: string[],
  extra: { upstream_per_minute?: number } = {},
): TestKey {
  const key = `cg_test_${name.replace(/[^a-z0-9]/gi, "_")}_${"x".repeat(43 - name.length)}`;
  return {
    key,
    entry: {
      name,
      sha256: createHash("sha256").update(key).digest("hex"),
      scopes,
      zones,
      projects,
      ...extra,
    },
  };
}

const make = makeKey;

export const KEYS = {
  admin: make("admin", ["admin"], ["*"], ["*"]),
  reader: make("reader", ["certificates:read"], ["*"], ["*"]),
  writer: make("writer", ["certificates:read", "certificates:write"], ["*"], ["*"]),
  /** Limited to zone A and project P. */
  zoneA: make("zone-a", ["certificates:read", "certificates:write", "reports:read"], [ZONE_A], [PROJECT_P]),
  reports: make("reports", ["reports:read"], ["*"], ["*"]),
  /** certificates:write alone (no read), every zone and project. */
  writeOnly: make("write-only", ["certificates:write"], ["*"], ["*"]),
  /** A key with no certificate scopes at all. */
  nothing: make("nothing", ["reports:read"], [], []),
  /** reports:ack alone (acknowledge monitor problems), every zone and project. */
  acker: make("acker", ["reports:ack"], ["*"], ["*"]),
  /** Reads and acknowledges the reports of zone A and project P only. */
  zoneAAck: make("zone-a-ack", ["reports:read", "reports:ack"], [ZONE_A], [PROJECT_P]),
} as const;

export const API_KEYS_JSON = JSON.stringify(Object.values(KEYS).map((k) => k.entry));

export function bearer(k: TestKey): Record<string, string> {
  return { Authorization: `Bearer ${k.key}` };
}
