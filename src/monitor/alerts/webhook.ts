/**
 * The generic JSON webhook: one POST per run carrying every pending notification (docs/monitor.md
 * "Alert payloads"). Delivery goes through `deps.fetch`; only a 2xx counts as delivered.
 */
import type { Deps } from "../../deps";
import type { Notification } from "../notifications";
import type { DigestContext } from "./digest-context";

export const WEBHOOK_PAYLOAD_TYPE = "certgate.monitor.digest";

export interface WebhookPayload {
  type: typeof WEBHOOK_PAYLOAD_TYPE;
  version: 1;
  source: "certgate";
  run_id: string;
  generated_at: string;
  summary: {
    opened: number;
    escalated: number;
    deescalated: number;
    resolved: number;
    remediation: number;
    unmuted: number;
    /** Notifications dropped because the queue was full while the channel was failing. */
    dropped: number;
    /** Open problems by severity; acknowledged (muted) ones are counted apart, not by severity. */
    open_problems: { critical: number; warning: number; info: number; acknowledged: number };
  };
  notifications: Notification[];
}

export function buildWebhookPayload(ctx: DigestContext, notifications: Notification[]): WebhookPayload {
  const count = (event: Notification["event"]) => notifications.filter((n) => n.event === event).length;
  return {
    type: WEBHOOK_PAYLOAD_TYPE,
    version: 1,
    source: "certgate",
    run_id: ctx.runId,
    generated_at: ctx.generatedAt,
    summary: {
      opened: count("opened"),
      escalated: count("escalated"),
      deescalated: count("deescalated"),
      resolved: count("resolved"),
      remediation: count("remediation"),
      unmuted: count("unmuted"),
      dropped: ctx.dropped,
      open_problems: ctx.openProblems,
    },
    notifications,
  };
}

export type DeliveryResult =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string };

/** POSTs JSON. Never throws: the caller keeps the notifications queued on failure. */
export async function postJson(
  deps: Pick<Deps, "fetch">,
  url: string,
  body: unknown,
  timeoutMs: number,
): Promise<DeliveryResult> {
  try {
    const res = await deps.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "certgate-monitor" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The body is not needed (and never logged: a receiver may echo the URL's token).
    await res.body?.cancel();
    return res.ok
      ? { ok: true, status: res.status }
      : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (error) {
    return { ok: false, status: null, error: error instanceof Error ? error.name : "fetch failed" };
  }
}
