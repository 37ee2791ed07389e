/**
 * Making a certgate API key and its API_KEYS entry. Pure and runtime-agnostic
 * (`crypto.getRandomValues`, `crypto.subtle`), so `npm run keygen` (Node) and the tests (workerd)
 * run the same code. The entry is validated by config's own schema (with the registered providers'
 * zone and project id rules), so what keygen prints is exactly what certgate will accept.
 */
import { type ApiKeyEntry, apiKeyEntrySchema, type GrantRules } from "../config/grants";
import { API_KEY_PREFIX, sha256 } from "./api-keys";
import { encodeBase64Url, toHex } from "./encoding";

/** 32 random bytes = 256 bits of entropy (well above the 128 bits OWASP asks of session ids). */
const KEY_BYTES = 32;

export function generateApiKey(): string {
  const bytes = new Uint8Array(KEY_BYTES);
  crypto.getRandomValues(bytes);
  return `${API_KEY_PREFIX}${encodeBase64Url(bytes)}`;
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await sha256(text));
}

export interface KeygenInput {
  name: string;
  scopes: string[];
  zones: string[];
  projects: string[];
}

export type KeygenResult = { ok: true; key: string; entry: ApiKeyEntry } | { ok: false; errors: string[] };

/** A new key and its entry, or every problem with the input (named by field, as config reports it). */
export async function createApiKey(
  input: KeygenInput,
  rules: GrantRules,
  key: string = generateApiKey(),
): Promise<KeygenResult> {
  const parsed = apiKeyEntrySchema(rules).safeParse({ ...input, sha256: await sha256Hex(key) });
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`),
    };
  }
  return { ok: true, key, entry: parsed.data };
}

const list = (value: string) =>
  value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

export type ArgsResult = { ok: true; input: KeygenInput } | { ok: false; errors: string[] };

export const KEYGEN_USAGE =
  "usage: npm run keygen -- --name <name> --scopes <scope,...> [--zones <id,...|*>] [--projects <uuid,...|*>]\n" +
  "scopes: certificates:read, certificates:write, reports:read, admin";

/** Parses `--name x --scopes a,b [--zones ...] [--projects ...]` (also `--flag=value`). */
export function parseKeygenArgs(argv: readonly string[]): ArgsResult {
  const values = new Map<string, string>();
  const errors: string[] = [];
  const known = new Set(["name", "scopes", "zones", "projects"]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    const flag = match?.[1];
    if (!match || flag === undefined || !known.has(flag)) {
      errors.push(`unknown argument: ${arg}`);
      continue;
    }
    let value = match[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        errors.push(`--${flag} needs a value`);
        continue;
      }
      value = next;
      i++;
    }
    if (values.has(flag)) errors.push(`--${flag} given twice`);
    values.set(flag, value);
  }
  if (!values.has("name")) errors.push("--name is required");
  if (!values.has("scopes")) errors.push("--scopes is required");
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      name: values.get("name") ?? "",
      scopes: list(values.get("scopes") ?? ""),
      // Ids are case-insensitive hex; config accepts zone ids in lowercase only.
      zones: list((values.get("zones") ?? "").toLowerCase()),
      projects: list((values.get("projects") ?? "").toLowerCase()),
    },
  };
}
