/**
 * An UpstreamContext for tests: the shared fixture config, injected deps, a deadline, and a fetch that
 * counts every request it sends on `meter` (retries included).
 */
import type { Config } from "../../src/config/load";
import { MONITOR_CALLER, upstreamContext } from "../../src/service/context";
import type { UpstreamContext } from "../../src/upstream/context";
import { testConfig } from "../helpers/config";
import { type TestDeps, testDeps } from "../helpers/deps";

export { testConfig } from "../helpers/config";

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
  const provider = config.providers[0];
  if (!provider) throw new Error("the test config configures no provider");
  const ctx = upstreamContext({ deps, config, requestId: "req-test" }, provider, MONITOR_CALLER);
  return {
    ...ctx,
    fetch: (input, init) => {
      meter.calls += 1;
      return deps.fetch(input, init);
    },
    deps,
    deadline: deps.now() + (options.deadlineMs ?? config.upstream.deadlineMs),
    meter,
  };
}
