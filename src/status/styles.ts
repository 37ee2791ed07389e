/**
 * The status page's only stylesheet, inlined under the page's CSP nonce (no external asset, no inline
 * `style` attribute). Colours pass WCAG 2.2 AA contrast (4.5:1 for text) on their backgrounds; the layout
 * is one column on a phone and tables scroll sideways inside a focusable region.
 */
export const STATUS_CSS = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#4a5260;--line:#d0d5dd;--bg:#f5f6f8;--card:#fff;--link:#0b57d0}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--link)}
header.top{background:#1b1f24;color:#fff;padding:12px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between}
header.top h1{font-size:1.25rem;margin:0}
header.top p{margin:0;color:#e3e6ea}
header.top form{margin:0}
main{max-width:1100px;margin:0 auto;padding:16px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:16px 0}
h2{font-size:1.15rem;margin:0 0 8px}
h3{font-size:1rem;margin:16px 0 8px}
.banner{border-radius:8px;padding:12px 16px;margin:16px 0;font-weight:600}
.banner.stale{background:#fde7e9;border:2px solid #a4262c;color:#6e0b12}
.banner.ok{background:#e6f4ea;border:1px solid #1e6b34;color:#114022;font-weight:400}
.muted{color:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
form.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:end}
form.filters label{display:flex;flex-direction:column;font-weight:600;font-size:.9rem}
select,input,button{font:inherit}
select,input[type=password]{padding:6px 8px;border:1px solid #767f8c;border-radius:4px;background:#fff;color:var(--ink);min-width:10rem}
button{padding:6px 14px;border:1px solid #1b1f24;border-radius:4px;background:#1b1f24;color:#fff;cursor:pointer}
button.quiet{background:#fff;color:#1b1f24}
.table-wrap{overflow-x:auto}
section.scroll{overflow-x:auto;border:0;border-radius:0;padding:0;margin:0;background:none}
section.scroll:focus-visible{outline:2px solid var(--link);outline-offset:2px}
table{border-collapse:collapse;width:100%}
caption{text-align:left;color:var(--muted);padding:0 0 6px}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{font-size:.9rem;background:#eef0f3}
td.hosts{word-break:break-word;min-width:12rem}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:.85rem;font-weight:600;border:1px solid currentColor;white-space:nowrap}
.s-active{color:#114022;background:#e6f4ea}
.s-pending,.s-pending_validation,.s-staging{color:#5c3b00;background:#fff4d6}
.s-failed,.s-expired{color:#6e0b12;background:#fde7e9}
.s-deleting,.s-deleted,.s-inactive,.s-unknown{color:#3d434d;background:#eef0f3}
.sev-critical{color:#6e0b12;background:#fde7e9}
.sev-warning{color:#5c3b00;background:#fff4d6}
.left-critical{color:#8a0f18;font-weight:700}
.left-warning{color:#6b4500;font-weight:600}
.left-critical time,.left-warning time{font-weight:400}
.narrow{display:none}
ul.problems{list-style:none;margin:0;padding:0}
ul.problems>li{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:8px 0}
ul.problems p{margin:4px 0}
.quota{display:grid;grid-template-columns:minmax(10rem,max-content) minmax(8rem,1fr) max-content;gap:6px 12px;align-items:center}
.quota meter{width:100%;height:1.1rem}
.signin{max-width:28rem;margin:48px auto}
.signin form{display:flex;flex-direction:column;gap:8px}
.signin label{font-weight:600}
.error{background:#fde7e9;border:1px solid #a4262c;color:#6e0b12;border-radius:6px;padding:8px 12px}
footer{max-width:1100px;margin:0 auto;padding:8px 16px 32px;color:var(--muted);font-size:.9rem}
@media (max-width:640px){
  main{padding:8px}
  section{padding:10px 12px}
  dl.facts{grid-template-columns:1fr}
  dl.facts dd{margin-bottom:6px}
  .quota{grid-template-columns:1fr}
  th,td{padding:4px 6px}
  select{min-width:0;width:100%}
  form.filters label{flex:1 1 45%}
  .wide{display:none}
  .narrow{display:inline}
  td.hosts{min-width:0}
  .badge{white-space:normal}
}
`;
