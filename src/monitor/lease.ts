/**
 * One monitor run at a time: every run (cron or POST /v1/report/run) first takes the MonitorLease
 * (src/durable/monitor-lease.ts). A run that finds it held does not start: the API answers 409
 * `monitor_busy` with the running run's id, the cron logs the skip. A run that dies leaves a lease that
 * expires after `leaseTtlMs`, shorter than the interval, so the next interval runs normally. The holder
 * renews it before it writes STATE: a run that outlived its lease (a stall) stops without writing over
 * whatever its successor wrote.
 */
import type { Config } from "../config/load";
import { type Lease, MONITOR_LEASE_NAME } from "../durable/monitor-lease";
import { AppError } from "../errors";

const MINUTE = 60_000;

/** Half the interval, within 1 to 10 minutes: a dead run's lease has expired before the next cron. */
export function leaseTtlMs(intervalMinutes: number): number {
  return Math.min(10 * MINUTE, Math.max(MINUTE, Math.floor((intervalMinutes * MINUTE) / 2)));
}

export interface RunLease {
  /** False when the lease is no longer this run's (it expired and may be taken). */
  renew(now: number): Promise<boolean>;
  release(): Promise<void>;
  /** False when the deployment has no MONITOR_LEASE binding: runs are not exclusive. */
  readonly exclusive: boolean;
}

export type LeaseAnswer = { ok: true; lease: RunLease } | { ok: false; holder: Lease };

export async function acquireRunLease(
  monitor: Config["monitor"],
  request: { runId: string; trigger: "cron" | "manual"; now: number },
): Promise<LeaseAnswer> {
  const ns = monitor.lease;
  if (!ns) {
    return { ok: true, lease: { exclusive: false, renew: async () => true, release: async () => {} } };
  }
  const stub = ns.get(ns.idFromName(MONITOR_LEASE_NAME));
  const ttlMs = leaseTtlMs(monitor.intervalMinutes);
  const { runId } = request;
  const answer = await stub.acquire({ ...request, ttlMs });
  if (!answer.ok) return { ok: false, holder: answer.holder };
  return {
    ok: true,
    lease: {
      exclusive: true,
      renew: (now) => stub.renew({ now, runId, ttlMs }),
      release: async () => {
        await stub.release({ runId });
      },
    },
  };
}

/** The 409 a run that finds the lease held ends with. */
export function monitorBusy(holder: Pick<Lease, "runId" | "trigger" | "startedAt">): AppError {
  return new AppError(
    "monitor_busy",
    `Another monitor run (${holder.trigger}, started ${new Date(holder.startedAt).toISOString()}) is running; try again when it has finished`,
    { run_id: holder.runId },
  );
}
