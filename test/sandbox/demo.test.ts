/** The demo data `npm start`, tests and benchmarks share (sandbox/demo.ts). */
import { describe, expect, it } from "vitest";
import {
  CF_CODES,
  createDemoSimulators,
  createManualClock,
  DAY,
  DEMO_CLOUDFLARE_EMAIL,
  DEMO_CLOUDFLARE_KEY,
  DEMO_CLOUDFLARE_READ_TOKEN,
  DEMO_CLOUDFLARE_TOKEN,
  DEMO_CLOUDFLARE_ZONE_IDS,
  DEMO_GJIRAFA_API_KEY,
  DEMO_GJIRAFA_PROJECT_ID,
  DEMO_ZONES,
  instantSleep,
} from "../../sandbox/index";
import type { CfEnvelope, CfPack } from "./cf-harness";
import type { GjEnvelope, GjListItem } from "./gj-harness";
import { checkCloudflareResponse } from "./openapi";

function demo() {
  const clock = createManualClock();
  const sims = createDemoSimulators({ now: clock.now, sleep: instantSleep });
  async function cf<T>(
    path: string,
    headers: Record<string, string> = { authorization: `Bearer ${DEMO_CLOUDFLARE_TOKEN}` },
    init: RequestInit = {},
  ) {
    const url = `https://api.cloudflare.com/client/v4${path}`;
    const res = await sims.cloudflare.fetch(url, { headers, ...init });
    const body: unknown = await res.json();
    expect(checkCloudflareResponse(init.method ?? "GET", new URL(url).pathname, res.status, body)).toEqual(
      [],
    );
    return { status: res.status, body: body as CfEnvelope<T> };
  }
  return { clock, sims, cf };
}

describe("demo data", () => {
  it("has the documented zones, each with its apex", () => {
    const { sims } = demo();
    expect(sims.cloudflare.zoneIds().sort()).toEqual([...DEMO_CLOUDFLARE_ZONE_IDS].sort());
  });

  it("example.com holds active, near-expiry, pending, timed-out and universal packs", async () => {
    const { cf, clock } = demo();
    const res = await cf<CfPack[]>(`/zones/${DEMO_ZONES.example.id}/ssl/certificate_packs?status=all`);
    const packs = res.body.result;
    expect(packs.map((p) => p.status).sort()).toEqual(
      ["active", "active", "active", "pending_validation", "validation_timed_out"].sort(),
    );
    expect(packs.some((p) => p.type === "universal")).toBe(true);
    const expiries = packs.flatMap((p) => p.certificates.map((c) => Date.parse(c.expires_on ?? "")));
    expect(Math.min(...expiries)).toBe(clock.now() + 5 * DAY);
  });

  it("shop.example has 9 of 10 advanced packs used", async () => {
    const { cf } = demo();
    const res = await cf(`/zones/${DEMO_ZONES.shop.id}/ssl/certificate_packs/quota`);
    expect(res.body.result).toEqual({ advanced: { allocated: 10, used: 9 } });
  });

  it("certgate.test shows reserved-domain behaviours and an expired pack", async () => {
    const { cf } = demo();
    const res = await cf<CfPack[]>(`/zones/${DEMO_ZONES.lab.id}/ssl/certificate_packs?status=all`);
    const failing = res.body.result.find((p) => (p.validation_errors ?? []).length > 0);
    expect(failing?.validation_errors?.[0]?.message).toMatch(/^SERVFAIL looking up CAA for /);
    expect(res.body.result.map((p) => p.status)).toContain("expired");
  });

  it("basic.example lacks Advanced Certificate Manager", async () => {
    const { cf } = demo();
    const body = JSON.stringify({
      type: "advanced",
      hosts: ["basic.example"],
      validation_method: "txt",
      validity_days: 90,
      certificate_authority: "lets_encrypt",
    });
    const headers = { authorization: `Bearer ${DEMO_CLOUDFLARE_TOKEN}` };
    const res = await cf(`/zones/${DEMO_ZONES.basic.id}/ssl/certificate_packs/order`, headers, {
      method: "POST",
      body,
    });
    expect(res.body.errors[0]?.code).toBe(CF_CODES.acmRequired);
  });

  it("accepts the demo read token for reads only, and the email/key pair", async () => {
    const { cf } = demo();
    const quota = `/zones/${DEMO_ZONES.example.id}/ssl/certificate_packs/quota`;
    expect((await cf(quota, { authorization: `Bearer ${DEMO_CLOUDFLARE_READ_TOKEN}` })).status).toBe(200);
    expect(
      (await cf(quota, { "x-auth-email": DEMO_CLOUDFLARE_EMAIL, "x-auth-key": DEMO_CLOUDFLARE_KEY })).status,
    ).toBe(200);
    const del = await cf(
      `/zones/${DEMO_ZONES.example.id}/ssl/certificate_packs/${"a".repeat(32)}`,
      {
        authorization: `Bearer ${DEMO_CLOUDFLARE_READ_TOKEN}`,
      },
      { method: "DELETE" },
    );
    expect(del.status).toBe(403);
  });

  it("the Gjirafa project holds active, pending and imported certificates", async () => {
    const { sims } = demo();
    const res = await sims.gjirafa.fetch(
      `https://gjirafa.local/api/v1/projects/${DEMO_GJIRAFA_PROJECT_ID}/certificates`,
      { headers: { "x-api-key": DEMO_GJIRAFA_API_KEY } },
    );
    const body = (await res.json()) as GjEnvelope<GjListItem[]>;
    expect(body.result.map((c) => c.certificateStatus)).toEqual([
      "Active",
      "Active",
      "Pending Validation",
      "Active",
    ]);
    expect(body.result.map((c) => c.certificateType)).toContain("Imported");
  });
});
