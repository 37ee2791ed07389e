/**
 * What the reliability suite adds to the one test gateway (test/helpers/gateway.ts): keys scoped to a
 * zone and project the demo does not manage, and the gateway preset with every key.
 */
import { createHash } from "node:crypto";
import { createGateway, type GatewayOptions } from "../helpers/gateway";
import { PROJECT_Q, ZONE_B } from "../helpers/ids";
import { KEYS, type TestKey } from "../helpers/keys";

export type { CallOptions, GatewayOptions, JsonAnswer } from "../helpers/gateway";
export { answerOf, ORIGIN } from "../helpers/gateway";
export { clearKv, dumpKv, resetStorage, runtimeEnv } from "../helpers/kv";

function key(name: string, scopes: string[], zones: string[], projects: string[]): TestKey {
  const plain = `cg_rel_${name.replace(/[^a-z0-9]/gi, "_")}_${"r".repeat(40 - name.length)}`;
  return {
    key: plain,
    entry: { name, sha256: createHash("sha256").update(plain).digest("hex"), scopes, zones, projects },
  };
}

/** Keys of this suite, on top of KEYS: full scopes, but only for a zone and project the demo does not manage. */
export const REL_KEYS = {
  /** Every certificate scope, on ZONE_B / PROJECT_Q only: the demo zones and project are someone else's. */
  elsewhere: key(
    "elsewhere",
    ["certificates:read", "certificates:write", "reports:read", "reports:ack"],
    [ZONE_B],
    [PROJECT_Q],
  ),
} as const;

export const ALL_KEYS: readonly TestKey[] = [...Object.values(KEYS), ...Object.values(REL_KEYS)];

/** The one test gateway, knowing every key of the suite. */
export function createReliabilityGateway(options: GatewayOptions = {}) {
  return createGateway({ keys: ALL_KEYS, ...options });
}

export type ReliabilityGateway = ReturnType<typeof createReliabilityGateway>;
