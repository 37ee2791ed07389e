/**
 * What middleware puts on the Hono context, typed once for the whole app.
 */
import type { Principal } from "./auth/principal";
import type { AnswerMemo } from "./cache/answer-memo";
import type { ApiKeyEntry } from "./config/grants";
import type { Config } from "./config/load";
import type { Deps } from "./deps";
import type { EnvelopeFamily } from "./envelope-family";
import type { AuditNotes } from "./model/audit-notes";
import type { PermitLease } from "./upstream/permit-lease";

export type { Principal } from "./auth/principal";

export interface AppVariables {
  requestId: string;
  deps: Deps;
  config: Config;
  principal: Principal;
  /** The API_KEYS entry the request authenticated with, when it was a key (header or sign-in form). */
  apiKey?: ApiKeyEntry;
  /** Set by list routes for the request log line: HIT | MISS | STALE | BYPASS. */
  cacheOutcome?: string;
  /** The error envelope of the door the request came in by (a native door's, or certgate's). */
  envelopeFamily?: EnvelopeFamily;
  /** An audited route's notes (http/audit.ts): what the request reached, for its audit record. */
  auditNotes?: AuditNotes;
  /** The request's Idempotency-Key, once it parsed (http/idempotency.ts). */
  idempotencyKey?: string;
  /** The answer is a stored one, replayed for a repeated Idempotency-Key. */
  idempotentReplay?: boolean;
  /** The request body as read once (http/body.ts), for the idempotency fingerprint and the JSON parse. */
  bodyText?: string;
  /** The isolate's leased budget permits (upstream/permit-lease.ts). */
  permitLease?: PermitLease;
  /** The isolate's remembered read answers and their ETags (cache/answer-memo.ts, http/answers.ts). */
  answers?: AnswerMemo;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
