/// <reference types="node" />
/**
 * Builds dist/index.js once for the whole node project, before any file starts (vitest `globalSetup`):
 * the files that serve the bundle (worker.test.ts, metrics.test.ts, status-page.test.ts) run in parallel
 * and must not rebuild it under each other's Miniflare.
 */
import { buildBundle } from "../../bench/lib/build";
import { ROOT } from "./tools";

export default async function setup(): Promise<void> {
  await buildBundle(ROOT);
}
