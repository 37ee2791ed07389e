/**
 * `npm run keygen -- --name <name> --scopes <list> [--zones <list|*>] [--projects <list|*>]`
 * Prints a new API key (once: certgate stores only its digest) and the entry to add to API_KEYS.
 * The work is in src/auth/keygen.ts so the tests can run the same code inside workerd.
 */
import { createApiKey, KEYGEN_USAGE, parseKeygenArgs } from "../src/auth/keygen";
import { grantRules } from "../src/config/load";
import { createRegistry } from "../src/providers/registry";

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(KEYGEN_USAGE);
    return 0;
  }
  const args = parseKeygenArgs(argv);
  if (!args.ok) {
    console.error(`keygen: ${args.errors.join("; ")}\n${KEYGEN_USAGE}`);
    return 2;
  }
  const result = await createApiKey(args.input, grantRules(createRegistry()));
  if (!result.ok) {
    console.error(`keygen: invalid key entry:\n  ${result.errors.join("\n  ")}\n${KEYGEN_USAGE}`);
    return 2;
  }
  const { key, entry } = result;
  const lines = [
    `API key for "${entry.name}" (shown once; store it in your secret manager):`,
    "",
    `  ${key}`,
    "",
    "Add this entry to the API_KEYS JSON array:",
    "",
    `  ${JSON.stringify(entry)}`,
    "",
    "then upload the whole array: npx wrangler secret put API_KEYS   (paste the JSON array when asked)",
  ];
  const grantsResources = entry.scopes.some((s) => s.startsWith("certificates:"));
  if (
    grantsResources &&
    !entry.scopes.includes("admin") &&
    entry.zones.length + entry.projects.length === 0
  ) {
    lines.push(
      "",
      "note: no --zones or --projects given: this key can see no certificates (use '*' for all).",
    );
  }
  console.log(lines.join("\n"));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`keygen: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
