import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Tests run inside workerd (the Workers runtime) with the bindings of wrangler.toml.
// Outbound network is closed: every upstream in a test is an injected fetch handler
// (the sandbox simulators), so an unmocked call fails fast instead of leaving the machine.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // Secrets are never in wrangler.toml; tests pass their own config explicitly.
        bindings: {},
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
