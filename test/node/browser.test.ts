/// <reference types="node" />
/**
 * Smoke test of the browser infrastructure (browser.ts) on tiny pages served from Node on loopback, not on
 * certgate: Debian's Chromium starts, requests to other origins (images, a WebSocket) are recorded and really
 * blocked (a second loopback server counts what reaches it), axe-core runs and finds a planted violation, also under a strict
 * Content-Security-Policy the page keeps, and a screenshot lands in .artifacts/screenshots/.
 */
import { readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOOPBACK } from "../../scripts/lib/ports";
import {
  type GuardedPage,
  launchChromium,
  openGuardedPage,
  SCREENSHOT_DIR,
  seriousViolations,
} from "./browser";
import { tool } from "./tools";

/** A 1x1 transparent PNG. */
const PIXEL = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Served {
  server: Server;
  url: string;
  /** Paths requested, in order. */
  hits: string[];
}

function serve(
  route: (path: string) => { type: string; body: string | Buffer; headers?: Record<string, string> },
) {
  return new Promise<Served>((resolve) => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      const path = req.url ?? "/";
      hits.push(path);
      const { type, body, headers } = route(path);
      res.writeHead(200, { "content-type": type, ...headers });
      res.end(body);
    });
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://${LOOPBACK}:${port}`, hits });
    });
  });
}

const close = (s: Served | undefined) =>
  new Promise<void>((resolve) => (s ? s.server.close(() => resolve()) : resolve()));

const chromiumTool = tool("chromium");

describe.skipIf(chromiumTool.skip)(
  "browser infrastructure (Debian Chromium + playwright-core + axe-core)",
  () => {
    let browser: Browser | undefined;
    let site: Served | undefined;
    /** Another origin on loopback: anything reaching it was not blocked. */
    let elsewhere: Served | undefined;
    const pages: GuardedPage[] = [];

    beforeAll(async () => {
      elsewhere = await serve(() => ({ type: "image/png", body: PIXEL }));
      const other = elsewhere.url;
      site = await serve((path) => {
        if (path === "/logo.png") return { type: "image/png", body: PIXEL };
        if (path === "/strict")
          return {
            type: "text/html; charset=utf-8",
            headers: {
              "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
            },
            body: [
              '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strict</title>',
              "<style>main{font:16px sans-serif}</style></head><body><main><h1>Strict page</h1>",
              '<p>Inline scripts are refused here.</p><img id="logo" src="/logo.png" alt="certgate logo">',
              "<script>document.title = 'script ran';</script></main></body></html>",
            ].join(""),
          };
        return {
          type: "text/html; charset=utf-8",
          body: [
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Smoke</title></head>',
            "<body><main><h1>Smoke page</h1>",
            '<img id="logo" src="/logo.png" alt="certgate logo">',
            // No alt text: axe's image-alt rule (critical) must report it.
            '<img id="outside" src="https://example.com/x.png">',
            `<img id="loopback" src="${other}/pixel.png" alt="pixel from another origin">`,
            "</main>",
            `<script>new WebSocket("${other.replace("http:", "ws:")}/socket");</script>`,
            "</body></html>",
          ].join(""),
        };
      });
      browser = await launchChromium({ executablePath: chromiumTool.need() });
    });

    afterAll(async () => {
      for (const page of pages) await page.close();
      await browser?.close();
      await close(site);
      await close(elsewhere);
    });

    async function open(path: string): Promise<GuardedPage> {
      if (!browser || !site) throw new Error("setup failed");
      const page = await openGuardedPage(browser, `${site.url}${path}`);
      pages.push(page);
      return page;
    }

    const loaded = (page: GuardedPage, id: string) =>
      page.page.$eval(`#${id}`, (img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0);

    it("records every request to another origin as external and blocks it; same-origin requests go through", async () => {
      const page = await open("/");
      const other = elsewhere?.url ?? "";
      // The socket opens while the page loads: give it a moment to be attempted.
      await expect.poll(() => page.external.length).toBe(3);
      expect([...page.external].sort((a, b) => a.url.localeCompare(b.url))).toEqual([
        { url: `${other}/pixel.png`, method: "GET", resourceType: "image" },
        { url: "https://example.com/x.png", method: "GET", resourceType: "image" },
        { url: `${other.replace("http:", "ws:")}/socket`, method: "GET", resourceType: "websocket" },
      ]);
      // Blocked before it left: the other loopback origin never saw it, and neither image loaded.
      expect(elsewhere?.hits).toEqual([]);
      expect(await loaded(page, "outside")).toBe(false);
      expect(await loaded(page, "loopback")).toBe(false);
      expect(site?.hits).toContain("/logo.png");
      expect(await loaded(page, "logo")).toBe(true);
    });

    it("runs axe-core in the page: a result array, with the planted missing alt text reported", async () => {
      const page = await open("/");
      const violations = await page.axe();
      expect(Array.isArray(violations)).toBe(true);
      const imageAlt = violations.find((v) => v.id === "image-alt");
      expect(imageAlt?.impact).toBe("critical");
      expect(imageAlt?.nodes.map((n) => n.target.join(" "))).toEqual(["#outside"]);
      expect(seriousViolations(violations).some((line) => line.startsWith("critical image-alt"))).toBe(true);
    });

    it("runs axe-core under a strict Content-Security-Policy that still holds for the page itself", async () => {
      const page = await open("/strict");
      const violations = await page.axe();
      expect(seriousViolations(violations)).toEqual([]);
      // The page's own inline script was refused, and the refusal was recorded.
      expect(await page.page.title()).toBe("Strict");
      expect(page.consoleErrors.join("\n")).toContain("Content Security Policy");
      expect(page.external).toEqual([]);
    });

    it("takes a full-page screenshot into .artifacts/screenshots/", async () => {
      const page = await open("/strict");
      const path = await page.screenshot("browser-smoke");
      expect(path.startsWith(SCREENSHOT_DIR)).toBe(true);
      expect(readFileSync(path).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(statSync(path).size).toBeGreaterThan(1_000);
    });
  },
);
