/// <reference types="node" />
/**
 * Waits for certgate's public /healthz to answer 200 with `config_valid: true` (src/routes/health.ts).
 * Bounded in time; gives up early when `stopped()` says the server process has died.
 */

export type HealthResult =
  | { ok: true; afterMs: number }
  | { ok: false; reason: "timeout" | "stopped" | "config_invalid"; configErrors: string[] };

interface HealthBody {
  result?: { config_valid?: unknown; config_errors?: unknown };
}

export async function waitForHealthy(
  url: string,
  options: { timeoutMs: number; stopped: () => boolean; intervalMs?: number },
): Promise<HealthResult> {
  const started = Date.now();
  const interval = options.intervalMs ?? 250;
  while (Date.now() - started < options.timeoutMs) {
    if (options.stopped()) return { ok: false, reason: "stopped", configErrors: [] };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        const body = (await res.json()) as HealthBody;
        if (body.result?.config_valid === true) return { ok: true, afterMs: Date.now() - started };
        const errors = Array.isArray(body.result?.config_errors) ? body.result.config_errors.map(String) : [];
        return { ok: false, reason: "config_invalid", configErrors: errors };
      }
      await res.body?.cancel();
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  return { ok: false, reason: "timeout", configErrors: [] };
}
