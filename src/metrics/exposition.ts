/**
 * Writing Prometheus' text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): a family is its
 * `# HELP` and `# TYPE` lines followed by its samples, each `name{label="value",...} value`. Label values
 * escape `\`, `"` and newline; HELP text escapes `\` and newline. Values are written as JavaScript numbers
 * (integers plainly), `+Inf`, `-Inf` and `NaN` as Prometheus spells them.
 */

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type Labels = ReadonlyArray<readonly [name: string, value: string]>;

const LABEL_ESCAPES = /[\\"\n]/g;
const HELP_ESCAPES = /[\\\n]/g;

const NEEDS_LABEL_ESCAPE = /[\\"\n]/;

const escapeWith = (text: string, pattern: RegExp) =>
  text.replace(pattern, (c) => (c === "\n" ? "\\n" : `\\${c}`));

/** `name="value"` pairs joined by commas, values escaped (the inside of a sample's braces). */
export function labelText(labels: Labels): string {
  let out = "";
  for (const [label, value] of labels) {
    const escaped = NEEDS_LABEL_ESCAPE.test(value) ? escapeWith(value, LABEL_ESCAPES) : value;
    out += `${out === "" ? "" : ","}${label}="${escaped}"`;
  }
  return out;
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** One sample line, with its newline. */
export function sample(name: string, labels: Labels, value: number): string {
  if (labels.length === 0) return `${name} ${formatValue(value)}\n`;
  return `${name}{${labelText(labels)}} ${formatValue(value)}\n`;
}

export interface FamilyHead {
  name: string;
  help: string;
  type: "gauge" | "counter";
}

/** A family's HELP and TYPE lines. */
export function head(family: FamilyHead): string {
  return `# HELP ${family.name} ${escapeWith(family.help, HELP_ESCAPES)}\n# TYPE ${family.name} ${family.type}\n`;
}
