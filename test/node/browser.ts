/// <reference types="node" />
/**
 * A real browser for page tests: Debian's Chromium (scripts/ensure-tools.ts) driven by playwright-core.
 * - `launchChromium()`: headless, with the flags this machine's closed network needs (no background or
 *   component traffic, no QUIC, no GPU, no sandbox as root). Playwright gives every launch a fresh, temporary
 *   --user-data-dir of its own and deletes it on close.
 * - `openGuardedPage(browser, url)`: a new context (own cookies) in which every request that is not to the
 *   page's own origin (WebSockets included) is blocked before it leaves and recorded in `external`, so a test can assert
 *   "no external request"; console errors (CSP violations among them) are recorded in `consoleErrors`.
 * - `guarded.axe()`: axe-core from node_modules, evaluated in the page through the DevTools protocol (the
 *   page's Content-Security-Policy cannot stop it, and the page is not changed to let it in), run on the
 *   document; returns the violations.
 * - `guarded.screenshot(name)`: a full-page PNG in .artifacts/screenshots/ (gitignored).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from "playwright-core";
import { ROOT, tool } from "./tools";

export const SCREENSHOT_DIR = join(ROOT, ".artifacts", "screenshots");

/** What Chromium needs here: without the networking switches it calls Google's hosts at every start. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(options: { executablePath?: string } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: options.executablePath ?? tool("chromium").need(),
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

export interface ExternalRequest {
  url: string;
  method: string;
  resourceType: string;
}

/** One axe-core violation, as axe reports it (the fields tests and failure messages need). */
export interface AxeViolation {
  id: string;
  impact: "minor" | "moderate" | "serious" | "critical" | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: string[]; html: string }>;
}

export interface GuardedPage {
  page: Page;
  context: BrowserContext;
  /** The only origin requests may go to: the origin of the URL the page was opened with. */
  origin: string;
  /** Requests to any other origin, blocked before they left, in the order the page made them. */
  external: ExternalRequest[];
  /** `console.error` output and uncaught exceptions of the page (CSP violations are reported here). */
  consoleErrors: string[];
  /** axe-core on the current document; the violations (an empty array when there are none). */
  axe(): Promise<AxeViolation[]>;
  /** A full-page PNG at .artifacts/screenshots/<name>.png; returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** The http(s) origin a ws(s) URL belongs to (same host and port), for the same-origin rule. */
function webSocketOrigin(url: string): string {
  const parsed = new URL(url);
  parsed.protocol = parsed.protocol === "wss:" ? "https:" : "http:";
  return parsed.origin;
}

function axeSource(): string {
  return readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
}

/** The page's global object once axe-core is in (no DOM types here: this project compiles for workerd). */
interface AxeGlobal {
  axe?: { run(): Promise<{ violations: AxeViolation[] }> };
}

/** Opens `url` in a new context of `browser` with external requests blocked; resolves after the page loaded. */
export async function openGuardedPage(
  browser: Browser,
  url: string,
  contextOptions: BrowserContextOptions = {},
): Promise<GuardedPage> {
  const origin = new URL(url).origin;
  // Service workers could fetch outside the router's view: none.
  const context = await browser.newContext({ serviceWorkers: "block", ...contextOptions });
  const external: ExternalRequest[] = [];
  const consoleErrors: string[] = [];
  await context.route("**/*", async (route) => {
    const request = route.request();
    if (new URL(request.url()).origin === origin) return route.continue();
    external.push({ url: request.url(), method: request.method(), resourceType: request.resourceType() });
    return route.abort("blockedbyclient");
  });
  // WebSockets bypass `route`: same rule, a blocked socket is closed without ever connecting.
  await context.routeWebSocket(
    () => true,
    (socket) => {
      if (webSocketOrigin(socket.url()) === origin) {
        socket.connectToServer();
        return;
      }
      external.push({ url: socket.url(), method: "GET", resourceType: "websocket" });
      void socket.close({ code: 1008, reason: "external request blocked by the test" });
    },
  );
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  await page.goto(url, { waitUntil: "load" });
  const source = axeSource();
  return {
    page,
    context,
    origin,
    external,
    consoleErrors,
    async axe() {
      await page.evaluate(source);
      const violations = await page.evaluate(async () => {
        const axe = (globalThis as unknown as AxeGlobal).axe;
        if (axe === undefined) throw new Error("axe-core did not load into the page");
        const results = await axe.run();
        // Only plain data crosses back to Node.
        return results.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({ target: n.target.map(String), html: n.html })),
        }));
      });
      return violations;
    },
    async screenshot(name) {
      if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name must be a plain file name: ${name}`);
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => context.close(),
  };
}

/** Violations at or above `serious` (the bar for the status page), in a readable one-per-line form. */
export function seriousViolations(violations: readonly AxeViolation[]): string[] {
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}
