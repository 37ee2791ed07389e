/**
 * An UpstreamContext for tests: the shared fixture config, injected deps, a deadline, and a fetch that
 * counts every request it sends on `meter` (retries included).
 */
import type { Config } from "../../src/config";
import { parseConfig } from "../../src/config";
import type { UpstreamContext } from "../../src/upstream/context";
import { type TestDeps, testDeps } from "../helpers/deps";
import { testEnv } from "../helpers/env";

export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  const parsed = parseConfig(testEnv(overrides) as unknown as Record<string, unknown>);
  if (!parsed.ok) throw new Error(`test config invalid: ${JSON.stringify(parsed.settings)}`);
  return parsed.config;
}

export interface TestUpstream extends UpstreamContext {
  deps: TestDeps;
  meter: { calls: number };
}

export function testUpstreamContext(
  options: {
    deps?: TestDeps;
    config?: Config;
    deadlineMs?: number;
    env?: Record<string, string | undefined>;
  } = {},
): TestUpstream {
  const deps = options.deps ?? testDeps();
  const config = options.config ?? testConfig(options.env);
  const meter = { calls: 0 };
  return {
    fetch: (input, init) => {
      meter.calls += 1;
      return deps.fetch(input, init);
    },
    deps,
    config,
    requestId: "req-test",
    deadline: deps.now() + (options.deadlineMs ?? config.upstream.deadlineMs),
    meter,
  };
}
