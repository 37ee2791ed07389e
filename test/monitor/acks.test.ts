/**
 * Acknowledging problems through the API, against the sandbox and the cron: an acknowledged problem stays
 * in GET /v1/report with its `ack` and leaves the digests; it comes back when `until` passes, when its
 * severity rises, or when the ack is deleted; a replaced certificate starts a new lifecycle without it;
 * who may acknowledge what; an acknowledgement made while a run is going is not lost.
 */
import { env as runtimeEnv } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { MONITOR_ACKS_NAME } from "../../src/durable/monitor-acks";
import { type AckStore, ackStore } from "../../src/monitor/acks";
import type { ReportView } from "../../src/monitor/report-view";
import { ZONE_A, ZONE_B } from "../helpers/env";
import { KEYS, type TestKey } from "../helpers/keys";
import { harness } from "./harness";
import { cert, DAY, HOUR, resetStorage, WEBHOOK_URL } from "./helpers";

const ISSUED = {
  id: null,
  hosts: ["p1.example.com"],
  status: "active",
  issuer: null,
  signature_algorithm: null,
  serial_number: null,
  public_key_info: null,
  bundle_method: null,
  not_before: null,
  expires_at: null,
  uploaded_at: null,
  modified_at: null,
  priority: null,
  geo_restriction: null,
  primary: true,
};

import { type Lifecycle, lifecycle } from "./lifecycle-harness";

beforeEach(resetStorage);

const acksObject = () => runtimeEnv.MONITOR_ACKS.get(runtimeEnv.MONITOR_ACKS.idFromName(MONITOR_ACKS_NAME));

interface Envelope<T> {
  success: boolean;
  errors: Array<{ code: string; message: string; fields?: Array<{ path: string; message: string }> }>;
  result: T;
}
type Problem = ReportView["problems"][number];

const ackPath = (fingerprint: string) => `/v1/report/problems/${encodeURIComponent(fingerprint)}/ack`;
const iso = (ms: number) => new Date(ms).toISOString();

async function report(s: Lifecycle, key: TestKey = KEYS.reports): Promise<ReportView> {
  return (await s.gw.json<Envelope<ReportView>>("GET", "/v1/report", { key })).body.result;
}

function ack(s: Lifecycle, fingerprint: string, body: unknown, key: TestKey = KEYS.acker) {
  return s.gw.json<Envelope<Problem>>("POST", ackPath(fingerprint), { key, body });
}

/** A pack of zone A whose expiry is `left` days away at the first run, issued 90 days before it expires. */
function seedPack(s: Lifecycle, left: number, host = "shop.example.com", zone = ZONE_A) {
  const expiresOn = s.start + left * DAY;
  return s.cf.seedPack(zone, { hosts: [host], status: "active", validityDays: 90, expiresOn });
}

const events = (s: Lifecycle) =>
  s
    .notifications()
    .map((n) => [n.event, n.problem.level, n.note ?? null, (Date.parse(n.at) - s.start) / DAY]);

