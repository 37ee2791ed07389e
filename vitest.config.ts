import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { configDefaults, defineConfig } from "vitest/config";

// Two projects, one run, one summary (`npm test` = `vitest run`):
// - workers: tests run inside workerd (the Workers runtime) with the bindings of wrangler.toml.
//   Outbound network is closed: every upstream in a test is an injected fetch handler
//   (the sandbox simulators), so an unmocked call fails fast instead of leaving the machine.
// - node: tests that drive programs outside the Worker from Node (promtool, Chromium, the built bundle
//   under Miniflare) in test/node/. They run after the workers project (sequence.groupOrder), so
//   Chromium and workerd never compete for this machine's two cores.
export default defineConfig({
  test: {
    projects: [
      {
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
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/node/**"],
          testTimeout: 20_000,
          hookTimeout: 20_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          pool: "forks",
          // One build of dist/index.js for every file that serves it (test/node/global-setup.ts).
          globalSetup: ["test/node/global-setup.ts"],
          // A browser start or a bundle build takes seconds on a busy 2-core machine.
          testTimeout: 60_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
