/**
 * Every request a simulator receives, as received: method, path, query, ALL headers (tests check that
 * certgate never forwards a client's credentials upstream) and the parsed body. Recorded before auth,
 * routing and faults, so refused and faulted requests are in it too.
 */
import type { Now } from "./clock";
import { matchesPath, type PathPattern } from "./path-pattern";

export interface RecordedCall {
  /** 1-based order of arrival. */
  seq: number;
  at: number;
  method: string;
  url: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case header names, values as sent. */
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, or null without a body. */
  body: unknown;
}

export interface CallFilter {
  method?: string;
  path?: PathPattern;
  /** Only calls after this sequence number (e.g. a `mark()` taken before the step under test). */
  after?: number;
}

export interface CallLog {
  record(request: Request, bodyText: string): RecordedCall;
  calls(filter?: CallFilter): RecordedCall[];
  /** How many calls match `method` (any when omitted) and `pathSuffix` (a PathPattern). */
  count(method?: string, pathSuffix?: PathPattern): number;
  last(): RecordedCall | undefined;
  /** The sequence number of the last call so far (0 when none): pass it as `after` to look only at what follows. */
  mark(): number;
  clear(): void;
}

function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function createCallLog(now: Now): CallLog {
  let entries: RecordedCall[] = [];
  let seq = 0;

  const matches = (call: RecordedCall, filter: CallFilter): boolean =>
    (filter.method === undefined || call.method === filter.method.toUpperCase()) &&
    (filter.path === undefined || matchesPath(call.path, filter.path)) &&
    (filter.after === undefined || call.seq > filter.after);

  return {
    record(request, bodyText) {
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      seq += 1;
      const call: RecordedCall = {
        seq,
        at: now(),
        method: request.method.toUpperCase(),
        url: request.url,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body: parseBody(bodyText),
      };
      entries.push(call);
      return call;
    },
    calls: (filter = {}) => entries.filter((call) => matches(call, filter)),
    count(method, pathSuffix) {
      const filter: CallFilter = {};
      if (method !== undefined) filter.method = method;
      if (pathSuffix !== undefined) filter.path = pathSuffix;
      return entries.filter((call) => matches(call, filter)).length;
    },
    last: () => entries.at(-1),
    mark: () => seq,
    clear() {
      entries = [];
    },
  };
}
