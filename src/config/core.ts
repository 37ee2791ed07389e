/**
 * The core of the configuration: the KV bindings, how certgate talks to upstreams (timeouts, retries)
 * and the size of request bodies it reads.
 */
import * as z from "zod";
import { int, kv } from "./fields";

export const coreSettings = z
  .object({
    CACHE: kv,
    STATE: kv,
    UPSTREAM_TIMEOUT_MS: int(10_000, 100, 60_000),
    UPSTREAM_DEADLINE_MS: int(25_000, 100, 120_000),
    UPSTREAM_MAX_RETRIES: int(2, 0, 5),
    MAX_BODY_BYTES: int(262_144, 1_024, 10_485_760),
  })
  .transform((p) => ({
    cache: p.CACHE,
    state: p.STATE,
    upstream: {
      timeoutMs: p.UPSTREAM_TIMEOUT_MS,
      deadlineMs: p.UPSTREAM_DEADLINE_MS,
      maxRetries: p.UPSTREAM_MAX_RETRIES,
    },
    maxBodyBytes: p.MAX_BODY_BYTES,
  }));
export type CoreConfig = z.output<typeof coreSettings>;
