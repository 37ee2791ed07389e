/**
 * The pieces under /metrics and /status, alone: the exposition writer's escaping, the issuer CN reader,
 * the renderer's reuse of a scope's series until a certificate crosses its expiry, and the page's time
 * words. Table-driven; each row is an answer a user would see.
 */
import { describe, expect, it } from "vitest";
import { commonNameOf, type ViewCertificate } from "../../src/inventory/certificate";
import type { Inventory } from "../../src/inventory/inventory";
import { formatValue, head, sample } from "../../src/metrics/exposition";
import { createMetricsRenderer } from "../../src/metrics/render";
import { ago, safeLink, timeLeft } from "../../src/status/format";
import { parseExposition } from "../node/exposition";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-23T12:00:00Z");

describe("the exposition writer", () => {
  it.each([
    { value: 'a"b', written: 'a\\"b' },
    { value: "a\\b", written: "a\\\\b" },
    { value: "line\nbreak", written: "line\\nbreak" },
    { value: "plain-é", written: "plain-é" },
  ])("escapes the label value $value", ({ value, written }) => {
    expect(sample("m", [["l", value]], 1)).toBe(`m{l="${written}"} 1\n`);
    expect(parseExposition(`# TYPE m gauge\n${sample("m", [["l", value]], 1)}`).samples[0]?.labels.l).toBe(
      value,
    );
  });

  it.each([
    [0, "0"],
    [1795175100, "1795175100"],
    [0.5, "0.5"],
    [Number.POSITIVE_INFINITY, "+Inf"],
    [Number.NEGATIVE_INFINITY, "-Inf"],
    [Number.NaN, "NaN"],
  ] as const)("writes %s as %s", (value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  it("escapes HELP text, writes no labels braces for an unlabelled sample", () => {
    expect(head({ name: "m", help: "a\\b\nc", type: "gauge" })).toBe("# HELP m a\\\\b\\nc\n# TYPE m gauge\n");
    expect(sample("m", [], 3)).toBe("m 3\n");
  });
});

describe("commonNameOf (issuer_CN)", () => {
  it.each([
    ["CN=R11, O=Let's Encrypt, C=US", "R11"],
    ["C=US, O=Let's Encrypt, CN=R11", "R11"],
    ["cn = Example CA ,O=Example", "Example CA"],
    ["CN=Acme\\, Inc. Root, O=Acme", "Acme, Inc. Root"],
    ["O=No Common Name, C=XK", null],
    ["LetsEncrypt", null],
    ["CN=", null],
    [null, null],
  ] as const)("%s -> %s", (dn, cn) => {
    expect(commonNameOf(dn)).toBe(cn);
  });

  it("reads a long adversarial name in one pass", () => {
    const hostile = `${"\\,".repeat(50_000)}CN=x`;
    expect(commonNameOf(hostile)).toBeNull();
    expect(commonNameOf(`${"O=a,".repeat(50_000)}CN=found`)).toBe("found");
  });
});

function cert(id: string, expiresMs: number | null, extra: Partial<ViewCertificate> = {}): ViewCertificate {
  return {
    id,
    provider: "cloudflare",
    scope: { provider: "cloudflare", kind: "zone", id: "z1" },
    hosts: ["example.com"],
    status: "active",
    provider_status: "active",
    type: null,
    not_before: null,
    expires_at: expiresMs === null ? null : new Date(expiresMs).toISOString(),
    notBeforeMs: null,
    expiresMs,
    subject_cn: null,
    issuer_cn: null,
    serial_number: null,
    ...extra,
  };
}

function inventoryOf(certificates: readonly ViewCertificate[]): Inventory {
  return {
    run: null,
    stale: true,
    staleAfter: null,
    problems: [],
    scopes: [
      {
        scope: { provider: "cloudflare", kind: "zone", id: "z1" },
        label: "Cloudflare",
        certificates,
        source: "cache",
        asOf: NOW,
        report: null,
      },
    ],
  };
}

const expiredOf = (text: string, id: string) =>
  parseExposition(text).samples.find((s) => s.name === "x509_cert_expired" && s.labels.certificate_id === id)
    ?.value;

describe("the renderer", () => {
  it("flips x509_cert_expired when the clock crosses a certificate's expiry, with the same list", () => {
    const renderer = createMetricsRenderer();
    const certs = [cert("a", NOW + DAY), cert("b", NOW + 2 * DAY)];
    const inventory = inventoryOf(certs);
    expect(expiredOf(renderer.render(inventory, NOW), "a")).toBe(0);
    expect(expiredOf(renderer.render(inventory, NOW + DAY - 1), "a")).toBe(0);
    expect(expiredOf(renderer.render(inventory, NOW + DAY), "a")).toBe(1);
    expect(expiredOf(renderer.render(inventory, NOW + DAY), "b")).toBe(0);
    expect(expiredOf(renderer.render(inventory, NOW + 3 * DAY), "b")).toBe(1);
    // A clock that goes back (another isolate's, a test's) is not served the future's answer.
    expect(expiredOf(renderer.render(inventory, NOW), "a")).toBe(0);
  });

  it("serves a new list's certificates, not the series written for the old one", () => {
    const renderer = createMetricsRenderer();
    const before = renderer.render(inventoryOf([cert("a", NOW + DAY)]), NOW);
    const after = renderer.render(inventoryOf([cert("c", NOW + DAY)]), NOW);
    expect(before).toContain('certificate_id="a"');
    expect(after).not.toContain('certificate_id="a"');
    expect(after).toContain('certificate_id="c"');
  });

  it("writes each certificate once even if a list names it twice, exporter labels only where known", () => {
    const renderer = createMetricsRenderer();
    const text = renderer.render(
      inventoryOf([
        cert("a", NOW + DAY, { subject_cn: "example.com", serial_number: "01" }),
        cert("a", NOW + DAY),
        cert("n", null),
      ]),
      NOW,
    );
    const notAfter = parseExposition(text).samples.filter((s) => s.name === "x509_cert_not_after");
    expect(notAfter.map((s) => s.labels)).toEqual([
      {
        provider: "cloudflare",
        scope: "z1",
        certificate_id: "a",
        status: "active",
        subject_CN: "example.com",
        serial_number: "01",
      },
    ]);
    // No expiry known: no x509 series, but its status set is there.
    expect(text).toContain('certificate_id="n",provider_status="active",status="active"} 1');
  });
});

describe("the page's words", () => {
  it.each([
    [NOW + 12 * DAY + 5, "12 days"],
    [NOW + DAY, "1 day"],
    [NOW + 5 * 3_600_000, "5 hours"],
    [NOW + 90_000, "1 minute"],
    [NOW, "expired 1 minute ago"],
    [NOW - 3 * DAY, "expired 3 days ago"],
    [null, null],
  ] as const)("time left to %s: %s", (expires, words) => {
    expect(timeLeft(expires, NOW)).toBe(words);
  });

  it.each([
    [NOW, "just now"],
    [NOW - 31 * 60_000, "31 minutes ago"],
    [NOW - 2 * 3_600_000, "2 hours ago"],
    [NOW + 5_000, "just now"],
  ] as const)("%s was %s", (ms, words) => {
    expect(ago(ms, NOW)).toBe(words);
  });

  it.each([
    ["https://runbooks.example.com/x", "https://runbooks.example.com/x"],
    ["http://wiki.internal/x", "http://wiki.internal/x"],
    ["javascript:alert(1)", null],
    ["data:text/html,<b>", null],
    ["runbooks/certs.md", null],
    [null, null],
  ] as const)("links %s as %s", (value, link) => {
    expect(safeLink(value)).toBe(link);
  });
});
