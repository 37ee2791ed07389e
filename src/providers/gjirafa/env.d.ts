// Gjirafa's settings that wrangler.toml does not declare (secrets, and vars left unset), declared by
// interface merging so `Env` knows them (docs/configuration.md).
declare namespace Cloudflare {
  interface Env {
    GJIRAFA_BUDGET_PER_5MIN?: string;
    GJIRAFA_API_BASE?: string;
    GJIRAFA_AUTH_SCHEME?: string;
    UPSTREAM_GJIRAFA_KEY?: string;
  }
}
