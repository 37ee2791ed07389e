/**
 * Reading a request's input: its query as a plain object, and a JSON body with the size and
 * content-type rules every route that takes a body shares (route declarations say whether a body may be
 * empty; http/route.ts).
 */
import type { Context } from "hono";
import type { AppEnv } from "../context";
import { AppError } from "../errors";
import { readBodyBytes } from "../read-body";
import { secretsInBody } from "../redact";

/** Query parameters as a plain object (first value wins; repeated keys are not part of any certgate API). */
export function queryOf(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URL(c.req.url).searchParams) if (!(k in out)) out[k] = v;
  return out;
}

/**
 * Reads a JSON body: 415 unless `application/json`, 413 above `maxBytes` (declared or actual),
 * 400 when it does not parse. An empty body reads as `{}` when `allowEmpty`. The secrets the body
 * carries (a private key, any sensitive field) join this request's redaction set before anything
 * else sees them, so its log lines and error messages never show them, even echoed by an upstream.
 */
export async function readJson(c: Context<AppEnv>, maxBytes: number, allowEmpty = false): Promise<unknown> {
  const raw = await readBodyText(c, maxBytes);
  if (raw.trim() === "") {
    if (allowEmpty) return {};
    throw new AppError("bad_request", "A JSON body is required");
  }
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "Content-Type must be application/json");
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new AppError("bad_request", "Body is not valid JSON");
  }
  joinRequestSecrets(c, body);
  return body;
}

/**
 * The body as UTF-8 text, read once per request within `maxBytes` (413 above it, declared or actual)
 * and kept on the context: the idempotency fingerprint and the JSON parse read the same bytes.
 */
export async function readBodyText(c: Context<AppEnv>, maxBytes: number): Promise<string> {
  const kept = c.get("bodyText");
  if (kept !== undefined) return kept;
  const declared = c.req.header("content-length");
  if (declared && Number(declared) > maxBytes) {
    throw new AppError("payload_too_large", `Body larger than ${maxBytes} bytes`);
  }
  const raw = c.req.raw.body ? await readLimited(c.req.raw, maxBytes) : "";
  c.set("bodyText", raw);
  return raw;
}

/**
 * The request's configuration with the body's secrets added to `secrets`: every logger, upstream call
 * and error handler of this request reads the redaction set from there (a copy; the isolate's stays).
 */
function joinRequestSecrets(c: Context<AppEnv>, body: unknown): void {
  const found = secretsInBody(body);
  const config = c.get("config");
  if (found.length > 0 && config) c.set("config", { ...config, secrets: [...config.secrets, ...found] });
}

async function readLimited(request: Request, maxBytes: number): Promise<string> {
  const all = await readBodyBytes(request, maxBytes, `Body larger than ${maxBytes} bytes`);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(all);
  } catch {
    throw new AppError("bad_request", "Body is not valid UTF-8");
  }
}