describe("acknowledge and mute", () => {
  it("an acknowledged problem stays in the report with its ack, leaves the digests, and comes back when `until` passes", async () => {
    // The ladder: its rungs give a same-severity move (late:30d -> late:14d) to mute.
    const s = lifecycle({ MONITOR_EXPIRY_DAYS: "30,14,7,1" });
    seedPack(s, 21);
    await s.cronUntil(1 * DAY, DAY); // 20 days left: late:30d (warning), alerted.
    const [problem] = (await report(s)).problems;
    expect(problem).toMatchObject({ level: "late:30d", severity: "warning", ack: null });
    const fingerprint = problem?.fingerprint ?? "";

    const until = s.clock.now() + 9 * DAY;
    const acked = await ack(s, fingerprint, { until: iso(until), reason: "renewal booked with the CA" });
    expect(acked.status).toBe(200);
    const ackObject = {
      by: "acker",
      reason: "renewal booked with the CA",
      until: iso(until),
      at: iso(s.clock.now()),
    };
    expect(acked.body.result).toMatchObject({ fingerprint, ack: ackObject });
    // At once, before any run: GET /v1/report lists it with its ack.
    expect((await report(s)).problems).toEqual([expect.objectContaining({ fingerprint, ack: ackObject })]);

    // 14 days left on day 7: late:14d, muted. Day 10: the ack has expired: the problem comes back.
    // Day 14 (7 left): critical:7d, sent.
    await s.cronUntil(9 * DAY, DAY);
    expect((await report(s)).problems).toEqual([
      expect.objectContaining({ level: "late:14d", ack: ackObject, owner: "web-team" }),
    ]);
    await s.cronUntil(15 * DAY, DAY);
    expect(events(s)).toEqual([
      ["opened", "late:30d", null, 1],
      ["unmuted", "late:14d", "acknowledgement expired", 10],
      ["escalated", "critical:7d", null, 14],
    ]);
    expect((await report(s)).problems[0]?.ack).toBeNull();
  });

  it("a rise in severity ends the mute at once: the escalation is sent and the ack is gone for good", async () => {
    const s = lifecycle();
    seedPack(s, 20); // 90-day pack, 20 days left: late (warning); critical under 9 days.
    await s.cronUntil(DAY, DAY);
    const fingerprint = (await report(s)).problems[0]?.fingerprint ?? "";
    expect(
      (await ack(s, fingerprint, { until: iso(s.clock.now() + 30 * DAY), reason: "known" })).status,
    ).toBe(200);
    await s.cronUntil(20 * DAY, DAY);
    expect(events(s)).toEqual([
      ["opened", "late", null, 1],
      // 8 days left on day 12: critical, a higher severity than acknowledged.
      ["escalated", "critical", null, 12],
      ["escalated", "expired", null, 20],
    ]);
    expect((await report(s)).problems[0]?.ack).toBeNull();
    expect(await acksObject().get({ fingerprint })).toBeNull();
  });

  it("DELETE removes the ack: the problem comes back into the digests (unmuted: acknowledgement removed)", async () => {
    const s = lifecycle();
    seedPack(s, 20);
    await s.cronUntil(DAY, DAY);
    const fingerprint = (await report(s)).problems[0]?.fingerprint ?? "";
    await ack(s, fingerprint, { until: iso(s.clock.now() + 5 * DAY), reason: "known" });
    await s.cronUntil(2 * DAY, DAY);
    const removed = await s.gw.json<Envelope<{ fingerprint: string; removed: unknown }>>(
      "DELETE",
      ackPath(fingerprint),
      {
        key: KEYS.acker,
      },
    );
    expect(removed.status).toBe(200);
    expect(removed.body.result).toEqual({
      fingerprint,
      removed: expect.objectContaining({ by: "acker", reason: "known" }),
    });
    expect((await report(s)).problems[0]?.ack).toBeNull();
    await s.cronUntil(3 * DAY, DAY);
    expect(events(s)).toEqual([
      ["opened", "late", null, 1],
      ["unmuted", "late", "acknowledgement removed", 3],
    ]);
    // Deleting again is not an error: nothing to remove.
    const again = await s.gw.json<Envelope<{ removed: unknown }>>("DELETE", ackPath(fingerprint), {
      key: KEYS.admin,
    });
    expect([again.status, again.body.result.removed]).toEqual([200, null]);
  });

  it("a renewed certificate (new expiry) starts a new lifecycle: the old ack does not mute it", async () => {
    const s = lifecycle();
    const pack = s.cf.seedPack(ZONE_A, {
      hosts: ["api.example.com"],
      status: "active",
      validityDays: 14,
      issuedOn: s.start,
    });
    await s.cronUntil(10 * DAY, DAY); // renewal_due (info) on day 10 (4 days left)
    const fingerprint = (await report(s)).problems[0]?.fingerprint ?? "";
    await ack(s, fingerprint, { until: iso(s.clock.now() + 30 * DAY), reason: "Cloudflare renews it" });
    s.cf.renewPack(ZONE_A, String(pack.id));
    await s.cronUntil(26 * DAY, DAY);
    // The old problem resolves (muted: it was acknowledged); the new lifetime alerts in full: its window
    // opens on day 20 (4 days left), critical on day 23 (1 day left, under 1.4), expired on day 24.
    expect(events(s).map(([e, l, , d]) => [e, l, d])).toEqual([
      ["opened", "renewal_due", 10],
      ["opened", "renewal_due", 20],
      ["escalated", "critical", 23],
      ["escalated", "expired", 24],
    ]);
  });

  it("a certificate replaced under the same id and expiry (another serial) is a new lifecycle: the ack is void", async () => {
    const expires_at = "2026-12-13T12:00:00Z"; // 20 days after the harness clock: renewal window open
    const withSerial = (serial: string) => ({
      ...cert({ scope: ZONE_A, id: "p1", type: "sni_custom", expires_at }),
      certificates: [{ ...ISSUED, serial_number: serial, expires_at }],
    });
    const h = harness({ cloudflare: { [ZONE_A]: { certs: [withSerial("0A11")] } } });
    const [problem] = (await h.run()).problems;
    expect(problem).toMatchObject({ level: "renewal_due", severity: "warning" });
    expect(problem?.details.issued_certificate).toBe("0A11");
    const fingerprint = problem?.fingerprint ?? "";
    const store = ackStore(h.config.monitor) as AckStore;
    await store.put(h.clock.now(), {
      fingerprint,
      provider: "cloudflare",
      scope_kind: "zone",
      scope_id: ZONE_A,
      issued_certificate: "0A11",
      severity: "warning",
      by: "ops",
      reason: "replacing it",
      until: h.clock.now() + 10 * DAY,
      at: h.clock.now(),
    });
    h.clock.advance(HOUR);
    expect((await h.run()).problems[0]?.ack).toMatchObject({ by: "ops" });
    // Re-uploaded: another serial, the same expiry (the same fingerprint): a new lifecycle.
    h.cf.data.set(ZONE_A, { certs: [withSerial("0B22")] });
    h.clock.advance(HOUR);
    const after = await h.run();
    expect(after.problems.map((p) => [p.fingerprint, p.details.issued_certificate, p.ack])).toEqual([
      [fingerprint, "0B22", null],
    ]);
    // The old lifecycle's end is muted (it was acknowledged); the new one is alerted as new.
    expect(h.notificationsSince(0).map((n) => [n.event, n.problem.details.issued_certificate])).toEqual([
      ["opened", "0A11"],
      ["opened", "0B22"],
    ]);
    expect(await store.get(fingerprint)).toBeNull();
  });
});

