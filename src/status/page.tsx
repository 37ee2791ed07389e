/**
 * The status page (GET /status) and its sign-in and error pages, rendered on the server with hono/jsx:
 * no script at all, one inline stylesheet under the response's CSP nonce (response.ts), every value
 * escaped by JSX. Headings, table captions and header cells, labelled form fields and meters, and a
 * `role="alert"` banner when the monitor's report is stale, for screen readers as much as for eyes.
 */

import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { Principal } from "../auth/principal";
import type { ViewCertificate } from "../inventory/certificate";
import type { Inventory, InventoryScope } from "../inventory/inventory";
import type { ViewProblem } from "../inventory/report";
import { NORMALIZED_STATUSES } from "../model/certificate";
import { SCOPE_KINDS } from "../model/scope";
import { isFiltered, type StatusFilter } from "./filters";
import { ago, plural, safeLink, sameWords, timeLeft, utc } from "./format";
import { STATUS_CSS } from "./styles";
import type { WarningWindow } from "./urgency";

export const SIGN_IN_PATH = "/status/sign-in";
export const SIGN_OUT_PATH = "/status/sign-out";

/** Days left at which a certificate is shown as critical (as the monitor's last default threshold). */
const CRITICAL_DAYS = 7;
const DAY_MS = 86_400_000;

const SCOPE_WORD = { zone: "Zone", project: "Project" } as const;

function Document(props: { title: string; nonce: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{props.title}</title>
        <style nonce={props.nonce}>{raw(STATUS_CSS)}</style>
      </head>
      <body>{props.children}</body>
    </html>
  );
}

/** A whole document as text, with the doctype JSX cannot express. */
export function documentHtml(page: Child): string {
  return `<!DOCTYPE html>${String(page)}`;
}

function words(text: string): string {
  return text.replace(/_/g, " ");
}

function StatusBadge(props: { status: string }) {
  return <span class={`badge s-${props.status}`}>{words(props.status)}</span>;
}

// --- sign-in and errors --------------------------------------------------------------------------------

export interface SignInProps {
  nonce: string;
  /** Why the form is shown again (a refused key, an ended session), or null on a first visit. */
  message: string | null;
  /** Cloudflare Access is configured: say that it signs in without a key. */
  access: boolean;
}

export function SignInPage(props: SignInProps) {
  return (
    <Document title="Sign in · certgate status" nonce={props.nonce}>
      <main class="signin">
        <h1>certgate status</h1>
        <p>Sign in with a certgate API key that can read reports (scope reports:read).</p>
        {props.message ? (
          <p class="error" role="alert">
            {props.message}
          </p>
        ) : null}
        <form method="post" action={SIGN_IN_PATH}>
          <label for="key">API key</label>
          <input
            id="key"
            name="key"
            type="password"
            autocomplete="off"
            spellcheck={false}
            required
            placeholder="cg_..."
          />
          <button type="submit">Sign in</button>
        </form>
        <p class="muted">
          {
            "The key is not stored: the session cookie carries the key's name and grants, signed, for a few hours."
          }
          {props.access ? " Opened through Cloudflare Access, this page needs no key." : ""}
        </p>
      </main>
    </Document>
  );
}

export function ErrorPage(props: { nonce: string; status: number; message: string }) {
  return (
    <Document title={`${props.status} · certgate status`} nonce={props.nonce}>
      <main class="signin">
        <h1>certgate status</h1>
        <p class="error" role="alert">
          {props.message}
        </p>
        <p>
          <a href="/status">Back to the status page</a>
        </p>
      </main>
    </Document>
  );
}

// --- the status page -----------------------------------------------------------------------------------

export interface StatusPageProps {
  nonce: string;
  now: number;
  /** Everything the viewer may see (the filter's choices come from it). */
  all: Inventory;
  /** What the filter leaves of it. */
  shown: Inventory;
  filter: StatusFilter;
  providers: ReadonlyArray<{ name: string; label: string }>;
  viewer: Pick<Principal, "name" | "via">;
  intervalMinutes: number;
  /** Days left at which a certificate turns into a warning (the monitor's first expiry threshold). */
  /** Time left under which a certificate is marked as a warning (status/urgency.ts). */
  warningWindow: WarningWindow;
}

function Header(props: { viewer: StatusPageProps["viewer"] }) {
  const how =
    props.viewer.via === "status_session"
      ? "signed in with an API key"
      : props.viewer.via === "access"
        ? "through Cloudflare Access"
        : "with an API key";
  return (
    <header class="top">
      <h1>certgate status</h1>
      <p>
        {props.viewer.name} ({how})
      </p>
      {props.viewer.via === "status_session" ? (
        <form method="post" action={SIGN_OUT_PATH}>
          <button type="submit" class="quiet">
            Sign out
          </button>
        </form>
      ) : null}
    </header>
  );
}

