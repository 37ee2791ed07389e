/**
 * Reading TypeScript sources as text, for the architecture tests: the module specifiers a file imports
 * and the string literals it holds (comments and code left out). A small scanner, not a parser: it knows
 * comments, quotes, template literals and regular expression literals well enough for src/.
 */

export interface Scanned {
  /** Module specifiers of `import ... from "x"`, `export ... from "x"` and `import("x")`. */
  imports: string[];
  /** The text of every string literal and template literal (its literal parts). */
  strings: string[];
}

/** Characters after which a `/` starts a regular expression literal rather than a division. */
const REGEX_PREFIX = /[(,=:[!&|?{};+\-*%<>~^]|\breturn|\btypeof|\bcase|\bin|\bof/;

export function scanSource(text: string): Scanned {
  const strings: string[] = [];
  let code = "";
  let i = 0;
  const n = text.length;
  const readQuoted = (quote: string): string => {
    let out = "";
    i++;
    while (i < n && text[i] !== quote) {
      if (text[i] === "\\") {
        out += text.slice(i, i + 2);
        i += 2;
        continue;
      }
      out += text[i];
      i++;
    }
    i++;
    return out;
  };
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      while (i < n && text[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      const value = readQuoted(c);
      strings.push(value);
      code += `"${value}"`;
      continue;
    }
    if (c === "`") {
      let out = "";
      i++;
      let depth = 0;
      while (i < n) {
        const t = text[i];
        if (depth === 0 && t === "`") break;
        if (t === "\\") {
          out += text.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (depth === 0 && t === "$" && text[i + 1] === "{") {
          depth = 1;
          out += " ";
          i += 2;
          continue;
        }
        if (depth > 0) {
          if (t === "{") depth++;
          if (t === "}") depth--;
          i++;
          continue;
        }
        out += t;
        i++;
      }
      i++;
      strings.push(out);
      code += "``";
      continue;
    }
    if (c === "/" && REGEX_PREFIX.test(code.trimEnd().slice(-6) || "(")) {
      // A regular expression literal: skipped (its text is a pattern, not a value).
      i++;
      let inClass = false;
      while (i < n && text[i] !== "\n") {
        const t = text[i];
        if (t === "\\") {
          i += 2;
          continue;
        }
        if (t === "[") inClass = true;
        else if (t === "]") inClass = false;
        else if (t === "/" && !inClass) break;
        i++;
      }
      i++;
      code += "/re/";
      continue;
    }
    code += c;
    i++;
  }
  const imports: string[] = [];
  for (const m of code.matchAll(/\b(?:from|import)\s*\(?\s*"([^"]+)"/g)) if (m[1]) imports.push(m[1]);
  return { imports, strings };
}

/** `from` resolved against the importing file's path (both repository-relative, posix). */
export function resolveImport(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  const parts = file.split("/").slice(0, -1);
  for (const segment of specifier.split("/")) {
    if (segment === "..") parts.pop();
    else if (segment !== ".") parts.push(segment);
  }
  return parts.join("/");
}

/**
 * Whether a source file names provider `name` as a value: imports its folder, or holds a string literal
 * with the name as a word. "Cloudflare Access" is Cloudflare's identity product (the auth layer), not the
 * certificate provider, so that phrase does not count.
 */
export function namesProvider(file: string, text: string, name: string): boolean {
  const folder = `src/providers/${name}`;
  if (file.startsWith(`${folder}/`)) return false;
  const { imports, strings } = scanSource(text);
  if (imports.some((s) => resolveImport(file, s).startsWith(folder))) return true;
  const word = new RegExp(`\\b${name}\\b(?! Access)`, "i");
  // The Workers runtime's own modules ("cloudflare:workers", "cloudflare:test") name the platform, not a provider.
  const platform = new Set(imports.filter((s) => /^cloudflare:[a-z]/.test(s)));
  return strings.some((s) => !platform.has(s) && word.test(s));
}
