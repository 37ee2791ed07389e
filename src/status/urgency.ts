/**
 * When the status page marks a certificate's time left as a warning: where the monitor's expiry warning
 * starts for it, under its scope's policy (monitor/policies.ts). With a ladder (MONITOR_EXPIRY_DAYS or a
 * policy in absolute mode), its largest rung; measured against lifetime, the renewal window's share of
 * the certificate's validity (90 days assumed when the provider does not give its start).
 */
import type { Config } from "../config/load";
import type { ViewCertificate } from "../inventory/certificate";
import { DAY_MS } from "../model/certificate";
import { resolvePolicy } from "../monitor/lifetime/policy";
import { builtinPolicy } from "../monitor/policies";

const ASSUMED_VALIDITY_MS = 90 * DAY_MS;

export type WarningWindow = (cert: Pick<ViewCertificate, "scope" | "notBeforeMs" | "expiresMs">) => number;

export function warningWindow(monitor: Config["monitor"]): WarningWindow {
  const builtin = builtinPolicy(monitor);
  return (cert) => {
    const { thresholds } = resolvePolicy(monitor.policies, cert.scope.kind, cert.scope.id, builtin);
    if (thresholds.mode === "absolute") return (thresholds.days[0] ?? 0) * DAY_MS;
    const known =
      cert.notBeforeMs !== null && cert.expiresMs !== null && cert.expiresMs > cert.notBeforeMs
        ? cert.expiresMs - cert.notBeforeMs
        : null;
    return thresholds.renewal_window_share * (known ?? ASSUMED_VALIDITY_MS);
  };
}
