/**
 * `/v1` says what the native doors say, and the native Cloudflare door speaks Cloudflare's types:
 * - Gjirafa additional names: the native limit (99) on `/v1` too, errors naming `/v1`'s own fields;
 * - DELETE treats every deleting status as already deleting;
 * - `deploy=staging|production` has a `/v1` equivalent;
 * - errors certgate makes on the native Cloudflare door carry integer codes (a stable table), with the
 *   string code beside them as `certgate_code`;
 * - an upstream error's `documentation_url` and `source` reach the caller on both doors.
 */
import { beforeEach, describe, expect, it } from "vitest";
import errorsDoc from "../../docs/errors.md?raw";
import {
  createCloudflareSimulator,
  createGjirafaSimulator,
  instantSleep,
  type PackStatus,
} from "../../sandbox";
import { ERROR_CODES } from "../../src/errors";
import { CLOUDFLARE_DOOR_CODES } from "../../src/providers/cloudflare/envelope";
import { testClock } from "../helpers/deps";
import { UPSTREAM_CLOUDFLARE_TOKEN, UPSTREAM_GJIRAFA_KEY } from "../helpers/ids";
import { answer, SCRIPTED_PROJECT as P, scriptedGateway, SCRIPTED_ZONE as Z } from "../helpers/scripted";
import { clearKv } from "./helpers";

beforeEach(clearKv);

interface Envelope<T = unknown> {
  success: boolean;
  errors: Array<Record<string, unknown>>;
  messages: string[];
  result: T;
}

