/**
 * Structured JSON logs, one object per line, redacted before they reach the sink.
 */
import type { Deps } from "./deps";
import { redactValue } from "./redact";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every record (e.g. the request id). */
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(
  deps: Pick<Deps, "log" | "now">,
  secrets: readonly string[] = [],
  base: Record<string, unknown> = {},
): Logger {
  return {
    log(level, event, fields = {}) {
      const record = { ts: new Date(deps.now()).toISOString(), level, event, ...base, ...fields };
      deps.log(redactValue(record, secrets) as Record<string, unknown>);
    },
    child(fields) {
      return createLogger(deps, secrets, { ...base, ...fields });
    },
  };
}
