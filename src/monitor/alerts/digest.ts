/**
 * ONE digest message per run and channel, not a storm. Each configured channel has a queue (the
 * outbox in STATE): this run's notifications are appended, the whole queue goes out as one message,
 * and it is cleared only on a 2xx. A failed delivery is logged (channel and status, never the URL:
 * it is a secret) and the queue waits for the next run; it never fails the run.
 * Payloads are redacted against every configured secret before they leave. Which notifications a
 * channel gets is its scope policy's choice by severity (MONITOR_POLICIES `channels`; built in: warning and
 * critical everywhere, info nowhere).
 */
import type { Config } from "../../config/load";
import type { Deps } from "../../deps";
import type { Logger } from "../../logger";
import { redactValue } from "../../redact";
import { ALERT_CHANNELS, type AlertChannel } from "../lifetime/severity";
import { type Notification, OUTBOX_LIMIT } from "../notifications";
import type { MonitorState } from "../state";
import type { DigestContext } from "./digest-context";
import { buildSlackPayload } from "./slack";
import { buildWebhookPayload, postJson } from "./webhook";

export const CHANNELS = ALERT_CHANNELS;
export type Channel = AlertChannel;

export interface ChannelReport {
  channel: Channel;
  configured: boolean;
  /** true: delivered; false: failed (kept for the next run); null: nothing to send or not attempted. */
  delivered: boolean | null;
  /** Notifications in the message attempted this run. */
  notifications: number;
  /** Notifications still queued after this run. */
  pending: number;
  error: string | null;
}

export interface DigestInput {
  deps: Deps;
  config: Config;
  logger: Logger;
  state: Pick<MonitorState, "outbox" | "dropped">;
  fresh: readonly Notification[];
  context: Omit<DigestContext, "dropped">;
  /** The channels a notification goes to (its scope's policy, by severity). */
  routes: (notification: Notification) => readonly Channel[];
  /** Takes one subrequest from the run's budget; false when none is left. */
  take: () => boolean;
}

export interface DigestOutput {
  outbox: MonitorState["outbox"];
  dropped: MonitorState["dropped"];
  channels: ChannelReport[];
}

function urlOf(config: Config, channel: Channel): string | null {
  return channel === "webhook" ? config.monitor.webhookUrl : config.monitor.slackWebhookUrl;
}

export async function sendDigests(input: DigestInput): Promise<DigestOutput> {
  const { deps, config, logger } = input;
  const out: DigestOutput = {
    outbox: { webhook: [], slack: [] },
    dropped: { webhook: 0, slack: 0 },
    channels: [],
  };
  for (const channel of CHANNELS) {
    const url = urlOf(config, channel);
    if (!url) {
      // Nowhere to send: nothing is queued for a channel that is not configured.
      out.channels.push({
        channel,
        configured: false,
        delivered: null,
        notifications: 0,
        pending: 0,
        error: null,
      });
      continue;
    }
    let queue = [
      ...input.state.outbox[channel],
      ...input.fresh.filter((n) => input.routes(n).includes(channel)),
    ];
    let dropped = input.state.dropped[channel];
    if (queue.length > OUTBOX_LIMIT) {
      dropped += queue.length - OUTBOX_LIMIT;
      queue = queue.slice(queue.length - OUTBOX_LIMIT);
    }
    const report: ChannelReport = {
      channel,
      configured: true,
      delivered: null,
      notifications: queue.length,
      pending: queue.length,
      error: null,
    };
    if (queue.length === 0 && dropped === 0) {
      out.channels.push({ ...report, notifications: 0 });
      continue;
    }
    if (!input.take()) {
      report.error = "subrequest budget exhausted; kept for the next run";
      logger.log("warn", "monitor_alert_deferred", { channel, pending: queue.length });
    } else {
      const ctx: DigestContext = { ...input.context, dropped };
      const payload = channel === "webhook" ? buildWebhookPayload(ctx, queue) : buildSlackPayload(ctx, queue);
      const result = await postJson(
        deps,
        url,
        redactValue(payload, config.secrets),
        config.upstream.timeoutMs,
      );
      if (result.ok) {
        report.delivered = true;
        report.pending = 0;
        queue = [];
        dropped = 0;
      } else {
        report.delivered = false;
        report.error = result.error;
        logger.log("warn", "monitor_alert_failed", { channel, status: result.status, error: result.error });
      }
    }
    out.outbox[channel] = queue;
    out.dropped[channel] = dropped;
    out.channels.push(report);
  }
  return out;
}
