/** One monitor under test: fake providers (registered), a test clock, a webhook receiver, a write-counting STATE. */

import type { WebhookPayload } from "../../src/monitor/alerts/webhook";
import type { Notification } from "../../src/monitor/notifications";
import { runMonitor } from "../../src/monitor/run";
import { testClock, testDeps } from "../helpers/deps";
import { type FakeScope, fakeProvider, fakeRegistry, monitorConfig, receiver, WEBHOOK_URL } from "./helpers";

export interface HarnessOptions {
  cloudflare?: Record<string, FakeScope>;
  gjirafa?: Record<string, FakeScope>;
  vars?: Record<string, string | undefined>;
  sleep?: (ms: number) => Promise<void>;
}

export function harness(options: HarnessOptions = {}) {
  const clock = testClock();
  const rx = receiver();
  const deps = testDeps({ clock, fetch: rx.fetch, ...(options.sleep ? { sleep: options.sleep } : {}) });
  const cf = fakeProvider("cloudflare", options.cloudflare);
  const gj = fakeProvider("gjirafa", options.gjirafa);
  // The fakes are registered providers: the monitor finds them through the configuration, as in production.
  const config = monitorConfig(options.vars, fakeRegistry(cf, gj));
  const run = (trigger: "cron" | "manual" = "cron") => runMonitor(deps, config, { trigger });
  /** Webhook digests received so far. */
  const digests = () => rx.to(WEBHOOK_URL) as WebhookPayload[];
  /** Notifications of the last digest delivered since `from` digests. */
  const notificationsSince = (from: number): Notification[] =>
    digests()
      .slice(from)
      .flatMap((d) => d.notifications);
  return { clock, rx, deps, config, cf, gj, run, digests, notificationsSince };
}
