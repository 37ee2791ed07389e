/**
 * Slack-compatible incoming webhook: `{text, blocks}` (Slack Block Kit; Mattermost and others read
 * `text`). One message per run. Slack caps a message at 50 blocks and a section's text at 3,000
 * characters, so the digest lists at most MAX_LISTED notifications and points to the report for
 * the rest.
 */
import type { Notification } from "../notifications";
import type { DigestContext } from "./digest-context";

export const MAX_LISTED = 20;
const SECTION_LIMIT = 2_900;

export interface SlackPayload {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

const ICON: Record<Notification["event"], string> = {
  opened: ":rotating_light:",
  escalated: ":arrow_double_up:",
  deescalated: ":arrow_down:",
  resolved: ":white_check_mark:",
  remediation: ":wrench:",
  unmuted: ":bell:",
};

const LABEL: Record<Notification["event"], string> = {
  opened: "NEW",
  escalated: "WORSE",
  deescalated: "BETTER",
  resolved: "RESOLVED",
  remediation: "REMEDIATION",
  unmuted: "UNMUTED",
};

/** Slack mrkdwn treats &, < and > as markup. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Who owns it and where the runbook is (MONITOR_POLICIES), when the scope's policy says. */
function ownerLine(n: Notification): string {
  const parts: string[] = [];
  if (n.problem.owner) parts.push(`owner: ${escapeMrkdwn(n.problem.owner)}`);
  // A link in Slack's mrkdwn is <url|label>; the URL is escaped like any text (& < >).
  if (n.problem.runbook) parts.push(`<${escapeMrkdwn(n.problem.runbook)}|runbook>`);
  return parts.length === 0 ? "" : ` · ${parts.join(" · ")}`;
}

export function notificationLine(n: Notification): string {
  const severity = n.event === "resolved" ? "" : ` [${n.problem.severity}]`;
  const note = n.note ? ` (${n.note})` : "";
  return `${ICON[n.event]} *${LABEL[n.event]}*${severity} ${escapeMrkdwn(n.problem.message)}${escapeMrkdwn(note)}${ownerLine(n)}`;
}

function recordsLine(n: Notification): string | null {
  const records = n.problem.details.validation_records ?? [];
  if (n.event === "resolved" || records.length === 0) return null;
  const shown = records.slice(0, 5).map((r) => {
    if (r.kind === "http") return `HTTP ${r.url ?? "?"} -> ${r.value ?? "?"}`;
    if (r.kind === "email") return `email ${r.emails.join(", ")}`;
    return `${r.kind.toUpperCase()} ${r.name ?? "?"} = ${r.value ?? "?"}`;
  });
  return `Publish: ${shown.map((s) => `\`${escapeMrkdwn(s)}\``).join(", ")}`;
}

export function buildSlackPayload(ctx: DigestContext, notifications: Notification[]): SlackPayload {
  const { critical, warning, acknowledged } = ctx.openProblems;
  const muted = acknowledged > 0 ? `, ${acknowledged} acknowledged` : "";
  const headline = `certgate: ${notifications.length} certificate alert${notifications.length === 1 ? "" : "s"} (open: ${critical} critical, ${warning} warning${muted})`;
  const listed = notifications.slice(0, MAX_LISTED);
  const lines = listed.map((n) => [notificationLine(n), recordsLine(n)].filter(Boolean).join("\n"));
  const more = notifications.length - listed.length + ctx.dropped;
  const blocks: Array<Record<string, unknown>> = [
    { type: "header", text: { type: "plain_text", text: "certgate certificate monitor" } },
    { type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(headline) } },
    ...lines.map((line) => ({
      type: "section",
      text: { type: "mrkdwn", text: line.slice(0, SECTION_LIMIT) },
    })),
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `${more > 0 ? `…and ${more} more. ` : ""}Full report: GET ${ctx.reportPath} · run ${ctx.runId}`,
        },
      ],
    },
  ];
  const text = [headline, ...listed.map(notificationLine)].join("\n");
  return { text, blocks };
}
