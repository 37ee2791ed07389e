/** What every digest payload (webhook, Slack) says besides its notifications. */
export interface DigestContext {
  runId: string;
  generatedAt: string;
  /** Notifications dropped from this channel's queue since the last delivery. */
  dropped: number;
  openProblems: { critical: number; warning: number };
  /** Where the full picture is: the report endpoint path. */
  reportPath: string;
}
