/**
 * A notification is one transition of one problem (or one remediation attempt). Notifications queue
 * per channel in STATE (the outbox) until a digest carrying them is delivered, so a failed delivery
 * is retried on the next run and never loses an alert.
 */
import * as z from "zod";
import { ProblemSchema } from "./problems";

/** `unmuted`: an acknowledged problem's mute ended (expired, removed) and it is still open (acks.ts). */
export const NOTIFICATION_EVENTS = [
  "opened",
  "escalated",
  "deescalated",
  "resolved",
  "remediation",
  "unmuted",
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NotificationSchema = z.object({
  /** Stable across delivery retries: receivers may dedupe on it. */
  id: z.string(),
  event: z.enum(NOTIFICATION_EVENTS),
  at: z.string(),
  problem: ProblemSchema.extend({ first_seen: z.string() }),
  /** For `remediation`: what was tried and how it went; for `unmuted`: why the mute ended. */
  note: z.string().optional(),
});
export type Notification = z.infer<typeof NotificationSchema>;

/** At most this many notifications wait per channel; beyond it the oldest are dropped and counted. */
export const OUTBOX_LIMIT = 500;