describe("who may acknowledge what", () => {
  async function opened() {
    const s = lifecycle();
    seedPack(s, 20, "a.example.com", ZONE_A);
    seedPack(s, 20, "b.example.org", ZONE_B);
    await s.cronUntil(DAY, DAY);
    const problems = (await report(s, KEYS.admin)).problems;
    const of = (zone: string) => problems.find((p) => p.scope.id === zone)?.fingerprint ?? "";
    return { s, zoneA: of(ZONE_A), zoneB: of(ZONE_B) };
  }
  const body = (s: Lifecycle) => ({ until: iso(s.clock.now() + DAY), reason: "known" });

  it("a reports:read key gets 403 (POST and DELETE); admin and reports:ack may", async () => {
    const { s, zoneA } = await opened();
    for (const key of [KEYS.reports, KEYS.reader, KEYS.writer]) {
      const refused = await ack(s, zoneA, body(s), key);
      expect([refused.status, refused.body.errors[0]?.code]).toEqual([403, "forbidden"]);
      const del = await s.gw.json<Envelope<null>>("DELETE", ackPath(zoneA), { key });
      expect(del.status).toBe(403);
    }
    expect((await report(s)).problems.every((p) => p.ack === null)).toBe(true);
    expect((await ack(s, zoneA, body(s), KEYS.admin)).status).toBe(200);
    expect((await ack(s, zoneA, body(s), KEYS.acker)).body.result.ack?.by).toBe("acker");
  });

  it("every acknowledgement, removal and refusal is in the audit log, with the scope the fingerprint names", async () => {
    const { s, zoneA, zoneB } = await opened();
    // The log outlives the storage reset between tests: this test's rows are found by their request ids.
    const run = crypto.randomUUID();
    const send = (method: string, fingerprint: string, key: TestKey, n: number) =>
      s.gw.json(method, ackPath(fingerprint), {
        key,
        body: method === "POST" ? body(s) : undefined,
        headers: { "X-Request-Id": `${run}-${n}` },
      });
    expect((await send("POST", zoneA, KEYS.acker, 1)).status).toBe(200);
    expect((await send("POST", zoneB, KEYS.zoneAAck, 2)).status).toBe(403);
    expect((await send("DELETE", zoneA, KEYS.acker, 3)).status).toBe(200);
    const log = await s.gw.json<Envelope<Array<Record<string, unknown>>>>("GET", "/v1/audit?per_page=500", {
      key: KEYS.admin,
    });
    expect(log.status).toBe(200);
    const rows = log.body.result
      .filter((r) => String(r.request_id).startsWith(run))
      .sort((a, b) => String(a.request_id).localeCompare(String(b.request_id)))
      .map((r) => [r.actor, r.action, r.method, r.scope, (r.outcome as { status: number }).status]);
    expect(rows).toEqual([
      ["acker", "report.ack", "POST", ZONE_A, 200],
      ["zone-a-ack", "report.ack", "POST", ZONE_B, 403],
      ["acker", "report.unack", "DELETE", ZONE_A, 200],
    ]);
    // The reason is the acknowledger's words: it stays in the acknowledgement, not in the audit log.
    expect(JSON.stringify(log.body.result)).not.toContain("known");
  });

  it("a key limited to some zones acknowledges only their problems: 403 elsewhere, whether or not the problem exists", async () => {
    const { s, zoneA, zoneB } = await opened();
    const mine = await ack(s, zoneA, body(s), KEYS.zoneAAck);
    expect(mine.status).toBe(200);
    const theirs = await ack(s, zoneB, body(s), KEYS.zoneAAck);
    expect([theirs.status, theirs.body.errors[0]?.code]).toEqual([403, "forbidden"]);
    const made_up = await ack(s, zoneB.replace(/@.*/, "@2031-01-01T00:00:00Z"), body(s), KEYS.zoneAAck);
    expect([made_up.status, made_up.body.errors[0]?.message]).toEqual([403, theirs.body.errors[0]?.message]);
    expect((await s.gw.json("DELETE", ackPath(zoneB), { key: KEYS.zoneAAck })).status).toBe(403);
    // Its own report view shows its own acknowledged problem only.
    const view = await report(s, KEYS.zoneAAck);
    expect(view.problems.map((p) => [p.scope.id, p.ack?.by ?? null])).toEqual([[ZONE_A, "zone-a-ack"]]);
    expect((await report(s, KEYS.admin)).problems.find((p) => p.scope.id === ZONE_B)?.ack).toBeNull();
  });

  it.each([
    {
      what: "until in the past",
      body: (now: number) => ({ until: iso(now - 1), reason: "x" }),
      field: "until",
    },
    {
      what: "until over 90 days ahead",
      body: (now: number) => ({ until: iso(now + 91 * DAY), reason: "x" }),
      field: "until",
    },
    {
      what: "until without a time zone",
      body: () => ({ until: "2026-12-01T00:00:00", reason: "x" }),
      field: "until",
    },
    { what: "no reason", body: (now: number) => ({ until: iso(now + DAY) }), field: "reason" },
    {
      what: "an empty reason",
      body: (now: number) => ({ until: iso(now + DAY), reason: "  " }),
      field: "reason",
    },
    {
      what: "a reason with a line break",
      body: (now: number) => ({ until: iso(now + DAY), reason: "a\nb" }),
      field: "reason",
    },
    {
      what: "an unknown field",
      body: (now: number) => ({ until: iso(now + DAY), reason: "x", by: "someone" }),
      field: "",
    },
  ])("400 for $what, nothing stored", async ({ body: make, field }) => {
    const { s, zoneA } = await opened();
    const refused = await ack(s, zoneA, make(s.clock.now()));
    expect([refused.status, refused.body.errors[0]?.code]).toEqual([400, "validation_failed"]);
    if (field) expect(refused.body.errors[0]?.fields?.map((f) => f.path)).toEqual([`body.${field}`]);
    expect((await report(s)).problems.every((p) => p.ack === null)).toBe(true);
  });

  it("an offset time is accepted and shown in UTC; an unknown fingerprint of a visible zone is 404", async () => {
    const { s, zoneA } = await opened();
    const at = new Date(s.clock.now() + 2 * DAY);
    const offset = `${at.toISOString().slice(0, 10)}T14:00:00+02:00`;
    const ok = await ack(s, zoneA, { until: offset, reason: "known" });
    expect(ok.body.result.ack?.until).toBe(new Date(offset).toISOString());
    const unknown = await ack(s, `expiry:cloudflare:${ZONE_A}:nope@2031-01-01T00:00:00Z`, {
      until: offset,
      reason: "x",
    });
    expect([unknown.status, unknown.body.errors[0]?.code]).toEqual([404, "not_found"]);
    const provider = await ack(s, `expiry:nope:${ZONE_A}:x@y`, { until: offset, reason: "x" });
    expect(provider.status).toBe(404);
    // Unencoded in the path works as well (":" and "@" are allowed in a path segment).
    const raw = await s.gw.json("POST", `/v1/report/problems/${zoneA}/ack`, {
      key: KEYS.acker,
      body: { until: offset, reason: "again" },
    });
    expect(raw.status).toBe(200);
  });
});

