/**
 * /docs: a self-contained interactive page (no CDN assets, so it works offline and behind Access)
 * that reads /openapi.json, lists every operation with its parameters and body schema, and sends
 * requests with the key the user types (kept in the page only, never stored), or with the browser's
 * Cloudflare Access session when no key is typed.
 */

/**
 * What the page's Send button passes to `fetch`. The key goes in `Authorization: Bearer` only when one
 * was typed: an empty Bearer is a malformed key (401), which locked Access users out. Every write sends
 * `Content-Type: application/json`, body or not: an Access session is a cookie, and certgate accepts a
 * cookie-authenticated write only as JSON from its own origin (src/auth/csrf.ts; the browser adds
 * `Origin`). The page embeds this very function (its source), so the tests run what the browser runs.
 */
export function docsRequestInit(method: string, key: string, body: string | undefined) {
  const verb = method.toUpperCase();
  const headers: Record<string, string> = {};
  const typed = key.trim();
  if (typed !== "") headers.Authorization = `Bearer ${typed}`;
  if (body !== undefined || (verb !== "GET" && verb !== "HEAD")) headers["Content-Type"] = "application/json";
  return { method: verb, headers, body, credentials: "same-origin" as const };
}

export const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>certgate API</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:14px 24px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0}header input{flex:1;min-width:260px;padding:6px 8px;border-radius:4px;border:0}
main{max-width:1100px;margin:0 auto;padding:16px 24px}
details{background:#fff;border:1px solid #d9dde5;border-radius:6px;margin:8px 0}
summary{cursor:pointer;padding:10px 12px;display:flex;gap:10px;align-items:center}
.m{font-weight:700;text-transform:uppercase;width:64px;text-align:center;border-radius:4px;padding:2px 0;color:#fff}
.get{background:#2f7d32}.post{background:#1565c0}.patch{background:#8e24aa}.delete{background:#c62828}
.body{padding:0 12px 12px}label{display:block;margin:6px 0 2px;font-weight:600}
input.p,textarea{width:100%;box-sizing:border-box;font:13px ui-monospace,monospace;padding:6px;border:1px solid #c7ccd6;border-radius:4px}
textarea{min-height:120px}button{margin-top:8px;padding:6px 14px;border:0;border-radius:4px;background:#1d2330;color:#fff;cursor:pointer}
pre{background:#0f1420;color:#d8dee9;padding:10px;border-radius:4px;overflow:auto;max-height:420px}
small{color:#5b6475}
</style></head>
<body><header><h1>certgate API</h1><input id="key" type="password" placeholder="API key (cg_...); leave empty to use your Cloudflare Access session" autocomplete="off">
<a href="/openapi.json" style="color:#9ecbff">openapi.json</a></header>
<main id="ops"><p>Loading /openapi.json ...</p></main>
<script>
${docsRequestInit.toString()}
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const resolve = (doc, s) => (s && s.$ref ? doc.components.schemas[s.$ref.split("/").pop()] : s);
function example(doc, s, depth) {
  s = resolve(doc, s) || {};
  if (depth > 4) return null;
  if (s.default !== undefined) return s.default;
  if (s.examples) return s.examples[0];
  if (s.example !== undefined) return s.example;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.oneOf || s.anyOf) return example(doc, (s.oneOf || s.anyOf)[0], depth + 1);
  if (s.type === "object" || s.properties) {
    const o = {};
    for (const [k, v] of Object.entries(s.properties || {})) if ((s.required || []).includes(k)) o[k] = example(doc, v, depth + 1);
    return o;
  }
  if (s.type === "array") return [example(doc, s.items, depth + 1)];
  if (s.type === "integer" || s.type === "number") return s.minimum ?? 0;
  if (s.type === "boolean") return false;
  return "";
}
async function main() {
  const doc = await (await fetch("/openapi.json")).json();
  const root = document.getElementById("ops");
  root.innerHTML = "<p>" + esc(doc.info.description) + "</p>";
  for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) {
    const d = document.createElement("details");
    const params = (op.parameters || []).map((p) => '<label>' + esc(p.name) + ' <small>' + esc(p.in) + (p.required ? ", required" : "") + '</small></label><input class="p" data-in="' + esc(p.in) + '" data-name="' + esc(p.name) + '">').join("");
    const body = op.requestBody ? '<label>JSON body</label><textarea>' + esc(JSON.stringify(example(doc, op.requestBody.content["application/json"].schema, 0), null, 2)) + "</textarea>" : "";
    d.innerHTML = '<summary><span class="m ' + method + '">' + method + "</span><code>" + esc(path) + "</code><span>" + esc(op.summary) + '</span></summary><div class="body"><small>' + esc(op.description || "") + "</small>" + params + body + '<button>Send</button><pre hidden></pre></div>';
    d.querySelector("button").onclick = async () => {
      let url = path; const q = new URLSearchParams();
      for (const input of d.querySelectorAll("input.p")) {
        if (!input.value) continue;
        if (input.dataset.in === "path") url = url.replace("{" + input.dataset.name + "}", encodeURIComponent(input.value));
        else q.set(input.dataset.name, input.value);
      }
      const ta = d.querySelector("textarea");
      const res = await fetch(url + (q.size ? "?" + q : ""), docsRequestInit(method, document.getElementById("key").value, ta ? ta.value : undefined));
      const out = d.querySelector("pre"); out.hidden = false;
      out.textContent = res.status + " " + res.statusText + "  X-Cache: " + (res.headers.get("x-cache") || "-") + "\\n\\n" + JSON.stringify(await res.json().catch(() => null), null, 2);
    };
    root.appendChild(d);
  }
}
main().catch((e) => { document.getElementById("ops").textContent = "Could not load /openapi.json: " + e; });
</script></body></html>`;
