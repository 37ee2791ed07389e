/**
 * Builds the Worker `env` for a test: the real KV and monitor Durable Object bindings of the test runtime plus vars and
 * secrets. Ids and keys here are the fixtures every test shares.
 */
import { env as runtimeEnv } from "cloudflare:test";
import {
  CLOUDFLARE_BASE,
  GJIRAFA_BASE,
  PROJECT_P,
  PROJECT_Q,
  UPSTREAM_CLOUDFLARE_TOKEN,
  UPSTREAM_GJIRAFA_KEY,
  ZONE_A,
  ZONE_B,
} from "./ids";
import { API_KEYS_JSON } from "./keys";

export * from "./ids";

export function testEnv(overrides: Record<string, string | undefined> = {}): Env {
  const vars: Record<string, string | undefined> = {
    CLOUDFLARE_API_BASE: CLOUDFLARE_BASE,
    CLOUDFLARE_ZONES: `${ZONE_A},${ZONE_B}`,
    GJIRAFA_API_BASE: GJIRAFA_BASE,
    GJIRAFA_API_VERSION: "v1",
    GJIRAFA_PROJECTS: `${PROJECT_P},${PROJECT_Q}`,
    UPSTREAM_CLOUDFLARE_TOKEN,
    UPSTREAM_GJIRAFA_KEY,
    API_KEYS: API_KEYS_JSON,
    ...overrides,
  };
  const env: Record<string, unknown> = {
    CACHE: runtimeEnv.CACHE,
    STATE: runtimeEnv.STATE,
    IDEMPOTENCY: runtimeEnv.IDEMPOTENCY,
    AUDIT_LOG: runtimeEnv.AUDIT_LOG,
    ROTATION_LEDGER: runtimeEnv.ROTATION_LEDGER,
    ROTATION: runtimeEnv.ROTATION,
    // The monitor's Durable Objects (one run at a time, acknowledgements), as wrangler.toml binds them.
    MONITOR_LEASE: runtimeEnv.MONITOR_LEASE,
    MONITOR_ACKS: runtimeEnv.MONITOR_ACKS,
    STATUS_SECRET_STORE: runtimeEnv.STATUS_SECRET_STORE,
  };
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) env[k] = v;
  return env as unknown as Env;
}
