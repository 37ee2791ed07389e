/**
 * The one response envelope, the family both upstreams already use (Cloudflare v4, Gjirafa):
 *   success: {"success": true,  "errors": [], "messages": [], "result": ..., "result_info"?: {...}}
 *   failure: {"success": false, "errors": [{"code": "...", "message": "...", ...}], "messages": [], "result": null}
 * Every certgate error body is made here.
 */
import type { ErrorCode, ErrorDetails } from "./errors";

export interface ResultInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
  total_pages: number;
}

export interface EnvelopeError extends ErrorDetails {
  code: ErrorCode | string | number;
  certgate_code?: ErrorCode;
  message: string;
}

export interface SuccessEnvelope<T> {
  success: true;
  errors: EnvelopeError[];
  messages: string[];
  result: T;
  result_info?: ResultInfo;
}

export interface FailureEnvelope {
  success: false;
  errors: EnvelopeError[];
  messages: string[];
  result: null;
}

export function successBody<T>(
  result: T,
  extra: { result_info?: ResultInfo; errors?: EnvelopeError[]; messages?: string[] } = {},
): SuccessEnvelope<T> {
  const body: SuccessEnvelope<T> = {
    success: true,
    errors: extra.errors ?? [],
    messages: extra.messages ?? [],
    result,
  };
  if (extra.result_info) body.result_info = extra.result_info;
  return body;
}

export function errorBody(
  code: ErrorCode,
  message: string,
  details: ErrorDetails = {},
  requestId?: string,
): FailureEnvelope {
  const error: EnvelopeError & { request_id?: string } = { code, message, ...details };
  if (requestId) error.request_id = requestId;
  return { success: false, errors: [error], messages: [], result: null };
}
