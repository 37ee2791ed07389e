/**
 * The request path both simulators share: record the call, apply global latency, then either a matching
 * fault or the simulator's own handler. Keeps the simulators' `fetch` drop-in compatible with `fetch(input, init)`.
 */
import type { CallLog } from "./call-log";
import type { Sleep } from "./clock";
import { applyFault, type FailureDialect, type FaultInjector } from "./faults";
import { readText, toRequest } from "./http";

export interface PipelineParts {
  log: CallLog;
  faults: FaultInjector;
  sleep: Sleep;
  /** Added before every answer (benchmarks model upstream round trips with it). */
  latencyMs: () => number;
  dialect: FailureDialect;
  handle: (request: Request, url: URL, bodyText: string) => Promise<Response> | Response;
}

export type SimulatorFetch = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

export function createPipeline(parts: PipelineParts): SimulatorFetch {
  return async (input, init) => {
    const request = toRequest(input, init);
    const signal = init?.signal ?? request.signal;
    if (signal.aborted) throw signal.reason;
    const bodyText = await readText(request);
    parts.log.record(request, bodyText);
    const latency = parts.latencyMs();
    if (latency > 0) await parts.sleep(latency, signal);
    const url = new URL(request.url);
    const handle = async () => await parts.handle(request, url, bodyText);
    const fault = parts.faults.take(request.method, url.pathname);
    if (fault === undefined) return await handle();
    return await applyFault(fault, { signal, sleep: parts.sleep, dialect: parts.dialect, handle });
  };
}
