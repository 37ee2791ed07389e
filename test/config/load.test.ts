/**
 * The configuration by slices (src/config/): each slice reports its own settings by name, every slice's
 * problems come back together, each provider's slice comes from its module, and secrets are collected
 * from every slice for redaction.
 */
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { parseConfig } from "../../src/config/load";
import { gjirafa } from "../../src/providers/gjirafa";
import { defineProvider } from "../../src/providers/module";
import { createRegistry, PROVIDERS } from "../../src/providers/registry";
import { testEnv } from "../helpers/env";
import { UPSTREAM_CLOUDFLARE_TOKEN, UPSTREAM_GJIRAFA_KEY } from "../helpers/ids";

const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";

const problems = (overrides: Record<string, string | undefined>, registry = createRegistry()) => {
  const result = parseConfig(testEnv(overrides), registry);
  return result.ok ? [] : result.settings.map((s) => s.name).sort();
};

describe("configuration by slices", () => {
  it("reports the problems of every slice together, by setting name", () => {
    expect(
      problems({
        UPSTREAM_TIMEOUT_MS: "5",
        CACHE_FRESH_SECONDS: "100",
        CACHE_STALE_SECONDS: "10",
        MONITOR_EXPIRY_DAYS: "0",
        API_KEYS: "not json",
        UPSTREAM_CLOUDFLARE_TOKEN: undefined,
        UPSTREAM_GJIRAFA_KEY: undefined,
      }),
    ).toEqual([
      "API_KEYS",
      "CACHE_STALE_SECONDS",
      "MONITOR_EXPIRY_DAYS",
      "UPSTREAM_CLOUDFLARE_TOKEN",
      "UPSTREAM_GJIRAFA_KEY",
      "UPSTREAM_TIMEOUT_MS",
    ]);
  });

  it("derives Config from the slices: core, cache, budget, monitor, grants and the configured providers", () => {
    const result = parseConfig(
      testEnv({ ALERT_WEBHOOK_URL: "https://hooks.example.test/secret-path-0123" }),
      createRegistry(),
    );
    if (!result.ok) throw new Error("the fixture env is valid");
    const { config } = result;
    expect(config.upstream).toEqual({ timeoutMs: 10_000, deadlineMs: 25_000, maxRetries: 2 });
    expect(config.cacheWindows).toEqual({ freshSeconds: 60, staleSeconds: 3_600, minRefreshSeconds: 5 });
    expect(config.budget).toEqual({ namespace: null, keyPerMinute: 60, monitorReservePercent: 20 });
    // Unset: lifetime-relative expiry; the ladder only when a deployment sets MONITOR_EXPIRY_DAYS.
    expect(config.monitor.expiryDays).toBeNull();
    const ladder = parseConfig(testEnv({ MONITOR_EXPIRY_DAYS: "7, 30,14" }), createRegistry());
    expect(ladder.ok && ladder.config.monitor.expiryDays).toEqual([30, 14, 7]);
    expect(config.apiKeys.length).toBeGreaterThan(0);
    expect(config.providers.map((p) => p.descriptor.name)).toEqual(["cloudflare", "gjirafa"]);
    expect(config.secrets).toEqual(
      expect.arrayContaining([
        UPSTREAM_CLOUDFLARE_TOKEN,
        UPSTREAM_GJIRAFA_KEY,
        "https://hooks.example.test/secret-path-0123",
      ]),
    );
  });

  it("a provider's settings come from its own slice: registered, it is configured; its problems are named", () => {
    const extra = defineProvider({
      ...gjirafa.descriptor,
      name: "extra",
      native: undefined,
      settings: z
        .object({
          EXTRA_SPACES: z
            .string()
            .regex(/^[a-z,]*$/, "must be lowercase names")
            .default(""),
        })
        .transform((p) => p.EXTRA_SPACES.split(",").filter(Boolean)),
      configure: () => null,
      secrets: () => [],
    });
    const registry = createRegistry([...PROVIDERS, extra]);
    expect(problems({ EXTRA_SPACES: "Not-Valid" }, registry)).toEqual(["EXTRA_SPACES"]);
    expect(problems({ EXTRA_SPACES: "a,b" }, registry)).toEqual([]);
    // Without the provider registered, its setting is nobody's: ignored like any unknown var.
    expect(problems({ EXTRA_SPACES: "Not-Valid" })).toEqual([]);
  });

  it("grants accept the zone and project ids of the registered providers only", () => {
    const entry = (zones: string[], projects: string[]) =>
      JSON.stringify([{ name: "k", sha256: "a".repeat(64), scopes: ["admin"], zones, projects }]);
    expect(problems({ API_KEYS: entry(["*"], ["*"]) })).toEqual([]);
    expect(problems({ API_KEYS: entry(["not-a-zone"], []) })).toEqual(["API_KEYS"]);
    expect(problems({ API_KEYS: entry([], ["space-alpha"]) })).toEqual(["API_KEYS"]);
  });

  it("MONITOR_POLICIES is validated at start: the setting, the path and the rule, never the value", () => {
    const secretish = "https://wiki.example.com/?token=CANARY-51f0";
    const issues = (policies: unknown) => {
      const result = parseConfig(testEnv({ MONITOR_POLICIES: JSON.stringify(policies) }), createRegistry());
      return result.ok ? [] : result.settings;
    };
    const runbook = issues({ default: { runbook: secretish.replace("https", "http") } });
    expect(runbook).toEqual([{ name: "MONITOR_POLICIES", message: "default.runbook: must be an https URL" }]);
    expect(JSON.stringify(runbook)).not.toContain("CANARY");
    expect(issues({ zones: { [ZONE]: { thresholds: { renewal_window_share: 0.05 } } } })).toEqual([
      {
        name: "MONITOR_POLICIES",
        message: `zones.${ZONE}.thresholds.renewal_window_share: the critical floor share must be less than the renewal window share (after merging with the default)`,
      },
    ]);
    expect(problems({ MONITOR_POLICIES: "{not json" })).toEqual(["MONITOR_POLICIES"]);
    const ok = parseConfig(
      testEnv({ MONITOR_POLICIES: JSON.stringify({ zones: { [ZONE.toUpperCase()]: { owner: "web" } } }) }),
      createRegistry(),
    );
    expect(ok.ok && ok.config.monitor.policies.zones).toEqual({ [ZONE]: { owner: "web" } });
  });

  it("MONITOR_HEARTBEAT_URL: https (http on loopback only), kept exactly as given, redacted as a secret", () => {
    expect(problems({ MONITOR_HEARTBEAT_URL: "http://hc-ping.com/uuid" })).toEqual(["MONITOR_HEARTBEAT_URL"]);
    expect(problems({ MONITOR_HEARTBEAT_URL: "hc-ping.com/uuid" })).toEqual(["MONITOR_HEARTBEAT_URL"]);
    const url = "https://hc-ping.com/ping-key/certgate-monitor/";
    const result = parseConfig(testEnv({ MONITOR_HEARTBEAT_URL: url }), createRegistry());
    if (!result.ok) throw new Error("valid");
    expect(result.config.monitor.heartbeatUrl).toBe(url);
    expect(result.config.secrets).toContain(url);
    expect(problems({ MONITOR_HEARTBEAT_URL: "http://127.0.0.1:8788/ping" })).toEqual([]);
  });

  it("the budget settings: defaults, `none`, bounds, each problem named", () => {
    const parsed = (overrides: Record<string, string | undefined>) => {
      const result = parseConfig(testEnv(overrides), createRegistry());
      if (!result.ok) throw new Error(JSON.stringify(result.settings));
      const limit = (name: string) =>
        result.config.providers.find((p) => p.descriptor.name === name)?.budget.limitPer5Min;
      return {
        cloudflare: limit("cloudflare"),
        gjirafa: limit("gjirafa"),
        budget: result.config.budget,
        minRefresh: result.config.cacheWindows.minRefreshSeconds,
      };
    };
    expect(parsed({})).toEqual({
      cloudflare: 960,
      gjirafa: null,
      budget: { namespace: null, keyPerMinute: 60, monitorReservePercent: 20 },
      minRefresh: 5,
    });
    expect(
      parsed({
        CLOUDFLARE_BUDGET_PER_5MIN: "none",
        GJIRAFA_BUDGET_PER_5MIN: "300",
        KEY_UPSTREAM_PER_MINUTE: "0",
        MONITOR_RESERVE_PERCENT: "100",
        CACHE_MIN_REFRESH_SECONDS: "0",
      }),
    ).toEqual({
      cloudflare: null,
      gjirafa: 300,
      budget: { namespace: null, keyPerMinute: 0, monitorReservePercent: 100 },
      minRefresh: 0,
    });
    expect(
      problems({
        CLOUDFLARE_BUDGET_PER_5MIN: "lots",
        GJIRAFA_BUDGET_PER_5MIN: "-1",
        KEY_UPSTREAM_PER_MINUTE: "1.5",
        MONITOR_RESERVE_PERCENT: "101",
        CACHE_MIN_REFRESH_SECONDS: "-1",
      }),
    ).toEqual([
      "CACHE_MIN_REFRESH_SECONDS",
      "CLOUDFLARE_BUDGET_PER_5MIN",
      "GJIRAFA_BUDGET_PER_5MIN",
      "KEY_UPSTREAM_PER_MINUTE",
      "MONITOR_RESERVE_PERCENT",
    ]);
    // A binding that is not a Durable Object namespace is refused by name.
    const notABinding = parseConfig({ ...testEnv(), UPSTREAM_BUDGET: "x" }, createRegistry());
    expect(notABinding.ok ? [] : notABinding.settings.map((s) => s.name)).toEqual(["UPSTREAM_BUDGET"]);
  });

  it("an API key may carry its own upstream_per_minute (a whole number)", () => {
    const entry = (extra: Record<string, unknown>) =>
      JSON.stringify([{ name: "k", sha256: "a".repeat(64), scopes: ["admin"], ...extra }]);
    expect(problems({ API_KEYS: entry({ upstream_per_minute: 5 }) })).toEqual([]);
    expect(problems({ API_KEYS: entry({ upstream_per_minute: -1 }) })).toEqual(["API_KEYS"]);
    expect(problems({ API_KEYS: entry({ upstream_per_minute: "5" }) })).toEqual(["API_KEYS"]);
  });

  it("a provider's budget object is named by a digest of its credential, never the credential", async () => {
    const result = parseConfig(testEnv(), createRegistry());
    if (!result.ok) throw new Error("the fixture env is valid");
    const names = await Promise.all(result.config.providers.map((p) => p.budget.objectName()));
    expect(names).toEqual([
      expect.stringMatching(/^cloudflare:[0-9a-f]{32}$/),
      expect.stringMatching(/^gjirafa:[0-9a-f]{32}$/),
    ]);
    for (const name of names) {
      expect(name).not.toContain(UPSTREAM_CLOUDFLARE_TOKEN);
      expect(name).not.toContain(UPSTREAM_GJIRAFA_KEY);
    }
    // Another token, another object: Cloudflare counts per token.
    const other = parseConfig(
      testEnv({ UPSTREAM_CLOUDFLARE_TOKEN: "another-token-0123456789" }),
      createRegistry(),
    );
    if (!other.ok) throw new Error("valid");
    expect(await other.config.providers[0]?.budget.objectName()).not.toBe(names[0]);
  });
});
