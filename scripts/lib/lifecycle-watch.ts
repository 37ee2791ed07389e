/// <reference types="node" />
/**
 * Prints every status change the simulators go through (a pack ordered through certgate moving
 * initializing -> pending_validation -> ... -> active), so the demo shows an order progressing
 * without polling by hand. Reads the simulators in-process; never touches certgate.
 */
import type { CloudflareSimulator, GjirafaSimulator } from "../../sandbox/index";

export interface LifecycleWatch {
  stop(): void;
}

const field = (item: unknown, name: string): string => {
  if (typeof item !== "object" || item === null) return "";
  const value = (item as Record<string, unknown>)[name];
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
};

export function watchLifecycles(
  sims: { cloudflare: CloudflareSimulator; gjirafa: GjirafaSimulator },
  print: (line: string) => void,
  intervalMs = 1_000,
): LifecycleWatch {
  const seen = new Map<string, string>();
  const scan = (report: boolean) => {
    for (const zone of sims.cloudflare.zoneIds()) {
      for (const pack of sims.cloudflare.packs(zone)) {
        const id = field(pack, "id");
        const status = field(pack, "status");
        const key = `cloudflare:${zone}:${id}`;
        const before = seen.get(key);
        if (before === status) continue;
        seen.set(key, status);
        const hosts = Array.isArray((pack as { hosts?: unknown }).hosts)
          ? (pack as { hosts: unknown[] }).hosts.join(", ")
          : "";
        if (report) print(`[cloudflare sim] pack ${id} (${hosts}): ${before ?? "new"} -> ${status}`);
      }
    }
    for (const project of sims.gjirafa.projectIds()) {
      for (const cert of sims.gjirafa.certificates(project)) {
        const id = field(cert, "id");
        const status = field(cert, "status");
        const key = `gjirafa:${project}:${id}`;
        const before = seen.get(key);
        if (before === status) continue;
        seen.set(key, status);
        if (report) {
          print(
            `[gjirafa sim] certificate ${id} (${field(cert, "domainName")}): ${before ?? "new"} -> ${status}`,
          );
        }
      }
    }
  };
  scan(false);
  const timer = setInterval(() => scan(true), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
