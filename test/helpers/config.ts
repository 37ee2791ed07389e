/** The configuration tests run with: the shared fixture env, parsed as certgate parses it. */
import { type Config, parseConfig } from "../../src/config/load";
import { createRegistry } from "../../src/providers/registry";
import type { Registry } from "../../src/providers/types";
import { testEnv } from "./env";

/** Parses `env` with the registered providers (default: certgate's own). */
export function parseTestConfig(env: object, registry: Registry = createRegistry()) {
  return parseConfig(env, registry);
}

export function testConfig(
  overrides: Record<string, string | undefined> = {},
  registry: Registry = createRegistry(),
): Config {
  const parsed = parseConfig(testEnv(overrides), registry);
  if (!parsed.ok) throw new Error(`test config invalid: ${JSON.stringify(parsed.settings)}`);
  return parsed.config;
}
