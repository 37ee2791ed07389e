/** API keys for the benchmarks, made by certgate's own keygen (src/auth/keygen.ts). */
import { createApiKey } from "../../src/auth/keygen";
import type { ApiKeyEntry } from "../../src/config/grants";
import { grantRules } from "../../src/config/load";
import { createRegistry } from "../../src/providers/registry";

export interface BenchKey {
  key: string;
  entry: ApiKeyEntry;
  headers: Record<string, string>;
}

export async function benchKey(
  name: string,
  scopes: string[],
  zones: string[] = ["*"],
  projects: string[] = ["*"],
): Promise<BenchKey> {
  const made = await createApiKey({ name, scopes, zones, projects }, grantRules(createRegistry()));
  if (!made.ok) throw new Error(`bench key ${name}: ${made.errors.join("; ")}`);
  return { key: made.key, entry: made.entry, headers: { authorization: `Bearer ${made.key}` } };
}

export const apiKeysJson = (...keys: BenchKey[]) => JSON.stringify(keys.map((k) => k.entry));
