/**
 * One declaration per route: method, path, who may call it, the schemas of its input and answer, a
 * summary, and its handler, in one place. The router mounts the declarations (mount.ts), /openapi.json
 * documents them (openapi.ts) and the route-auth test walks them, so the three cannot drift.
 *
 * `route()` turns a declaration into a `Route` whose `handle` validates before the handler runs, in this
 * order: `before` (checks that come first, e.g. the API version a native door serves), path, query, body.
 * The handler receives validated input and never calls `validate()` itself. A body is JSON only, within
 * MAX_BODY_BYTES; it may be empty (read as `{}`) only where the declaration says so.
 */
import type { Context } from "hono";
import type * as z from "zod";
import type { BrowserCredential } from "../auth/browser-credentials";
import type { Permission } from "../config/grants";
import type { AppEnv } from "../context";
import { AppError } from "../errors";
import { type AuditTarget, noteTarget } from "../model/audit-notes";
import { validate } from "../validation";
import { queryOf, readJson } from "./body";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Who may call a route: holders of a permission, anyone (`public`: no credentials, no configuration
 * needed), or any authenticated caller (`authenticated`: only for answers that reveal nothing, e.g. 405).
 */
export type Access = Permission | "public" | "authenticated";

/**
 * How a write treats a repeated Idempotency-Key whose first attempt never finished (http/idempotency.ts):
 * - `creating`: an order, a create, an import, a rotation: running it twice could create twice, so an
 *   answer of unknown outcome is stored and replayed, and a first attempt that died is never retried;
 * - `repeatable`: a delete, an update, a validation request: safe to run again, so only an answer the
 *   upstream gave is stored, and a first attempt that died is taken over.
 */
export type IdempotencyKind = "creating" | "repeatable";

/** The answer's `result`, for /openapi.json (unified API routes only). */
export interface RouteDocs {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  result: z.ZodType;
  /** The answer carries `result_info` (paged). */
  list?: boolean;
  /** Served from the KV list cache (X-Cache, Age). */
  cached?: boolean;
  /** The success status when it is not 200 (202: the work goes on after the answer). */
  status?: 202;
  /** Takes an Idempotency-Key header (http/idempotency.ts). */
  idempotency?: IdempotencyKind;
}

export interface Route {
  readonly method: HttpMethod | "ALL";
  /** Hono's path form (`:param`). */
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
  /** Present for the routes /openapi.json documents. */
  readonly docs?: RouteDocs;
  /** The audit log's name for what the route does ("certificate.create"): every call is audited. */
  readonly audit?: string;
  /** Present for a write that takes an Idempotency-Key. */
  readonly idempotency?: IdempotencyKind;
  /**
   * Validates the request (`before`, path, query, body) and notes its audit target, once per request:
   * mounted ahead of the idempotency hook, so an invalid request never consumes a key, and a refusal
   * by the hook is audited with the scope it named. `handle` validates if this did not run.
   */
  prepare(c: Context<AppEnv>): Promise<void>;
  /** A browser credential this route accepts besides the API's (see Declaration). */
  readonly credentials?: BrowserCredential;
  handle(c: Context<AppEnv>): Promise<Response>;
}

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<P, Q, B> {
  params: Output<P>;
  query: Output<Q>;
  body: Output<B>;
}

