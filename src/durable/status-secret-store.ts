/**
 * StatusSecretStore: the status page's session signing secret, generated once and kept, for deployments
 * that set no STATUS_SESSION_SECRET (src/config/status.ts). A singleton (`idFromName(STATUS_SECRET_NAME)`).
 *
 * Guarantees: every caller, in every location, gets the same secret from the first call on: the first
 * `secret()` generates 32 random bytes and stores them in the same synchronous step that reads them, so
 * two first calls cannot both generate (a Durable Object runs one request at a time between `await`s).
To end every session at once, set STATUS_SESSION_SECRET (or change it): it takes precedence.
 *
 * Does not guarantee: secrecy from whoever can run code in this Worker or read its Durable Object storage
 * (the same people who can read its secrets).
 */
import { DurableObject } from "cloudflare:workers";
import * as z from "zod";
import { parseInput } from "./input";
import { applySchema, firstRow } from "./sql";

export const STATUS_SECRET_NAME = "status-session";

const SecretInputSchema = z.object({ now: z.number().int().nonnegative() });

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS secret (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     value TEXT NOT NULL,
     created_at INTEGER NOT NULL
   )`,
];

/** 32 random bytes, base64url without padding (43 characters). */
function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export class StatusSecretStore extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applySchema(ctx.storage.sql, SCHEMA);
  }

  /** The secret, generated on the first call (`now`: the caller's clock, recorded with it). */
  async secret(input: z.input<typeof SecretInputSchema>): Promise<string> {
    const { now } = parseInput(SecretInputSchema, input, "StatusSecretStore.secret");
    const sql = this.ctx.storage.sql;
    sql.exec(
      "INSERT INTO secret (id, value, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
      randomSecret(),
      now,
    );
    const row = firstRow<{ value: string }>(sql, "SELECT value FROM secret WHERE id = 1");
    if (!row) throw new Error("StatusSecretStore: the secret row is missing after its insert");
    return row.value;
  }
}
