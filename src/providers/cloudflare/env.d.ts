// Cloudflare's settings that wrangler.toml does not declare (secrets, and vars left unset), declared by
// interface merging so `Env` knows them (docs/configuration.md).
declare namespace Cloudflare {
  interface Env {
    CLOUDFLARE_BUDGET_PER_5MIN?: string;
    UPSTREAM_CLOUDFLARE_TOKEN?: string;
    UPSTREAM_CLOUDFLARE_EMAIL?: string;
    UPSTREAM_CLOUDFLARE_KEY?: string;
  }
}
