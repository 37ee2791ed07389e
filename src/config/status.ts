/**
 * The read-only views, GET /metrics and GET /status (docs/metrics.md, docs/status-page.md): how often a
 * scrape re-reads KV, how long a status page session lasts and what signs its cookie. All optional:
 * without STATUS_SESSION_SECRET the signing secret is generated once and kept in the STATUS_SECRET_STORE
 * Durable Object (wrangler.toml), so a deployment needs no extra secret.
 */
import * as z from "zod";
import type { StatusSecretStore } from "../durable/status-secret-store";
import { int } from "./fields";

/** 32 characters at least: an HMAC-SHA256 key shorter than its output weakens it (RFC 2104 §3). */
const MIN_SECRET_LENGTH = 32;

const secretStore = z.custom<DurableObjectNamespace<StatusSecretStore>>(
  (v) => typeof v === "object" && v !== null && "idFromName" in v && "get" in v,
  "Durable Object namespace binding expected",
);

export const statusSettings = z
  .object({
    METRICS_REFRESH_SECONDS: int(60, 0, 900),
    STATUS_SESSION_HOURS: int(12, 1, 168),
    STATUS_SESSION_SECRET: z
      .string()
      .optional()
      .transform((s) => (s ? s : undefined))
      .refine((s) => s === undefined || s.length >= MIN_SECRET_LENGTH, {
        message: `must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32)`,
      }),
    STATUS_SECRET_STORE: secretStore.optional(),
  })
  .transform((p) => ({
    metrics: {
      /** A scrape reuses what this isolate read from KV less than this long ago (0: always reads). */
      refreshSeconds: p.METRICS_REFRESH_SECONDS,
    },
    status: {
      sessionHours: p.STATUS_SESSION_HOURS,
      /** The configured signing secret, or null: the generated one (secretStore) signs. */
      sessionSecret: p.STATUS_SESSION_SECRET ?? null,
      secretStore: p.STATUS_SECRET_STORE ?? null,
    },
  }));
export type StatusConfig = z.output<typeof statusSettings>;

export function statusSecrets(config: StatusConfig): string[] {
  return config.status.sessionSecret ? [config.status.sessionSecret] : [];
}
