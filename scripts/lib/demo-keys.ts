/**
 * The two API keys of the demo, made fresh on every `npm start` with the same code as
 * `npm run keygen` (src/auth/keygen.ts): an admin key and a read-only key over every zone/project.
 */

import { createApiKey, type KeygenInput } from "../../src/auth/keygen";
import type { ApiKeyEntry } from "../../src/config/grants";
import { grantRules } from "../../src/config/load";
import { createRegistry } from "../../src/providers/registry";

export interface DemoKey {
  key: string;
  entry: ApiKeyEntry;
}

export interface DemoKeys {
  admin: DemoKey;
  reader: DemoKey;
}

async function make(input: KeygenInput): Promise<DemoKey> {
  const result = await createApiKey(input, grantRules(createRegistry()));
  if (!result.ok) throw new Error(`demo key ${input.name}: ${result.errors.join("; ")}`);
  return { key: result.key, entry: result.entry };
}

export async function createDemoKeys(): Promise<DemoKeys> {
  return {
    admin: await make({ name: "demo-admin", scopes: ["admin"], zones: ["*"], projects: ["*"] }),
    reader: await make({
      name: "demo-reader",
      scopes: ["certificates:read", "reports:read"],
      zones: ["*"],
      projects: ["*"],
    }),
  };
}