function StaleBanner(props: { inventory: Inventory; now: number; intervalMinutes: number }) {
  const { run, stale } = props.inventory;
  if (run === null) {
    return (
      <div class="banner stale" role="alert">
        The monitor has not completed a run yet: there is no report, so problems and quotas are unknown.
        {"Certificates below come from certgate's list cache where it has them."}
      </div>
    );
  }
  const finished = Date.parse(run.finished_at);
  if (stale) {
    return (
      <div class="banner stale" role="alert">
        {`Stale: the monitor's last run finished ${ago(finished, props.now)} (${utc(finished)}). It should run every ${plural(props.intervalMinutes, "minute")}: check its cron trigger and the Worker's logs. What follows may be out of date.`}
      </div>
    );
  }
  return (
    <p class="banner ok">
      The monitor last ran {ago(finished, props.now)} ({utc(finished)}).
    </p>
  );
}

function MonitorFacts(props: { inventory: Inventory; now: number }) {
  const { run, staleAfter, problems } = props.inventory;
  const critical = problems.filter((p) => p.severity === "critical").length;
  return (
    <section aria-labelledby="monitor-h">
      <h2 id="monitor-h">Monitor</h2>
      <dl class="facts">
        <dt>Last run</dt>
        <dd>
          {run
            ? `${utc(Date.parse(run.started_at))} to ${utc(Date.parse(run.finished_at))} (${run.trigger}, ${Math.round(run.duration_ms / 100) / 10} s)`
            : "never"}
        </dd>
        <dt>Stale after</dt>
        <dd>{staleAfter === null ? "no report yet" : utc(staleAfter)}</dd>
        <dt>Open problems</dt>
        <dd>
          {plural(critical, "critical problem")}, {plural(problems.length - critical, "warning")}
        </dd>
      </dl>
    </section>
  );
}

function Select(props: {
  name: string;
  label: string;
  value: string | undefined;
  choices: ReadonlyArray<{ value: string; text: string }>;
}) {
  const id = `f-${props.name}`;
  return (
    <label for={id}>
      {props.label}
      <select id={id} name={props.name}>
        <option value="">All</option>
        {props.choices.map((c) => (
          <option value={c.value} selected={c.value === props.value}>
            {c.text}
          </option>
        ))}
      </select>
    </label>
  );
}

function Filters(props: StatusPageProps) {
  const scopes = props.all.scopes;
  return (
    <form method="get" action="/status" class="filters" aria-label="Filter the page">
      <Select
        name="provider"
        label="Provider"
        value={props.filter.provider}
        choices={props.providers.map((p) => ({ value: p.name, text: p.label }))}
      />
      {SCOPE_KINDS.map((kind) => {
        const ofKind = scopes.filter((s) => s.scope.kind === kind);
        if (ofKind.length === 0) return null;
        return (
          <Select
            name={kind}
            label={SCOPE_WORD[kind]}
            value={props.filter[kind]}
            choices={ofKind.map((s) => ({ value: s.scope.id, text: `${s.scope.id} (${s.label})` }))}
          />
        );
      })}
      <Select
        name="status"
        label="Certificate status"
        value={props.filter.status}
        choices={NORMALIZED_STATUSES.map((s) => ({ value: s, text: words(s) }))}
      />
      <button type="submit">Apply</button>
      {isFiltered(props.filter) ? <a href="/status">Clear filters</a> : null}
    </form>
  );
}

