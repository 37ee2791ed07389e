/**
 * Checks a request certgate sent to Cloudflare against the published schema
 * (test/fixtures/cloudflare-schema/certificate-packs.openapi.json): path template, method, query
 * parameters (declared, typed, within bounds and enums), JSON body (required fields, enums, types, no
 * undeclared fields) and the auth headers of `security`. Returns the list of violations ("" when none).
 */

import type { RecordedCall } from "../../../sandbox/call-log";
import spec from "../../fixtures/cloudflare-schema/certificate-packs.openapi.json";

interface Schema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
}

const BASE_PATH = "/client/v4";

function resolve(schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  const schemas = spec.components.schemas as Record<string, Schema>;
  return resolve(schemas[name]);
}

function checkValue(value: unknown, raw: Schema, where: string, fromQuery: boolean): string[] {
  const schema = resolve(raw);
  const problems: string[] = [];
  let v = value;
  if (fromQuery && (schema.type === "number" || schema.type === "integer")) {
    if (typeof v !== "string" || !/^-?\d+(\.\d+)?$/.test(v))
      return [`${where}: ${String(v)} is not a number`];
    v = Number(v);
  }
  if (schema.enum && !schema.enum.includes(v))
    problems.push(`${where}: ${JSON.stringify(v)} not in ${JSON.stringify(schema.enum)}`);
  switch (schema.type) {
    case "string":
      if (typeof v !== "string") problems.push(`${where}: not a string`);
      else if (schema.maxLength !== undefined && v.length > schema.maxLength)
        problems.push(`${where}: longer than ${schema.maxLength}`);
      break;
    case "number":
    case "integer":
      if (typeof v !== "number" || (schema.type === "integer" && !Number.isInteger(v)))
        problems.push(`${where}: not a ${schema.type}`);
      else {
        if (schema.minimum !== undefined && v < schema.minimum)
          problems.push(`${where}: below ${schema.minimum}`);
        if (schema.maximum !== undefined && v > schema.maximum)
          problems.push(`${where}: above ${schema.maximum}`);
      }
      break;
    case "boolean":
      if (typeof v !== "boolean") problems.push(`${where}: not a boolean`);
      break;
    case "array":
      if (!Array.isArray(v)) problems.push(`${where}: not an array`);
      else {
        for (const [i, item] of v.entries()) {
          problems.push(...checkValue(item, schema.items ?? {}, `${where}[${i}]`, false));
        }
      }
      break;
    case "object": {
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        problems.push(`${where}: not an object`);
        break;
      }
      const record = v as Record<string, unknown>;
      for (const name of schema.required ?? [])
        if (!(name in record)) problems.push(`${where}.${name}: required`);
      for (const [name, fieldValue] of Object.entries(record)) {
        const field = schema.properties?.[name];
        if (!field) problems.push(`${where}.${name}: not in the schema`);
        else problems.push(...checkValue(fieldValue, field, `${where}.${name}`, false));
      }
      break;
    }
  }
  return problems;
}

function matchTemplate(template: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const pattern = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  const m = new RegExp(`^${pattern}$`).exec(path);
  if (!m) return null;
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    out[n] = decodeURIComponent(m[i + 1] ?? "");
  });
  return out;
}

export function specViolations(call: RecordedCall): string[] {
  if (!call.path.startsWith(BASE_PATH)) return [`path ${call.path} is not under ${BASE_PATH}`];
  const path = call.path.slice(BASE_PATH.length);
  const paths = spec.paths as Record<string, Record<string, Operation>>;
  // Literal segments (order, quota) win over {certificate_pack_id}, as in the real router.
  const templates = Object.keys(paths).sort(
    (a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0),
  );
  for (const template of templates) {
    const params = matchTemplate(template, path);
    if (!params) continue;
    const operation = paths[template]?.[call.method.toLowerCase()];
    if (!operation) return [`${call.method} ${template}: no such operation`];
    const problems: string[] = [];
    const declared = operation.parameters ?? [];
    for (const p of declared.filter((d) => d.in === "path")) {
      problems.push(...checkValue(params[p.name], p.schema, `path.${p.name}`, false));
    }
    const queryParams = declared.filter((d) => d.in === "query");
    for (const [name, value] of Object.entries(call.query)) {
      const p = queryParams.find((q) => q.name === name);
      if (!p) problems.push(`query.${name}: not declared`);
      else problems.push(...checkValue(value, p.schema, `query.${name}`, true));
    }
    const body = operation.requestBody;
    if (body?.required && call.body === null) problems.push("body: required");
    if (call.body !== null) {
      if (!body) problems.push("body: the operation takes none");
      else {
        const content = body.content?.["application/json"];
        if (!content) problems.push("body: not application/json");
        if (!(call.headers["content-type"] ?? "").startsWith("application/json"))
          problems.push("content-type: not JSON");
        if (content?.schema) problems.push(...checkValue(call.body, content.schema, "body", false));
      }
    }
    const bearer = /^Bearer \S+$/.test(call.headers.authorization ?? "");
    const globalKey = Boolean(call.headers["x-auth-email"] && call.headers["x-auth-key"]);
    if (!bearer && !globalKey) problems.push("auth: neither Bearer token nor X-Auth-Email + X-Auth-Key");
    return problems;
  }
  return [`${call.method} ${path}: no such path`];
}
