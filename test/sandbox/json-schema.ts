/**
 * A small validator for the JSON-schema subset the Cloudflare OpenAPI 3.0 document uses: type (with
 * OpenAPI's `nullable`), properties, required, enum, items, allOf, anyOf, oneOf, $ref (local), maxLength,
 * minLength, minimum, maximum, uniqueItems and format date-time. No dependency (the repository adds none for
 * tests); it returns every violation with a JSON pointer so a failing test says where.
 */

export type Schema = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(expected: string, value: unknown): boolean {
  const actual = typeOf(value);
  if (expected === "number") return actual === "number" || actual === "integer";
  return expected === actual;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith("#/")) throw new Error(`only local $ref are supported: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) {
    if (!isObject(node)) throw new Error(`unresolvable $ref ${ref}`);
    node = node[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  if (!isObject(node)) throw new Error(`unresolvable $ref ${ref}`);
  return node;
}

export function validate(schema: Schema, value: unknown, root: Schema, path = ""): string[] {
  const at = path === "" ? "/" : path;
  if (typeof schema.$ref === "string") return validate(resolveRef(root, schema.$ref), value, root, path);
  const errors: string[] = [];

  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) if (isObject(part)) errors.push(...validate(part, value, root, path));
  }
  if (Array.isArray(schema.anyOf)) {
    const branches = schema.anyOf.filter(isObject);
    if (!branches.some((b) => validate(b, value, root, path).length === 0))
      errors.push(`${at}: matches no anyOf branch`);
  }
  if (Array.isArray(schema.oneOf)) {
    const passing = schema.oneOf.filter(isObject).filter((b) => validate(b, value, root, path).length === 0);
    if (passing.length !== 1) errors.push(`${at}: matches ${passing.length} oneOf branches, not 1`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => deepEqual(e, value))) {
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (value === null) {
    if (typeof schema.type === "string" && schema.nullable !== true)
      errors.push(`${at}: null but type ${schema.type}`);
    return errors;
  }
  if (typeof schema.type === "string" && !typeMatches(schema.type, value)) {
    errors.push(`${at}: expected ${schema.type}, got ${typeOf(value)}`);
    return errors;
  }
  if (typeof value === "string") {
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength) {
      errors.push(`${at}: longer than ${schema.maxLength}`);
    }
    if (typeof schema.minLength === "number" && value.length < schema.minLength) {
      errors.push(`${at}: shorter than ${schema.minLength}`);
    }
    if (schema.format === "date-time" && !DATE_TIME.test(value))
      errors.push(`${at}: not a date-time: ${value}`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum)
      errors.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum)
      errors.push(`${at}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (isObject(schema.items)) {
      const items = schema.items;
      value.forEach((item, i) => {
        errors.push(...validate(items, item, root, `${path}/${i}`));
      });
      if (items.uniqueItems === true || schema.uniqueItems === true) {
        const seen = new Set(value.map((v) => JSON.stringify(v)));
        if (seen.size !== value.length) errors.push(`${at}: items are not unique`);
      }
    }
    // The Cloudflare document puts `minLength` on the errors array (a length bound, seed 001).
    if (typeof schema.minLength === "number" && value.length < schema.minLength) {
      errors.push(`${at}: fewer than ${schema.minLength} items`);
    }
  }
  if (isObject(value)) {
    if (Array.isArray(schema.required)) {
      for (const key of schema.required) {
        if (typeof key === "string" && !(key in value)) errors.push(`${at}: missing required ${key}`);
      }
    }
    if (isObject(schema.properties)) {
      for (const [key, sub] of Object.entries(schema.properties)) {
        if (key in value && isObject(sub)) errors.push(...validate(sub, value[key], root, `${path}/${key}`));
      }
    }
  }
  return errors;
}
