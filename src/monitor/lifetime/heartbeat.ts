/**
 * The heartbeat: after every run the monitor GETs MONITOR_HEARTBEAT_URL, so a cron that stopped firing is
 * noticed from outside certgate (a dead man's switch). When the run could not check some scope it signals
 * a failure instead, by the convention the common services share:
 * - healthchecks.io: "append /fail ... to your normal ping URL" (https://healthchecks.io/docs/signaling_failures/);
 * - Better Stack: "report a failure by appending /fail to the heartbeat URL"
 *   (https://betterstack.com/docs/uptime/cron-and-heartbeat-monitor/);
 * - Cronitor ping URLs (https://cronitor.link/<code>): the `/fail` endpoint (https://cronitor.io/docs/ping-api).
 *   Cronitor's Telemetry API URLs (https://cronitor.link/p/<api key>/<monitor>) take `?state=fail` instead
 *   (https://cronitor.io/docs/telemetry-api): a `/fail` segment there would name another monitor, so those
 *   get the query parameter.
 * `/fail` goes at the end of the PATH: a trailing slash is not doubled, and the query string (a
 * healthchecks.io `rid`, say) and fragment stay where they are. The URL is a secret (whoever has it can
 * ping): callers must never log it.
 */

export interface HeartbeatOutcome {
  /** Every configured scope was checked this run (none failed, none skipped for lack of budget). */
  allScopesChecked: boolean;
}

function isCronitorTelemetry(url: URL): boolean {
  return url.hostname === "cronitor.link" && url.pathname.startsWith("/p/");
}

/**
 * The URL to GET after a run, or null when no heartbeat is configured (or the value is not an absolute
 * http(s) URL: config validation refuses those first; this stays total so a run never throws here).
 */
export function heartbeatPingUrl(
  configured: string | null | undefined,
  outcome: HeartbeatOutcome,
): string | null {
  if (!configured) return null;
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (outcome.allScopesChecked) return url.toString();
  if (isCronitorTelemetry(url)) {
    url.searchParams.set("state", "fail");
    return url.toString();
  }
  let path = url.pathname;
  while (path.endsWith("/")) path = path.slice(0, -1);
  url.pathname = `${path}/fail`;
  return url.toString();
}