export interface Declaration<P, Q, B> {
  method: HttpMethod;
  path: string;
  access: Exclude<Access, "authenticated">;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** An empty body reads as `{}` instead of a 400. */
  emptyBody?: "allowed";
  /** What a success answer's `result` is: documented in /openapi.json when given. */
  result?: z.ZodType;
  list?: boolean;
  cached?: boolean;
  /** The success status when it is not 200, for /openapi.json (the handler answers it). */
  status?: 202;
  /**
   * The audit hook: the action this route performs ("certificate.delete", "report.ack"). Every call
   * that got past authentication is recorded in the audit log, refused or not (http/audit.ts); a 401
   * to it is recorded too, at a bounded rate.
   */
  audit?: string;
  /** A write that takes an Idempotency-Key (http/idempotency.ts); needs `audit`. */
  idempotency?: IdempotencyKind;
  /**
   * What the audit record names before the handler runs (the scope, the certificate), from the
   * validated input: a replayed or refused write is recorded with them too. The service notes the
   * same (and what was created) as the handler runs.
   */
  auditTarget?(input: RouteInput<P, Q, B>, c: Context<AppEnv>): AuditTarget | undefined;
  /**
   * A browser credential the route accepts when no API key or Access token is presented
   * (auth/browser-credentials.ts): the status page's session cookie, or its sign-in form's key. Only the
   * status page's routes declare one; every other route takes the API's credentials alone.
   */
  credentials?: BrowserCredential;
  /** Checks that run before any input is validated. */
  before?(c: Context<AppEnv>): void;
  handler(input: RouteInput<P, Q, B>, c: Context<AppEnv>): Promise<Response> | Response;
}

/**
 * `data()` validated with `schema`, or undefined for an input the route does not declare. A declaration
 * that leaves a schema out has that type parameter at its default, `undefined`, so `Output<S>` is then
 * `undefined` too: what the overload promises is what the implementation returns.
 */
function parsed<S extends z.ZodType | undefined>(
  schema: S | undefined,
  data: () => unknown,
  where: "path" | "query" | "body",
): Output<S>;
function parsed(
  schema: z.ZodType | undefined,
  data: () => unknown,
  where: "path" | "query" | "body",
): unknown {
  return schema === undefined ? undefined : validate(schema, data(), where);
}

export function route<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(declaration: Declaration<P, Q, B>): Route {
  const { params, query, body } = declaration;
  if (declaration.idempotency !== undefined && declaration.audit === undefined) {
    throw new Error(
      `${declaration.method} ${declaration.path}: a write that takes an Idempotency-Key is audited`,
    );
  }
  // Per route and request: the validated input, so `prepare` and `handle` validate once.
  const inputs = new WeakMap<Context<AppEnv>, RouteInput<P, Q, B>>();
  async function inputOf(c: Context<AppEnv>): Promise<RouteInput<P, Q, B>> {
    const known = inputs.get(c);
    if (known) return known;
    declaration.before?.(c);
    const pathInput = parsed(params, () => c.req.param(), "path");
    const queryInput = parsed(query, () => queryOf(c), "query");
    const raw =
      body === undefined
        ? undefined
        : await readJson(c, c.get("config").maxBodyBytes, declaration.emptyBody === "allowed");
    const input: RouteInput<P, Q, B> = {
      params: pathInput,
      query: queryInput,
      body: parsed(body, () => raw, "body"),
    };
    inputs.set(c, input);
    const notes = c.get("auditNotes");
    if (notes && declaration.auditTarget) noteTarget(notes, declaration.auditTarget(input, c));
    return input;
  }

  return {
    method: declaration.method,
    path: declaration.path,
    access: declaration.access,
    summary: declaration.summary,
    audit: declaration.audit,
    idempotency: declaration.idempotency,
    ...(declaration.credentials ? { credentials: declaration.credentials } : {}),
    docs: declaration.result
      ? {
          params,
          query,
          body,
          result: declaration.result,
          list: declaration.list,
          cached: declaration.cached,
          status: declaration.status,
          idempotency: declaration.idempotency,
        }
      : undefined,
    prepare: async (c) => {
      await inputOf(c);
    },
    async handle(c) {
      return declaration.handler(await inputOf(c), c);
    },
  };
}

/**
 * A path that exists for some methods only, declared ahead of a parameter route it would otherwise match
 * (`/order` is not a pack id): 405 with `Allow` (RFC 9110 §15.5.6) for every other method.
 */
export function methodNotAllowed(path: string, allow: string, before?: (c: Context<AppEnv>) => void): Route {
  return {
    method: "ALL",
    path,
    access: "authenticated",
    summary: `Only ${allow}`,
    prepare: async () => {},
    async handle(c) {
      before?.(c);
      c.header("Allow", allow);
      throw new AppError("method_not_allowed", `${c.req.method} is not allowed here`);
    },
  };
}
