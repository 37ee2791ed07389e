/**
 * How one upstream speaks when it fails: its name and label for the error a caller gets, how its error
 * bodies read, and any reading of its 4xx answers the table cannot know (a provider's own codes). Each
 * provider brings its dialect (providers/<name>/errors.ts); the upstream core knows none.
 */
import type { UpstreamErrorInfo } from "./error-info";
import type { UpstreamFailureKind } from "./error-map";

export interface ErrorDialect {
  /** The provider's name: `provider` of every error its calls end with. */
  provider: string;
  /** How messages name it ("Cloudflare answered 404"). */
  label: string;
  /** Reads code, message and links from a failure body; default: `upstreamErrorInfo`. */
  read?(body: unknown): UpstreamErrorInfo;
  /**
   * A row of the table for a 4xx other than 429, from the provider's own error code, when its code says
   * more than its status; undefined leaves the status to the table.
   */
  classify?(status: number, code: number | string | undefined): UpstreamFailureKind | undefined;
}
