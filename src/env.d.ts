// Secrets and optional vars are not in wrangler.toml, so `wrangler types` cannot see them: declared
// here by interface merging (docs/configuration.md). Each provider declares its own settings beside its
// code (src/providers/<name>/env.d.ts).
declare namespace Cloudflare {
  interface Env {
    API_KEYS?: string;
    ACCESS_TEAM_DOMAIN?: string;
    ACCESS_AUD?: string;
    ACCESS_RULES?: string;
    UPSTREAM_TIMEOUT_MS?: string;
    UPSTREAM_DEADLINE_MS?: string;
    UPSTREAM_MAX_RETRIES?: string;
    MAX_BODY_BYTES?: string;
    CACHE_FRESH_SECONDS?: string;
    CACHE_STALE_SECONDS?: string;
    CACHE_MIN_REFRESH_SECONDS?: string;
    KEY_UPSTREAM_PER_MINUTE?: string;
    MONITOR_RESERVE_PERCENT?: string;
    MONITOR_INTERVAL_MINUTES?: string;
    MONITOR_QUOTA_WARN_PERCENT?: string;
    MONITOR_STUCK_HOURS?: string;
    MONITOR_EXPIRY_DAYS?: string;
    MONITOR_POLICIES?: string;
    MONITOR_HEARTBEAT_URL?: string;
    MONITOR_REMEDIATE?: string;
    MONITOR_REMEDIATE_MAX_PER_DAY?: string;
    MONITOR_SUBREQUEST_BUDGET?: string;
    ALERT_WEBHOOK_URL?: string;
    ALERT_SLACK_WEBHOOK_URL?: string;
    IDEMPOTENCY_REQUIRED?: string;
    AUDIT_RETENTION_DAYS?: string;
    ROTATION_POLL_INITIAL_SECONDS?: string;
    ROTATION_POLL_MAX_SECONDS?: string;
    ROTATION_VALIDATION_TIMEOUT_HOURS?: string;
    METRICS_REFRESH_SECONDS?: string;
    STATUS_SESSION_HOURS?: string;
    STATUS_SESSION_SECRET?: string;
  }
}
