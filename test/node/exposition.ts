/**
 * A reader for the Prometheus text exposition format 0.0.4, enough for tests to ask what a /metrics body
 * says: which families (HELP, TYPE), which samples with which labels and values. promtool (promtool.ts)
 * is the judge of validity; this only reads, and throws on a line it cannot read.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  help: string | null;
  type: string | null;
}

export interface Exposition {
  families: Map<string, Family>;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Label values escape `\\`, `\"` and `\n`; HELP text only `\\` and `\n`. */
function unescapeText(value: string, escapable: RegExp): string {
  return value.replace(escapable, (_m, c: string) => (c === "n" ? "\n" : c));
}
const LABEL_ESCAPES = /\\(["\\n])/g;
const HELP_ESCAPES = /\\([\\n])/g;

function parseLabels(text: string, line: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let rest = text.slice(1);
  for (;;) {
    rest = rest.trimStart();
    if (rest.startsWith("}")) return { labels, rest: rest.slice(1) };
    const name = LABEL_NAME.exec(rest)?.[0];
    if (name === undefined) throw new Error(`bad label name in: ${line}`);
    rest = rest.slice(name.length).trimStart();
    const value = /^="((?:[^"\\]|\\.)*)"/.exec(rest);
    if (value === null || value[1] === undefined) throw new Error(`bad label value in: ${line}`);
    if (name in labels) throw new Error(`label ${name} twice in: ${line}`);
    labels[name] = unescapeText(value[1], LABEL_ESCAPES);
    rest = rest.slice(value[0].length).trimStart();
    if (rest.startsWith(",")) rest = rest.slice(1);
  }
}

function parseValue(text: string, line: string): number {
  const token = text.trim().split(/\s+/)[0] ?? "";
  if (token === "+Inf") return Number.POSITIVE_INFINITY;
  if (token === "-Inf") return Number.NEGATIVE_INFINITY;
  if (token === "NaN") return Number.NaN;
  const value = Number(token);
  if (token === "" || Number.isNaN(value)) throw new Error(`bad value in: ${line}`);
  return value;
}

function family(families: Map<string, Family>, name: string): Family {
  const existing = families.get(name);
  if (existing) return existing;
  const created: Family = { help: null, type: null };
  families.set(name, created);
  return created;
}

export function parseExposition(text: string): Exposition {
  const families = new Map<string, Family>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const meta = /^#\s+(HELP|TYPE)\s+(\S+)\s?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name = "", rest = ""] = meta;
      if (kind === "HELP") family(families, name).help = unescapeText(rest, HELP_ESCAPES);
      else family(families, name).type = rest.trim();
      continue;
    }
    if (line.startsWith("#")) continue;
    const name = NAME.exec(line)?.[0];
    if (name === undefined) throw new Error(`bad metric name in: ${line}`);
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, line));
    samples.push({ name, labels, value: parseValue(rest, line) });
  }
  return { families, samples };
}