function world() {
  const clock = testClock();
  const cf = createCloudflareSimulator({
    zones: [{ id: Z, name: "example.com" }],
    credentials: [{ token: UPSTREAM_CLOUDFLARE_TOKEN, permission: "edit" }],
    now: clock.now,
    sleep: instantSleep,
  });
  const gj = createGjirafaSimulator({
    projects: [{ id: P }],
    apiKeys: [{ key: UPSTREAM_GJIRAFA_KEY }],
    now: clock.now,
    sleep: instantSleep,
  });
  const gw = scriptedGateway({ cloudflare: (r) => cf.fetch(r), gjirafa: (r) => gj.fetch(r) }, {}, clock);
  return { cf, gj, gw };
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i}.example.com`);
const gjCreate = (extra: Record<string, unknown>) => ({
  provider: "gjirafa",
  project: P,
  domain_name: "main.example.com",
  scope_id: 1,
  ...extra,
});

describe("/v1 Gjirafa additional names: the native rule, /v1's field names", () => {
  it("99 are accepted and sent", async () => {
    const { gj, gw } = world();
    const res = await gw.json<Envelope<{ hosts: string[] }>>("POST", "/v1/certificates", {
      body: gjCreate({ additional_names: names(99) }),
    });
    expect(res.status).toBe(200);
    expect(res.body.result.hosts).toHaveLength(100);
    expect(gj.count("POST")).toBe(1);
  });

  it.each([
    ["100 names", { additional_names: names(100) }, ["body.additional_names"]],
    ["a name repeating domain_name", { additional_names: ["main.example.com"] }, ["body.additional_names.0"]],
    [
      "a repeated name",
      { additional_names: ["a.example.com", "A.example.com"] },
      ["body.additional_names.1"],
    ],
  ])("%s: 400 naming the /v1 field, nothing sent", async (_n, extra, fields) => {
    const { gj, gw } = world();
    const res = await gw.json<Envelope>("POST", "/v1/certificates", { body: gjCreate(extra) });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: "validation_failed" });
    const reported = (res.body.errors[0]?.fields ?? []) as Array<{ path: string }>;
    expect(reported.map((f) => f.path)).toEqual(fields);
    expect(JSON.stringify(res.body)).not.toContain("additionalDomainNames");
    expect(gj.count()).toBe(0);
  });
});

describe("/v1 DELETE of a pack already being deleted", () => {
  it.each(["pending_deletion", "pending_cleanup", "deactivating", "deleted"] as PackStatus[])(
    "%s: 200 already_deleted, no DELETE sent",
    async (status) => {
      const { cf, gw } = world();
      const id = String(cf.seedPack(Z, { hosts: ["example.com"], status }).id);
      const res = await gw.json<Envelope>("DELETE", `/v1/certificates/cloudflare:${Z}:${id}`);
      expect(res.status).toBe(200);
      expect(res.body.result).toEqual({ id: `cloudflare:${Z}:${id}`, already_deleted: true });
      expect(cf.count("DELETE")).toBe(0);
    },
  );

  it("deletion_timed_out is not deleting: the DELETE is sent", async () => {
    const { cf, gw } = world();
    const id = String(cf.seedPack(Z, { hosts: ["example.com"], status: "deletion_timed_out" }).id);
    const res = await gw.json<Envelope>("DELETE", `/v1/certificates/cloudflare:${Z}:${id}`);
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ already_deleted: false });
    expect(cf.count("DELETE")).toBe(1);
  });
});

describe("/v1 deploy=staging|production (the native list's deploy=)", () => {
  it("reads every page of that view from Cloudflare, uncached (BYPASS), Cloudflare zones only", async () => {
    const { cf, gj, gw } = world();
    for (let i = 0; i < 3; i++) cf.seedPack(Z, { hosts: ["example.com"], status: "staging_active" });
    gj.seedCertificate(P, { domainName: "g.example.com" });
    const res = await gw.json<Envelope<Array<{ provider: string; status: string }>>>(
      "GET",
      "/v1/certificates?deploy=staging",
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("BYPASS");
    expect(res.body.result.map((c) => [c.provider, c.status])).toEqual([
      ["cloudflare", "staging"],
      ["cloudflare", "staging"],
      ["cloudflare", "staging"],
    ]);
    expect(cf.calls({ method: "GET" }).map((c) => c.query)).toEqual([
      { status: "all", page: "1", per_page: "50", deploy: "staging" },
    ]);
    expect(gj.count()).toBe(0);
    // Not what the cache holds: the default list is still a MISS afterwards.
    expect((await gw.json("GET", `/v1/certificates?zone=${Z}`)).headers.get("x-cache")).toBe("MISS");
  });

  it.each([`provider=gjirafa`, `project=${P}`])(
    "with %s it is 422 not_supported_by_provider",
    async (filter) => {
      const { gw } = world();
      const res = await gw.json<Envelope>("GET", `/v1/certificates?deploy=production&${filter}`);
      expect(res.status).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ code: "not_supported_by_provider", provider: "gjirafa" });
    },
  );

  it("an unknown deploy value is a validation error", async () => {
    const { gw } = world();
    const res = await gw.json<Envelope>("GET", "/v1/certificates?deploy=canary");
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({
      code: "validation_failed",
      fields: [{ path: "query.deploy" }],
    });
  });
});

describe("integer codes on the native Cloudflare door", () => {
  // Stable: a number, once given, never changes. Changing a value here means breaking clients.
  const TABLE = {
    bad_request: 71001,
    validation_failed: 71002,
    unauthorized: 71003,
    forbidden: 71004,
    not_found: 71005,
    method_not_allowed: 71006,
    conflict: 71007,
    payload_too_large: 71008,
    unsupported_media_type: 71009,
    not_supported_by_provider: 71010,
    upstream_rejected: 71011,
    upstream_auth_failed: 71012,
    upstream_rate_limited: 71013,
    upstream_unavailable: 71014,
    upstream_invalid_response: 71015,
    upstream_timeout: 71016,
    subrequest_budget_exhausted: 71017,
    config_invalid: 71018,
    internal_error: 71019,
    upstream_outcome_unknown: 71020,
    idempotency_key_reused: 71021,
    idempotency_key_in_flight: 71022,
    quota_exhausted: 71023,
    rotation_in_progress: 71024,
    monitor_busy: 71025,
    rate_limited: 71026,
  };

  it("the table: every code, one distinct integer >= 1000 each, as documented in docs/errors.md", () => {
    expect(CLOUDFLARE_DOOR_CODES).toEqual(TABLE);
    expect(Object.keys(CLOUDFLARE_DOOR_CODES).sort()).toEqual([...ERROR_CODES].sort());
    expect(new Set(Object.values(TABLE)).size).toBe(ERROR_CODES.length);
    for (const [code, number] of Object.entries(TABLE)) {
      expect(number).toBeGreaterThanOrEqual(1000);
      expect(errorsDoc, code).toMatch(new RegExp(`\\| \`${code}\` \\|[^\\n]*\\| ${number} \\|`));
    }
  });

  it.each([
    ["a bad body", "POST", "/order", { type: "advanced" }, 400, 71002, "validation_failed"],
    ["an unknown route", "GET", "/x/y", undefined, 404, 71005, "not_found"],
    ["a wrong method", "PUT", "", {}, 405, 71006, "method_not_allowed"],
  ] as const)(
    "%s: code %i... as an integer, certgate_code beside it",
    async (_n, method, rest, body, status, code, name) => {
      const { gw } = world();
      const res = await gw.json<Envelope>(
        method,
        `/cloudflare/client/v4/zones/${Z}/ssl/certificate_packs${rest}`,
        {
          body,
        },
      );
      expect(res.status).toBe(status);
      expect(res.body.errors[0]).toMatchObject({ code, certgate_code: name });
      expect(Number.isInteger(res.body.errors[0]?.code)).toBe(true);
    },
  );

  it("an error Cloudflare raised keeps Cloudflare's own integer code", async () => {
    const { gw } = world();
    const res = await gw.json<Envelope>(
      "POST",
      `/cloudflare/client/v4/zones/${Z}/ssl/certificate_packs/order`,
      {
        body: {
          type: "advanced",
          hosts: ["www.example.com"],
          validation_method: "txt",
          validity_days: 90,
          certificate_authority: "lets_encrypt",
        },
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({
      code: 1403,
      certgate_code: "upstream_rejected",
      upstream_code: 1403,
    });
  });
});

describe("an upstream error's documentation_url and source are kept", () => {
  const refusal = answer(
    {
      success: false,
      errors: [
        {
          code: 1402,
          message: "Invalid hosts",
          documentation_url:
            "https://developers.cloudflare.com/ssl/edge-certificates/advanced-certificate-manager/",
          source: { pointer: "/hosts/0" },
        },
      ],
      messages: [],
      result: null,
    },
    400,
  );

  it.each([
    ["/v1", "/v1/certificates", { provider: "cloudflare", zone: Z }, "upstream_rejected"],
    ["native", `/cloudflare/client/v4/zones/${Z}/ssl/certificate_packs/order`, { type: "advanced" }, 1402],
  ] as const)("%s", async (_door, path, extra, code) => {
    const gw = scriptedGateway({ cloudflare: () => refusal.clone() });
    const res = await gw.json<Envelope>("POST", path, {
      body: {
        hosts: ["example.com"],
        validation_method: "txt",
        validity_days: 90,
        certificate_authority: "lets_encrypt",
        ...extra,
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({
      code,
      upstream_code: 1402,
      documentation_url:
        "https://developers.cloudflare.com/ssl/edge-certificates/advanced-certificate-manager/",
      source: { pointer: "/hosts/0" },
    });
  });
});
