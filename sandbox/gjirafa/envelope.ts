/**
 * Gjirafa's envelope (seed 004): {success, errors: [string], messages: [string], result, resultInfo}.
 * Errors are strings, not objects (domain.md). Single-object answers carry a resultInfo too, as every
 * example of seed 004 does; failures carry null result and resultInfo.
 */
import { jsonResponse } from "../http";

export interface ResultInfo {
  totalCount: number;
  pageIndex: number;
  pageSize: number;
  totalPages: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

const SINGLE: ResultInfo = {
  totalCount: 1,
  pageIndex: 1,
  pageSize: 1,
  totalPages: 1,
  hasNextPage: false,
  hasPreviousPage: false,
};

export function gjFailureBody(errors: string[]) {
  return { success: false, errors, messages: [], result: null, resultInfo: null };
}

export function gjError(status: number, errors: string[], headers: Record<string, string> = {}): Response {
  return jsonResponse(status, gjFailureBody(errors), headers);
}

/**
 * A success. With `notes`, `errors` and `messages` are not empty, as every example answer of the
 * documentation shows (`"errors": ["string"], "messages": ["string"]`): still a success.
 */
export function gjSuccess(
  result: unknown,
  resultInfo: ResultInfo = SINGLE,
  messages: string[] = [],
  notes = false,
): Response {
  return jsonResponse(200, {
    success: true,
    errors: notes ? ["string"] : [],
    messages: notes ? [...messages, "string"] : messages,
    result,
    resultInfo,
  });
}

export const gjirafaDialect = {
  failureBody: (_status: number, message: string) => gjFailureBody([message]),
};
