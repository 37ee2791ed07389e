/** A Gjirafa simulator on a manual clock with a `call` helper, and the wire types tests read. */
import {
  createGjirafaSimulator,
  createManualClock,
  DEFAULT_GJIRAFA_API_KEY,
  type GjirafaDetail,
  type GjirafaListItem,
  type GjirafaSimulatorOptions,
  instantSleep,
} from "../../sandbox/index";

export const PROJECT = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
export const OTHER_PROJECT = "8c2d6a4e-1b3f-4c5d-9e7f-0a1b2c3d4e5f";
export const GJ_BASE = "https://cdn-api.gjirafa.test";

export type GjDetail = GjirafaDetail;
export type GjListItem = GjirafaListItem;

export interface GjEnvelope<T> {
  success: boolean;
  errors: string[];
  messages: string[];
  result: T;
  resultInfo: {
    totalCount: number;
    pageIndex: number;
    pageSize: number;
    totalPages: number;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
  } | null;
}

function isEnvelope(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v: Record<string, unknown> = Object.fromEntries(Object.entries(value));
  return (
    typeof v.success === "boolean" &&
    Array.isArray(v.errors) &&
    v.errors.every((e) => typeof e === "string") &&
    Array.isArray(v.messages) &&
    "result" in v &&
    "resultInfo" in v
  );
}

export function gjirafaHarness(options: GjirafaSimulatorOptions = {}) {
  const clock = createManualClock();
  const sim = createGjirafaSimulator({
    projects: [{ id: PROJECT }, { id: OTHER_PROJECT }],
    now: clock.now,
    sleep: instantSleep,
    ...options,
  });
  const certs = `/api/v1/projects/${PROJECT}/certificates`;

  async function call<T = unknown>(
    method: string,
    path: string,
    opts: { body?: unknown; rawBody?: string; headers?: Record<string, string>; key?: string | null } = {},
  ) {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key === undefined ? DEFAULT_GJIRAFA_API_KEY : opts.key;
    if (key !== null) headers["x-api-key"] = key;
    const init: RequestInit = { method, headers };
    if (opts.rawBody !== undefined) init.body = opts.rawBody;
    else if (opts.body !== undefined) {
      init.body = JSON.stringify(opts.body);
      headers["content-type"] = "application/json";
    }
    const response = await sim.fetch(`${GJ_BASE}${path}`, init);
    const parsed: unknown = await response.json();
    if (!isEnvelope(parsed)) throw new Error(`not a Gjirafa envelope: ${JSON.stringify(parsed)}`);
    // Checked just above to be the seed 004 envelope; the interface names what tests read.
    return { status: response.status, headers: response.headers, body: parsed as GjEnvelope<T> };
  }

  const create = (domainName: string, additionalDomainNames: string[] = [], scopeId = 1) =>
    call<GjDetail>("POST", certs, { body: { domainName, additionalDomainNames, scopeId } });

  return { sim, clock, call, create, certs };
}
