/** What every digest payload (webhook, Slack) says besides its notifications. */
export interface DigestContext {
  runId: string;
  generatedAt: string;
  /** Notifications dropped from this channel's queue since the last delivery. */
  dropped: number;
  /** Open problems by severity, acknowledged (muted) ones counted apart. */
  openProblems: { critical: number; warning: number; info: number; acknowledged: number };
  /** Where the full picture is: the report endpoint path. */
  reportPath: string;
}
