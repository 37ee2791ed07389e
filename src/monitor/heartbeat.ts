/**
 * The heartbeat ping after a run (MONITOR_HEARTBEAT_URL): a GET to the configured URL, or to its failure
 * form (lifetime/heartbeat.ts) when the run could not check some scope. It takes one subrequest from
 * the run's budget (reserved up front), never fails the run, and the URL is never logged or reported:
 * whoever has it can ping.
 */
import type { Config } from "../config/load";
import type { Deps } from "../deps";
import type { Logger } from "../logger";
import { heartbeatPingUrl } from "./lifetime/heartbeat";
import type { HeartbeatReport } from "./report";

export interface HeartbeatInput {
  deps: Pick<Deps, "fetch">;
  config: Config;
  logger: Logger;
  allScopesChecked: boolean;
  /** Takes one subrequest from the run's budget; false when none is left. */
  take: () => boolean;
}

/** Null when no heartbeat is configured. */
export async function pingHeartbeat(input: HeartbeatInput): Promise<HeartbeatReport | null> {
  const { config, logger } = input;
  const url = heartbeatPingUrl(config.monitor.heartbeatUrl, { allScopesChecked: input.allScopesChecked });
  if (config.monitor.heartbeatUrl === null) return null;
  const signal = input.allScopesChecked ? "success" : "fail";
  if (url === null || !input.take()) {
    logger.log("warn", "monitor_heartbeat_skipped", {
      signal,
      reason: url === null ? "unusable URL" : "subrequest budget exhausted",
    });
    return { url_configured: true, ok: null, status: null };
  }
  try {
    const res = await input.deps.fetch(url, {
      method: "GET",
      headers: { "user-agent": "certgate-monitor" },
      signal: AbortSignal.timeout(config.upstream.timeoutMs),
    });
    // The body is not needed (and never logged: it may echo the URL).
    await res.body?.cancel();
    if (!res.ok) logger.log("warn", "monitor_heartbeat_failed", { signal, status: res.status });
    return { url_configured: true, ok: res.ok, status: res.status };
  } catch (error) {
    logger.log("warn", "monitor_heartbeat_failed", {
      signal,
      status: null,
      error: error instanceof Error ? error.name : "fetch failed",
    });
    return { url_configured: true, ok: false, status: null };
  }
}