describe("acknowledgements and the run", () => {
  it("an ack made while a run is going is not lost: the run's STATE write does not touch it, the next run honours it", async () => {
    let during: (() => Promise<unknown>) | null = null;
    const s = lifecycle(
      { MONITOR_EXPIRY_DAYS: "30,14,7,1" },
      {
        routes: {
          // The webhook receiver acknowledges while the run delivers its digest (after it read the acks).
          [new URL(WEBHOOK_URL).origin]: async (request) => {
            const job = during;
            during = null;
            if (job) await job();
            return s.rx.fetch(request);
          },
        },
      },
    );
    seedPack(s, 16);
    await s.cronUntil(DAY, DAY); // 15 days left: late:30d, alerted.
    const fingerprint = (await report(s)).problems[0]?.fingerprint ?? "";
    during = () => ack(s, fingerprint, { until: iso(s.clock.now() + 6 * DAY), reason: "mid-run" });
    // Day 2 (14 left): late:14d -> a digest is sent, during which the ack is made.
    await s.cronUntil(2 * DAY, DAY);
    expect(during).toBeNull();
    expect((await report(s)).problems[0]?.ack?.reason).toBe("mid-run");
    // Day 3..: muted (nothing), until the ack expires on day 8; day 9: 7 left, critical:7d.
    await s.cronUntil(9 * DAY, DAY);
    expect(events(s).map(([e, l, n]) => [e, l, n])).toEqual([
      ["opened", "late:30d", null],
      ["escalated", "late:14d", null],
      ["unmuted", "late:14d", "acknowledgement expired"],
      ["escalated", "critical:7d", null],
    ]);
  });

  it("the digest counts acknowledged problems apart; a muted problem that resolves sends nothing", async () => {
    const s = lifecycle();
    const acked = seedPack(s, 20);
    const other = seedPack(s, 20, "other.example.com");
    await s.cronUntil(DAY, DAY);
    const fingerprint = (await report(s)).problems.find(
      (p) => p.hosts[0] === "shop.example.com",
    )?.fingerprint;
    await ack(s, fingerprint ?? "", { until: iso(s.clock.now() + 20 * DAY), reason: "known" });
    // Day 2: the other pack is renewed: its recovery notice goes out, the acknowledged one counted apart.
    s.cf.renewPack(ZONE_A, String(other.id));
    await s.cronUntil(2 * DAY, DAY);
    // Day 3: the acknowledged pack is renewed: its recovery is muted, nothing else to say: no digest.
    s.cf.renewPack(ZONE_A, String(acked.id));
    await s.cronUntil(3 * DAY, DAY);
    const digests = s.rx.to(WEBHOOK_URL) as Array<{ summary: { open_problems: unknown } }>;
    expect(digests.map((d) => d.summary.open_problems)).toEqual([
      { critical: 0, warning: 2, info: 0, acknowledged: 0 },
      { critical: 0, warning: 0, info: 0, acknowledged: 1 },
    ]);
    expect(events(s).map(([e]) => e)).toEqual(["opened", "opened", "resolved"]);
    expect((await report(s)).problems).toEqual([]);
  });
});
