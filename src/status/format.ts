/**
 * How the status page writes times and counts: absolute times in UTC (an on-call engineer compares them
 * with logs and alerts, which are in UTC), time left in days or hours, and nothing that depends on the
 * browser (the page has no script).
 */
import { DAY_MS } from "../model/certificate";

const HOUR_MS = 3_600_000;

/** `2026-11-23 12:00 UTC`. */
export function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Time left until `expiresMs`: "12 days", "5 hours", "expired 3 days ago"; null when unknown. */
export function timeLeft(expiresMs: number | null, now: number): string | null {
  if (expiresMs === null) return null;
  const left = expiresMs - now;
  const span = Math.abs(left);
  const amount =
    span >= DAY_MS
      ? plural(Math.floor(span / DAY_MS), "day")
      : span >= HOUR_MS
        ? plural(Math.floor(span / HOUR_MS), "hour")
        : plural(Math.max(1, Math.floor(span / 60_000)), "minute");
  return left <= 0 ? `expired ${amount} ago` : amount;
}

/** How long ago `ms` was: "3 minutes ago", "2 hours ago", "5 days ago". */
export function ago(ms: number, now: number): string {
  const span = Math.max(0, now - ms);
  if (span >= DAY_MS) return `${plural(Math.floor(span / DAY_MS), "day")} ago`;
  if (span >= HOUR_MS) return `${plural(Math.floor(span / HOUR_MS), "hour")} ago`;
  if (span >= 60_000) return `${plural(Math.floor(span / 60_000), "minute")} ago`;
  return "just now";
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** A link target only when it is an http(s) URL: a runbook is configuration, never a script. */
export function safeLink(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** "Pending Validation" and "pending_validation" say the same: a provider's word is shown only when it adds one. */
export function sameWords(a: string, b: string): boolean {
  const norm = (t: string) =>
    t
      .toLowerCase()
      .replace(/[\s_-]+/g, " ")
      .trim();
  return norm(a) === norm(b);
}