function RecordsTable(props: { problem: ViewProblem }) {
  const records = props.problem.details.validation_records ?? [];
  if (records.length === 0) return null;
  return (
    <div class="table-wrap">
      <table>
        <caption>Publish these records to validate the certificate</caption>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr>
              <td>{r.kind.toUpperCase()}</td>
              <td>
                <code>{r.name ?? r.url ?? ""}</code>
              </td>
              <td>
                <code>{r.value ?? r.emails.join(", ")}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ProblemItem(props: { problem: ViewProblem; now: number; label: string }) {
  const p = props.problem;
  const runbook = safeLink(p.runbook);
  return (
    <li>
      <p>
        <span class={`badge sev-${p.severity}`}>{p.severity}</span> <strong>{words(p.kind)}</strong>:{" "}
        {p.message}
      </p>
      <dl class="facts">
        <dt>{SCOPE_WORD[p.scope.kind]}</dt>
        <dd>
          <code>{p.scope.id}</code> ({props.label})
        </dd>
        {p.certificate_id ? (
          <>
            <dt>Certificate</dt>
            <dd>
              <code>{p.certificate_id}</code>
            </dd>
          </>
        ) : null}
        {p.hosts.length > 0 ? (
          <>
            <dt>Hosts</dt>
            <dd>{p.hosts.join(", ")}</dd>
          </>
        ) : null}
        <dt>Since</dt>
        <dd>
          {utc(Date.parse(p.first_seen))} ({ago(Date.parse(p.first_seen), props.now)})
        </dd>
        {p.owner ? (
          <>
            <dt>Owner</dt>
            <dd>{p.owner}</dd>
          </>
        ) : null}
        {p.runbook ? (
          <>
            <dt>Runbook</dt>
            <dd>{runbook ? <a href={runbook}>{p.runbook}</a> : p.runbook}</dd>
          </>
        ) : null}
        {p.ack ? (
          <>
            <dt>Acknowledged</dt>
            <dd>
              by {p.ack.by} until {utc(Date.parse(p.ack.until))}: {p.ack.reason}
            </dd>
          </>
        ) : null}
      </dl>
      <RecordsTable problem={p} />
    </li>
  );
}

function Problems(props: { inventory: Inventory; now: number; providers: StatusPageProps["providers"] }) {
  const labelOf = (name: string) => props.providers.find((p) => p.name === name)?.label ?? name;
  const { problems } = props.inventory;
  return (
    <section aria-labelledby="problems-h">
      <h2 id="problems-h">Problems ({problems.length})</h2>
      {problems.length === 0 ? <p>No open problems in the last report.</p> : null}
      {(["critical", "warning"] as const).map((severity) => {
        const some = problems.filter((p) => p.severity === severity);
        if (some.length === 0) return null;
        return (
          <>
            <h3>
              {severity === "critical" ? "Critical" : "Warning"} ({some.length})
            </h3>
            <ul class="problems">
              {some.map((p) => (
                <ProblemItem problem={p} now={props.now} label={labelOf(p.provider)} />
              ))}
            </ul>
          </>
        );
      })}
    </section>
  );
}

interface Row {
  cert: ViewCertificate;
  scope: InventoryScope;
}

/** Soonest expiry first; unknown expiry last; then by id, so the order is stable. */
function byTimeLeft(a: Row, b: Row): number {
  const ea = a.cert.expiresMs ?? Number.POSITIVE_INFINITY;
  const eb = b.cert.expiresMs ?? Number.POSITIVE_INFINITY;
  if (ea !== eb) return ea < eb ? -1 : 1;
  return a.cert.id < b.cert.id ? -1 : a.cert.id > b.cert.id ? 1 : 0;
}

function Certificates(props: { inventory: Inventory; now: number; warningWindow: WarningWindow }) {
  const rows: Row[] = props.inventory.scopes
    .flatMap((scope) => scope.certificates.map((cert) => ({ cert, scope })))
    .sort(byTimeLeft);
  const urgency = (c: ViewCertificate) => {
    if (c.expiresMs === null) return "";
    const left = c.expiresMs - props.now;
    if (left < CRITICAL_DAYS * DAY_MS) return "left-critical";
    return left < props.warningWindow(c) ? "left-warning" : "";
  };
  return (
    <section aria-labelledby="certificates-h">
      <h2 id="certificates-h">Certificates ({rows.length})</h2>
      {rows.length === 0 ? (
        <p>No certificate to show.</p>
      ) : (
        <section class="scroll" aria-label="Certificates, by time left" tabindex={0}>
          <table>
            <caption>Sorted by time left, soonest expiry first</caption>
            <thead>
              <tr>
                <th scope="col">Time left</th>
                <th scope="col">Hosts</th>
                <th scope="col">Status</th>
                <th scope="col" class="wide">
                  Provider
                </th>
                <th scope="col" class="wide">
                  Zone or project
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ cert, scope }) => (
                <tr>
                  <td class={urgency(cert) || undefined}>
                    {timeLeft(cert.expiresMs, props.now) ?? "unknown"}
                    {cert.expiresMs !== null ? (
                      <>
                        <br />
                        <time class="muted" datetime={new Date(cert.expiresMs).toISOString()}>
                          {utc(cert.expiresMs)}
                        </time>
                      </>
                    ) : null}
                  </td>
                  <td class="hosts">
                    {cert.hosts.length > 0 ? cert.hosts.join(", ") : "(no host)"}
                    {/* On a phone the provider and zone columns fold in here. */}
                    <span class="narrow muted">
                      <br />
                      {scope.label} <code>{scope.scope.id}</code>
                    </span>
                  </td>
                  <td>
                    <StatusBadge status={cert.status} />
                    {cert.provider_status && !sameWords(cert.provider_status, cert.status) ? (
                      <>
                        <br />
                        <span class="muted">{cert.provider_status}</span>
                      </>
                    ) : null}
                  </td>
                  <td class="wide">{scope.label}</td>
                  <td class="wide">
                    <code>{scope.scope.id}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}

function Quotas(props: { inventory: Inventory }) {
  const withQuota = props.inventory.scopes.filter((s) => s.report?.quota);
  if (withQuota.length === 0) return null;
  return (
    <section aria-labelledby="quota-h">
      <h2 id="quota-h">Quota</h2>
      <div class="quota">
        {withQuota.map((s, i) => {
          const q = s.report?.quota;
          if (!q) return null;
          const id = `quota-${i}`;
          const percent = q.allocated > 0 ? Math.round((100 * q.used) / q.allocated) : 100;
          return (
            <>
              <label for={id}>
                {s.label} {SCOPE_WORD[s.scope.kind].toLowerCase()} <code>{s.scope.id}</code>
              </label>
              <meter
                id={id}
                min={0}
                max={Math.max(q.allocated, 1)}
                value={q.used}
                low={Math.floor(q.allocated * 0.8)}
                high={Math.max(q.allocated - 1, 0)}
                optimum={0}
              >
                {q.used} of {q.allocated}
              </meter>
              <span>
                {q.used} of {q.allocated} used ({percent} %)
              </span>
            </>
          );
        })}
      </div>
    </section>
  );
}

const SOURCE_TEXT = {
  cache: "certgate's list cache",
  memory: "this isolate's last list",
  monitor: "the monitor's last check",
  none: "nothing yet",
} as const;

function Scopes(props: { inventory: Inventory; now: number }) {
  const { scopes } = props.inventory;
  if (scopes.length === 0) {
    return (
      <section aria-labelledby="scopes-h">
        <h2 id="scopes-h">Zones and projects</h2>
        <p>Your key sees no zone or project here.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="scopes-h">
      <h2 id="scopes-h">Zones and projects ({scopes.length})</h2>
      <section class="scroll" aria-label="Zones and projects" tabindex={0}>
        <table>
          <caption>What the monitor last found, and where the certificates above come from</caption>
          <thead>
            <tr>
              <th scope="col">Zone or project</th>
              <th scope="col">Monitor</th>
              <th scope="col">Certificates from</th>
              <th scope="col">Owner</th>
            </tr>
          </thead>
          <tbody>
            {scopes.map((s) => {
              const r = s.report;
              const runbook = safeLink(r?.runbook);
              return (
                <tr>
                  <td>
                    {s.label} {SCOPE_WORD[s.scope.kind].toLowerCase()}
                    <br />
                    <code>{s.scope.id}</code>
                  </td>
                  <td>
                    {r === null
                      ? "not checked yet"
                      : r.last_checked_at
                        ? `checked ${ago(Date.parse(r.last_checked_at), props.now)}`
                        : "never read"}
                    {r?.error ? (
                      <>
                        <br />
                        <strong>
                          {r.error.code}: {r.error.message}
                        </strong>
                      </>
                    ) : null}
                  </td>
                  <td>
                    {SOURCE_TEXT[s.source]}
                    {s.asOf !== null ? `, ${ago(s.asOf, props.now)}` : ""}
                  </td>
                  <td>
                    {r?.owner ?? ""}
                    {r?.runbook ? (
                      <>
                        {r.owner ? <br /> : null}
                        {runbook ? <a href={runbook}>runbook</a> : r.runbook}
                      </>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </section>
  );
}

/** The sign-in page as a whole document. */
export function signInHtml(props: SignInProps): string {
  return documentHtml(<SignInPage {...props} />);
}

export function errorHtml(props: { nonce: string; status: number; message: string }): string {
  return documentHtml(<ErrorPage {...props} />);
}

export function statusHtml(props: StatusPageProps): string {
  return documentHtml(<StatusPage {...props} />);
}

export function StatusPage(props: StatusPageProps) {
  return (
    <Document title="certgate status" nonce={props.nonce}>
      <Header viewer={props.viewer} />
      <main>
        <StaleBanner inventory={props.all} now={props.now} intervalMinutes={props.intervalMinutes} />
        <MonitorFacts inventory={props.shown} now={props.now} />
        <section aria-labelledby="filters-h">
          <h2 id="filters-h">Filters</h2>
          <Filters {...props} />
        </section>
        <Problems inventory={props.shown} now={props.now} providers={props.providers} />
        <Certificates inventory={props.shown} now={props.now} warningWindow={props.warningWindow} />
        <Quotas inventory={props.shown} />
        <Scopes inventory={props.shown} now={props.now} />
      </main>
      <footer>
        Generated {utc(props.now)}. Prometheus scrapes the same figures at <code>/metrics</code>.
      </footer>
    </Document>
  );
}
