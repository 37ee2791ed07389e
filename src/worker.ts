/**
 * The Worker's handlers, made from injected dependencies so tests, `npm start` and production run
 * the same code.
 */
import { createApp } from "./app";
import type { Deps } from "./deps";

export function createWorker(deps: Deps) {
  const app = createApp(deps);
  return {
    app,
    fetch: app.fetch,
    async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
      ctx.waitUntil(Promise.resolve(controller.scheduledTime));
    },
  };
}
