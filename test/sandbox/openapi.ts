/**
 * Which part of Cloudflare's published schema (test/fixtures/cloudflare-schema/certificate-packs.openapi.json)
 * a simulator response must satisfy, and the check itself.
 *
 * One wrinkle of the published document: every "4XX" schema is `allOf: [<success wrapper>, <common failure>]`,
 * and the success wrapper pins `success` to `true` while the failure half pins it to `false`. No body can
 * satisfy both (cloudflare-openapi.test.ts proves it), so failures are checked against the failure half,
 * `tls-certificates-and-hostnames_api-response-common-failure`, the part that describes an error body.
 * Responses outside the document (unknown routes, 5xx) are checked against that same failure schema.
 */
import spec from "../fixtures/cloudflare-schema/certificate-packs.openapi.json";
import { type Schema, validate } from "./json-schema";

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function child(node: unknown, key: string): Schema | undefined {
  if (!isSchema(node)) return undefined;
  const value = node[key];
  return isSchema(value) ? value : undefined;
}

const parsed: unknown = spec;
if (!isSchema(parsed)) throw new Error("the OpenAPI document is not an object");
export const ROOT: Schema = parsed;

export const FAILURE_REF = "#/components/schemas/tls-certificates-and-hostnames_api-response-common-failure";
export const FAILURE_SCHEMA: Schema = { $ref: FAILURE_REF };

const PATHS = child(ROOT, "paths") ?? {};

/** Path templates, literal segments first so `/order` and `/quota` win over `/{certificate_pack_id}`. */
const TEMPLATES = Object.keys(PATHS)
  .map((template) => ({
    template,
    pattern: new RegExp(`${template.replace(/\{[^}]+\}/g, "[^/]+")}/?$`),
    params: (template.match(/\{/g) ?? []).length,
  }))
  .sort((a, b) => a.params - b.params);

export function operationFor(
  method: string,
  path: string,
): { template: string; operation: Schema } | undefined {
  for (const { template, pattern } of TEMPLATES) {
    if (!pattern.test(path)) continue;
    const operation = child(PATHS[template], method.toLowerCase());
    if (operation !== undefined) return { template, operation };
  }
  return undefined;
}

function jsonSchemaOf(response: Schema | undefined): Schema | undefined {
  return child(child(child(response, "content"), "application/json"), "schema");
}

/** A response schema exactly as published, e.g. ("/zones/{zone_id}/ssl/certificate_packs", "get", "4XX"). */
export function publishedSchema(template: string, method: string, status: string): Schema | undefined {
  return jsonSchemaOf(child(child(child(PATHS[template], method), "responses"), status));
}

/** The schema a response with `status` to `method path` must satisfy, and where it comes from. */
export function responseSchemaFor(
  method: string,
  path: string,
  status: number,
): { schema: Schema; source: string } {
  const op = operationFor(method, path);
  const responses = child(op?.operation, "responses");
  if (op === undefined || responses === undefined)
    return { schema: FAILURE_SCHEMA, source: "common failure" };
  if (status >= 200 && status < 300) {
    const schema = jsonSchemaOf(child(responses, String(status)));
    if (schema !== undefined) return { schema, source: `${method} ${op.template} ${status}` };
  }
  if (status >= 400 && status < 500) {
    const schema = jsonSchemaOf(child(responses, "4XX"));
    const parts = Array.isArray(schema?.allOf) ? schema.allOf.filter(isSchema) : [];
    const failure = parts.find((p) => p.$ref === FAILURE_REF);
    if (failure !== undefined)
      return { schema: failure, source: `${method} ${op.template} 4XX (failure half)` };
  }
  return { schema: FAILURE_SCHEMA, source: "common failure" };
}

/** Every violation of the published schema by one response body (empty when it conforms). */
export function checkCloudflareResponse(
  method: string,
  path: string,
  status: number,
  body: unknown,
): string[] {
  const { schema, source } = responseSchemaFor(method, path, status);
  return validate(schema, body, ROOT).map((v) => `${source}: ${v}`);
}

export { validate };
