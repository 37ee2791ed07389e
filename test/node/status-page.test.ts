/// <reference types="node" />
/**
 * The status page in a real browser: Debian's Chromium (playwright-core) against the built bundle under
 * Miniflare on loopback, in front of the simulators, with a key limited to one zone and one project.
 * It signs in through the form, reads the page, checks that the other zone's data is absent, that the
 * session cookie is HttpOnly (and SameSite=Strict, for /status only), that the page made no request to
 * any other origin and broke no CSP rule, and that axe-core finds no serious or critical violation, on a
 * desktop and on a phone-sized screen; it takes the screenshots (.artifacts/screenshots/).
 *
 * CERTGATE_UPDATE_DOCS_SCREENSHOT=1 also copies the desktop screenshot to docs/images/status-page.png
 * (the README's picture). Keep that file under 300 KB: re-encode it after an update, e.g.
 * `pngquant --quality=70-95 --strip -f -o docs/images/status-page.png docs/images/status-page.png`.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchZoneId } from "../../bench/lib/upstreams";
import { DAY, HOUR } from "../../sandbox/index";
import { type GuardedPage, launchChromium, openGuardedPage, seriousViolations } from "./browser";
import { ROOT, tool } from "./tools";
import { type BenchKey, benchKey, GJIRAFA_PROJECT, type ServedCertgate, serveCertgate } from "./worker";

const chromium = tool("chromium");
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.skipIf(chromium.skip)("the status page in Chromium", () => {
  let served: ServedCertgate | undefined;
  let browser: Browser | undefined;
  let onCall: BenchKey | undefined;
  const pages: GuardedPage[] = [];
  const zone = benchZoneId(0);
  const otherZone = benchZoneId(1);

  beforeAll(async () => {
    onCall = await benchKey("on-call", ["reports:read"], [zone], [GJIRAFA_PROJECT]);
    const admin = await benchKey("admin", ["admin"]);
    served = await serveCertgate({ zones: 2, gjirafa: true, keys: [onCall, admin] });
    const now = Date.now();
    const gj = served.upstreams.gjirafa;
    gj.seedCertificate(GJIRAFA_PROJECT, {
      domainName: "cdn.example.org",
      additionalNames: ["static.example.org"],
      notBefore: now - 70 * DAY,
      notAfter: now + 20 * DAY,
    });
    gj.seedCertificate(GJIRAFA_PROJECT, { domainName: "shop.example.org", status: "Pending Validation" });
    served.upstreams.cloudflare.seedPack(zone, {
      hosts: ["zone0.example", "legacy.zone0.example"],
      status: "validation_timed_out",
      validationMethod: "txt",
      since: now - 30 * HOUR,
    });
    const run = await fetch(`${served.url}/v1/report/run`, { method: "POST", headers: admin.headers });
    expect(run.status, await run.text()).toBe(200);
    browser = await launchChromium({ executablePath: chromium.need() });
  });

  afterAll(async () => {
    for (const page of pages) await page.close();
    await browser?.close();
    await served?.close();
  });

  async function open(options: Parameters<typeof openGuardedPage>[2] = {}): Promise<GuardedPage> {
    if (!browser || !served) throw new Error("setup failed");
    const page = await openGuardedPage(browser, `${served.url}/status`, options);
    pages.push(page);
    return page;
  }

  async function signIn(page: GuardedPage): Promise<void> {
    if (!onCall) throw new Error("setup failed");
    await page.page.fill('input[name="key"]', onCall.key);
    // The form posts, the answer redirects to /status (the URL it started from): wait for the page itself.
    await page.page.click('button[type="submit"]');
    await page.page.locator("header.top").waitFor();
    await page.page.waitForLoadState("load");
  }

  it("signs in with a key, shows the key's certificates and nothing of the other zone, with an HttpOnly cookie", async () => {
    const guarded = await open({ viewport: { width: 1200, height: 900 } });
    const { page } = guarded;
    // Not signed in: the form, and nothing else.
    expect(await page.title()).toBe("Sign in · certgate status");
    expect(await page.locator('input[name="key"]').count()).toBe(1);
    await signIn(guarded);

    expect(await page.title()).toBe("certgate status");
    const text = await page.locator("main").innerText();
    for (const host of ["api.zone0.example", "legacy.zone0.example", "cdn.example.org", "shop.example.org"]) {
      expect(text).toContain(host);
    }
    expect(text).toContain(zone);
    const html = await page.content();
    expect(html).not.toContain(otherZone);
    expect(html).not.toContain("zone1.example");
    // The first row is the certificate that expires first (the demo-like zone's 5-day pack).
    const firstRow = await page
      .locator('section[aria-label="Certificates, by time left"] tbody tr')
      .first()
      .innerText();
    expect(firstRow).toContain("api.zone0.example");
    expect(firstRow).toMatch(/[45] days/);
    // The failed validation, with the record to publish.
    expect(text).toContain("validation_timed_out");
    expect(await page.locator("caption", { hasText: "Publish these records" }).count()).toBeGreaterThan(0);

    const cookies = await guarded.context.cookies();
    expect(cookies.map((c) => c.name)).toEqual(["certgate_status"]);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/status", secure: false });
    expect(cookies[0]?.value).not.toContain(onCall?.key ?? "");
    // Scripts in the page cannot read it.
    expect(
      await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie),
    ).toBe("");

    expect(guarded.external).toEqual([]);
    // The only console line is the sign-in page's own 401 (the page asks for credentials): no CSP
    // violation, no script error.
    expect(guarded.consoleErrors).toEqual([
      "Failed to load resource: the server responded with a status of 401 (Unauthorized)",
    ]);
    expect(seriousViolations(await guarded.axe())).toEqual([]);

    const shot = await guarded.screenshot("status-page");
    expect(readFileSync(shot).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    if (process.env.CERTGATE_UPDATE_DOCS_SCREENSHOT === "1") {
      mkdirSync(join(ROOT, "docs", "images"), { recursive: true });
      copyFileSync(shot, join(ROOT, "docs", "images", "status-page.png"));
    }
  });

  it("filters with the form, and signs out", async () => {
    const guarded = await open();
    await signIn(guarded);
    const { page } = guarded;
    await page.selectOption("#f-status", "failed");
    await Promise.all([page.waitForURL(/status=failed/), page.click('form.filters button[type="submit"]')]);
    const rows = page.locator('section[aria-label="Certificates, by time left"] tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain("legacy.zone0.example");
    expect(await page.locator("#f-status").inputValue()).toBe("failed");

    await page.click("text=Sign out");
    await page.locator('input[name="key"]').waitFor();
    expect(await guarded.context.cookies()).toEqual([]);
    expect(guarded.external).toEqual([]);
  });

  it("reads on a phone: one column, no sideways scrolling of the page, still no serious violation", async () => {
    const guarded = await open({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    expect(seriousViolations(await guarded.axe())).toEqual([]);
    await signIn(guarded);
    const { page } = guarded;
    const widths = await page.evaluate(() => {
      const doc = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document.documentElement;
      return { scroll: doc.scrollWidth, client: doc.clientWidth };
    });
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    expect(seriousViolations(await guarded.axe())).toEqual([]);
    expect(guarded.external).toEqual([]);
    await guarded.screenshot("status-page-phone");
  });
});
