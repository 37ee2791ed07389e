/**
 * No order is ever sent twice: whatever goes wrong upstream on an order/create/import (5xx, a dropped
 * connection after the upstream acted, no answer at all), exactly one POST reaches the simulator and the
 * caller gets 502 `upstream_outcome_unknown` (list before retrying), on both front doors.
 * Cloudflare-native failures also say `X-Should-Retry: false` so the official SDK does not repeat them
 * either (cloudflare-sdk.test.ts).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { type Fault, SAMPLE_CERTIFICATE, SAMPLE_CHAIN, SAMPLE_PRIVATE_KEY } from "../../sandbox";
import { cfPacks, clearKv, EXAMPLE, gateway, gjCerts, ORDER, PROJECT, ROUTE_KEYS } from "./helpers";

const writer = ROUTE_KEYS.writer;
beforeEach(clearKv);

const PEM = { certificate: SAMPLE_CERTIFICATE, private_key: SAMPLE_PRIVATE_KEY, chain: SAMPLE_CHAIN };

const ROUTES = [
  { name: "native Cloudflare order", upstream: "cloudflare", path: `${cfPacks()}/order`, body: ORDER },
  {
    name: "unified Cloudflare order",
    upstream: "cloudflare",
    path: "/v1/certificates",
    body: { ...ORDER, type: undefined, provider: "cloudflare", zone: EXAMPLE },
  },
  {
    name: "native Gjirafa create",
    upstream: "gjirafa",
    path: gjCerts(),
    body: { domainName: "o.demo.certgate.test", scopeId: 1 },
  },
  {
    name: "unified Gjirafa create",
    upstream: "gjirafa",
    path: "/v1/certificates",
    body: { provider: "gjirafa", project: PROJECT, domain_name: "o.demo.certgate.test", scope_id: 1 },
  },
  {
    name: "native Gjirafa import",
    upstream: "gjirafa",
    path: `${gjCerts()}/import`,
    body: {
      certificateBody: PEM.certificate,
      certificatePrivateKey: PEM.private_key,
      certificateChain: PEM.chain,
      scopeId: 1,
    },
  },
  {
    name: "unified import",
    upstream: "gjirafa",
    path: "/v1/certificates/import",
    body: { ...PEM, project: PROJECT, scope_id: 1 },
  },
] as const;

const FAULTS: Array<{ name: string; fault: Fault; status: number }> = [
  { name: "500", fault: { kind: "status", status: 500 }, status: 502 },
  { name: "502", fault: { kind: "status", status: 502 }, status: 502 },
  { name: "503", fault: { kind: "status", status: 503 }, status: 502 },
  { name: "an HTML error page", fault: { kind: "html", status: 502 }, status: 502 },
  { name: "a reset after the upstream acted", fault: { kind: "reset", afterProcessing: true }, status: 502 },
  // Was 504 upstream_timeout: an order without an answer may have been placed, so it is now the
  // outcome-unknown answer like every other case here.
  { name: "no answer (timeout)", fault: { kind: "hang" }, status: 502 },
];

const CASES = ROUTES.flatMap((route) => FAULTS.map((fault) => ({ ...route, ...fault, route: route.name })));

describe("no order is ever sent twice", () => {
  it.each(CASES)(
    "$route, upstream $name: one POST upstream, caller gets $status upstream_outcome_unknown",
    async ({ upstream, path, body, fault, status }) => {
      // The fault stays for every POST: a second attempt would be counted and fail the same way.
      const gw = gateway({ UPSTREAM_TIMEOUT_MS: "100" });
      gw.sims[upstream].faults.add({ method: "POST", fault });
      const res = await gw.call("POST", path, { key: writer, body });
      expect(res.status).toBe(status);
      expect(gw.sims[upstream].count("POST")).toBe(1);
      const text = await res.text();
      if (path.startsWith("/cloudflare/")) {
        expect(res.headers.get("x-should-retry")).toBe("false");
        expect(JSON.parse(text).errors[0]).toMatchObject({
          code: 71020,
          certgate_code: "upstream_outcome_unknown",
        });
      } else if (path.startsWith("/gjirafa/")) {
        expect(JSON.parse(text).errors[0]).toMatch(/^upstream_outcome_unknown: .*before retrying/);
      } else {
        expect(JSON.parse(text).errors[0]).toMatchObject({ code: "upstream_outcome_unknown" });
        expect(JSON.parse(text).errors[0].message).toMatch(
          /GET \/v1\/certificates\?(zone|project)=.* before retrying/,
        );
      }
    },
  );

  it("a refused order (4xx) is not marked unsafe to retry: the caller can fix and resend", async () => {
    const gw = gateway();
    const res = await gw.call("POST", `${cfPacks()}/order`, {
      key: writer,
      body: { ...ORDER, hosts: ["www.example.com"] },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-should-retry")).toBeNull();
  });
});
