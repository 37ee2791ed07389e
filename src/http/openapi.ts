/**
 * OpenAPI 3.1 document of the unified API, generated from the route declarations that document
 * themselves (`docs`, http/route.ts) with zod's own JSON Schema output (JSON Schema 2020-12 is OpenAPI
 * 3.1's dialect): the router and the document read the same declarations, so they cannot drift. Built
 * once per isolate, on first request.
 */
import * as z from "zod";
import { ERROR_CODES } from "../errors";
import type { Route, RouteDocs } from "./route";

type JsonSchema = Record<string, unknown>;

function schemaOf(type: z.ZodType, io: "input" | "output", defs: Record<string, JsonSchema>): JsonSchema {
  const json = z.toJSONSchema(type, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  const { $schema: _ignored, $defs, ...rest } = json;
  // Named schemas that refer to other named schemas (Certificate -> IssuedCertificate) carry `$defs`
  // references too: every reference points into components.
  if ($defs && typeof $defs === "object") Object.assign(defs, toComponents($defs));
  return toComponents(rest) as JsonSchema;
}

function toComponents(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/'));
}

/**
 * A schema with an id (`.meta({ id })`, e.g. ListCertificatesQuery) comes out as a bare `$ref`; its
 * properties are what becomes parameters, so follow the reference into the collected definitions.
 */
function resolveRef(json: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  const ref = json.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/components/schemas/")) return json;
  return defs[ref.slice("#/components/schemas/".length)] ?? json;
}

/** A property that takes no value (a scope kind no provider has): not a parameter. */
function takesNoValue(prop: JsonSchema): boolean {
  const not = prop.not;
  return typeof not === "object" && not !== null && Object.keys(not).length === 0;
}

function parametersOf(docs: RouteDocs, defs: Record<string, JsonSchema>): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ["path", docs.params],
    ["query", docs.query],
  ] as const) {
    if (!schema) continue;
    const json = resolveRef(schemaOf(schema, "input", defs), defs) as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      if (takesNoValue(prop)) continue;
      out.push({
        name,
        in: where,
        required: where === "path" || (json.required ?? []).includes(name),
        schema: prop,
      });
    }
  }
  return out;
}

const errorEnvelope = (providers: readonly string[]) => ({
  type: "object",
  required: ["success", "errors", "messages", "result"],
  properties: {
    success: { const: false },
    errors: {
      type: "array",
      items: {
        type: "object",
        required: ["code", "message"],
        properties: {
          code: { type: "string", enum: [...ERROR_CODES] },
          message: { type: "string" },
          request_id: { type: "string" },
          provider: { type: "string", enum: providers },
          upstream_code: { type: ["integer", "string"] },
          retry_after: { type: "integer" },
          fields: { type: "array", items: { type: "object" } },
          run_id: { type: "string", description: "monitor_busy: the monitor run holding the lease" },
          documentation_url: { type: "string", description: "The upstream error's own documentation link" },
          source: {
            type: "object",
            properties: { pointer: { type: "string" } },
            description: "Where the upstream located its error in the request",
          },
        },
      },
    },
    messages: { type: "array", items: {} },
    result: { type: "null" },
  },
});

/** The OpenAPI path of a Hono path (`:id` -> `{id}`). */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

export function buildOpenApiDocument(
  routes: readonly Route[],
  providers: readonly string[],
  serverUrl?: string,
): Record<string, unknown> {
  const defs: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const op = r.docs;
    if (!op || r.method === "ALL" || r.access === "public" || r.access === "authenticated") continue;
    const result = schemaOf(op.result, "output", defs);
    const success = {
      type: "object",
      required: ["success", "errors", "messages", "result"],
      properties: {
        success: { const: true },
        errors: { type: "array", items: { type: "object" } },
        messages: {
          type: "array",
          items: { type: "string" },
          description:
            "Notes: what the upstream said beside its answer, items it sent that certgate could not use, stale copies served",
        },
        result,
        ...(op.list ? { result_info: { $ref: "#/components/schemas/ResultInfo" } } : {}),
      },
    };
    const parameters = parametersOf(op, defs);
    if (op.idempotency) {
      parameters.push({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description:
          "Sends the write once: a repeat with the same key and request gets the stored answer (Idempotent-Replayed: true); see docs/writes.md",
        schema: { type: "string", minLength: 1, maxLength: 255 },
      });
    }
    const notes = [
      op.cached ? " Served from the KV list cache (X-Cache, Age)." : "",
      r.audit ? ` Audited (\`${r.audit}\`).` : "",
    ].join("");
    const operation: Record<string, unknown> = {
      summary: r.summary,
      description: `Requires scope \`${r.access}\`.${notes}`,
      security: [{ bearer: [] }, { apiKey: [] }],
      parameters,
      responses: {
        [String(op.status ?? 200)]: {
          description: op.status === 202 ? "Accepted: the work goes on (see Location)" : "Success",
          content: { "application/json": { schema: success } },
        },
        default: {
          description: "Error (the one certgate envelope)",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    };
    if (op.body) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: schemaOf(op.body, "input", defs) } },
      };
    }
    const path = openApiPath(r.path);
    paths[path] = { ...(paths[path] ?? {}), [r.method.toLowerCase()]: operation };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "certgate",
      version: "1.0.0",
      description: `One front door for TLS certificates (providers: ${providers.join(", ")}). See README.md.`,
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "certgate API key (cg_...)" },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
      },
      schemas: {
        ...defs,
        Error: errorEnvelope(providers),
        ResultInfo: {
          type: "object",
          properties: {
            page: { type: "integer" },
            per_page: { type: "integer" },
            count: { type: "integer" },
            total_count: { type: "integer" },
            total_pages: { type: "integer" },
          },
        },
      },
    },
  };
}
